package org.nixswarm.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.nixswarm.client.cache.NarCache;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.resolve.DhtIndex;
import org.nixswarm.client.resolve.IndexClient;
import org.nixswarm.client.resolve.IndexEntries;
import org.nixswarm.client.resolve.UpstreamClient;
import org.nixswarm.client.swarm.BundleLayout;
import org.nixswarm.client.swarm.BundleSession;
import org.nixswarm.client.swarm.DhtPeers;
import org.nixswarm.client.swarm.SwarmRuntime;
import org.nixswarm.client.swarm.WebSeed;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.dht.DhtConfig;
import org.nixswarm.dht.DhtException;
import org.nixswarm.dht.DhtNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client: resolves store paths (local cache, then the index by prefix, then the DHT when the
 * index is unreachable or not configured, then the upstream cache), downloads their files (peers raced against the web seed, or upstream for paths in no
 * bundle), keeps them in the bounded cache and seeds them.
 */
public final class SwarmClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmClient.class);
    private static final String ENTRY_SUFFIX = ".index.json";

    private final ClientConfig config;
    private final NarCache cache;
    private final SwarmRuntime swarm;
    private final IndexClient index;
    private final UpstreamClient upstream;
    private final WebSeed webSeed;
    private final DhtNode dhtNode;
    private final DhtIndex dhtIndex;
    private final List<PublicKey> upstreamKeys;
    private final Map<String, Resolution> byHash = new ConcurrentHashMap<>();
    private final Map<String, Resolution> byFile = new ConcurrentHashMap<>();
    private final Map<String, Long> negative = new ConcurrentHashMap<>();
    private final Prefetcher prefetcher;
    // parsed torrents by infohash: a bundle's later files skip re-reading and re-hashing its torrent
    private final Map<String, BundleLayout> layouts = new ConcurrentHashMap<>();
    // magnet links of bundles by infohash: their tr= and ws= stand in for what BEP 9 metadata lacks
    private final Map<String, org.nixswarm.core.magnet.MagnetUri> magnets = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    // writes narinfos and index entries to the cache off the answer's path; drained at close
    private final ExecutorService persister = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nix-swarm-persist");
        t.setDaemon(true);
        return t;
    });
    // fetches bundle directories (speculative: one at a time, whatever Nix asks for at once)
    private final ExecutorService directories = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nix-swarm-directories");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closing;

    public SwarmClient(ClientConfig config) {
        this.config = config;
        List<PublicKey> ik = new ArrayList<>();
        for (String k : config.indexKeys()) ik.add(key(k));
        List<PublicKey> uk = new ArrayList<>();
        for (String k : config.upstreamKeys()) uk.add(key(k));
        PublicKey publisher = config.dht() == null || config.dht().publisherKey() == null ? null : key(config.dht().publisherKey());
        if (config.indexUrl() != null) checkHttpUrl(config.indexUrl(), "--index");
        if (config.upstreamUrl() != null) checkHttpUrl(config.upstreamUrl(), "--upstream");
        if (config.indexUrl() != null && ik.isEmpty()) {
            throw new ClientException("--index " + config.indexUrl() + " needs --index-key (the planner's public key)");
        }
        this.upstreamKeys = uk;
        this.index = config.indexUrl() == null ? null
                : new IndexClient(config.indexUrl(), ik, config.httpTimeout(), java.time.Duration.ofSeconds(30));
        this.upstream = config.upstreamUrl() == null ? null : new UpstreamClient(config.upstreamUrl(), config.httpTimeout());
        this.webSeed = new WebSeed(config.httpTimeout(), 4, 4L << 20);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nix-swarm-client-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.cache = new NarCache(config.cacheDir(), config.cacheSize());
        this.prefetcher = new Prefetcher(this::download, this::needsDownload, task -> {
            try {
                workers.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // shutting down: no further prefetch
            }
        });
        loadKnown();
        DhtNode node = null;
        DhtIndex dhtIdx = null;
        try {
            if (config.dht() != null) {
                node = startDht(config.dht());
                if (publisher != null) {
                    dhtIdx = new DhtIndex(node, publisher, ik, new java.net.InetSocketAddress(config.dht().bindAddress(),
                            config.dht().port()), config.cacheDir().resolve("dht-work"), config.dht().timeout());
                }
            }
            this.swarm = new SwarmRuntime(cache, config.swarm(), node == null ? null : new DhtPeers(node, config.swarm().peerPort()));
            swarm.setExtraTrackers(config.trackers());
        } catch (RuntimeException e) {
            workers.shutdownNow();
            directories.shutdownNow();
            persister.shutdownNow();
            if (dhtIdx != null) dhtIdx.close();
            if (node != null) node.close();
            cache.close();
            throw e;
        }
        this.dhtNode = node;
        this.dhtIndex = dhtIdx;
        resumeSeeding();
    }

    private static PublicKey key(String text) {
        try {
            return PublicKey.parse(text.trim());
        } catch (FormatException e) {
            throw new ClientException(e.getMessage());
        }
    }

    /**
     * Refused at start, with the option's name: a URL that cannot work (another scheme, no host, a
     * space) used to fail every lookup later, one 500 per narinfo, some with a ClassCastException.
     */
    private static void checkHttpUrl(String url, String option) {
        try {
            org.nixswarm.client.net.BlockingGet.httpUri(url);
        } catch (IOException e) {
            throw new ClientException(option + ": " + e.getMessage());
        }
    }

    private static DhtNode startDht(DhtSettings d) {
        try {
            return DhtNode.start(new DhtConfig(d.bindAddress(), d.port(), d.bootstrap()));
        } catch (DhtException e) {
            throw new ClientException(e.getMessage());
        }
    }

    /** True when some {@code Sig:} line of the narinfo verifies against one of the keys. */
    private static boolean signedBy(String narinfo, List<PublicKey> keys) {
        try {
            return NarInfo.parse(narinfo, "narinfo").verify(keys);
        } catch (FormatException e) {
            return false;
        }
    }

    public ClientConfig config() { return config; }
    public NarCache cache() { return cache; }
    public SwarmRuntime swarm() { return swarm; }

    /**
     * Resolutions saved by earlier runs, so what the cache holds stays resolvable: an index entry
     * (it carries its narinfo), or for paths in no bundle the upstream's narinfo.
     */
    private void loadKnown() {
        java.util.TreeSet<String> hashes = new java.util.TreeSet<>(cache.narinfoHashes());
        hashes.addAll(cache.sidecarHashes(ENTRY_SUFFIX));
        for (String h : hashes) {
            try {
                IndexEntry e = cache.sidecar(h, ENTRY_SUFFIX).map(SwarmClient::readEntry).orElse(null);
                NarinfoView n = e != null ? IndexEntries.narinfo(e) : NarinfoView.parse(cache.narinfo(h).orElseThrow(), "cached narinfo " + h);
                remember(new Resolution(n, e));
            } catch (RuntimeException ex) {
                LOG.warn("cached narinfo {} unreadable, ignored: {}", h, ex.getMessage());
            }
        }
    }

    /** Seeds again, after a restart, every bundle of which a complete file is in the cache. */
    private void resumeSeeding() {
        for (Resolution r : byHash.values()) {
            if (r.inBundle() && cache.hasComplete(r.narinfo().fileName())) {
                try {
                    cache.torrent(r.entry().infohash().hex()).ifPresent(t -> swarm.session(BundleLayout.parse(t)));
                } catch (RuntimeException ex) {
                    LOG.warn("cannot seed bundle {}: {}", r.entry().infohash(), ex.getMessage());
                }
            }
        }
    }

    private void remember(Resolution r) {
        byHash.put(r.narinfo().storeHash(), r);
        byFile.put(r.narinfo().fileName(), r);
    }

    /** The sidecar is the entry's index.jsonl line, as checked when it was first resolved. */
    private static IndexEntry readEntry(byte[] json) {
        try {
            return IndexEntry.parse(new String(json, StandardCharsets.UTF_8));
        } catch (FormatException e) {
            throw new ClientException("bad cached index entry: " + e.getMessage());
        }
    }

    private static byte[] writeEntry(IndexEntry e) {
        return e.toJsonLine().getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- resolution

    /**
     * Resolves a store-path hash. Throws {@link NotFoundException} when no source has it, and
     * {@link ClientException} when a source that might have it failed (the server answers 5xx).
     */
    public Resolution resolve(String storeHash) {
        if (!storeHash.matches("[0-9a-df-np-sv-z]{32}")) throw new NotFoundException("not a store path hash: " + storeHash);
        Resolution r = byHash.get(storeHash);
        if (r != null) return r;
        Long until = negative.get(storeHash);
        if (until != null && until > System.nanoTime()) throw new NotFoundException(storeHash + " is unknown (cached)");
        if (config.privatePaths().isPrivate(storeHash, null)) {
            throw new NotFoundException(storeHash + " is private: never looked up outside this machine");
        }
        IOException failure = null;
        if (index != null) {
            try {
                org.nixswarm.client.net.Trace.mark(storeHash, "index lookup");
                Optional<IndexEntry> looked = index.lookup(storeHash);
                org.nixswarm.client.net.Trace.mark(storeHash, "index answered");
                r = accept(storeHash, looked, "index");
                if (r != null) return r;
            } catch (IOException e) {
                LOG.warn("index lookup for {} failed: {}", storeHash, e.getMessage());
                failure = e;
            }
        }
        // the DHT holds the same index: asked when there is no index server or it failed
        if (dhtIndex != null && (index == null || failure != null)) {
            try {
                r = accept(storeHash, dhtIndex.lookup(storeHash), "DHT");
                if (r != null) return r;
                failure = null; // the published index answered: not in any bundle
            } catch (IOException e) {
                LOG.warn("DHT lookup for {} failed: {}", storeHash, e.getMessage());
                if (failure == null) failure = e;
            }
        }
        if (upstream != null) {
            try {
                Optional<String> text = upstream.narinfo(storeHash);
                if (text.isPresent()) {
                    if (!upstreamKeys.isEmpty() && !signedBy(text.get(), upstreamKeys)) {
                        throw new ClientException("upstream narinfo for " + storeHash + " is not signed by a trusted key");
                    }
                    r = new Resolution(NarinfoView.parse(text.get(), "upstream " + storeHash), null);
                    if (!r.narinfo().storeHash().equals(storeHash)) throw new ClientException("upstream answered " + storeHash + " with " + r.narinfo().storePath());
                    cache.putNarinfo(storeHash, text.get());
                    remember(r);
                    return r;
                }
            } catch (IOException e) {
                throw new ClientException("upstream cache " + upstream.baseUrl() + " unavailable: " + describe(e), e);
            }
        }
        if (failure != null) throw new ClientException("index unavailable and upstream does not have " + storeHash + ": " + describe(failure), failure);
        rememberUnknown(storeHash);
        throw new NotFoundException(storeHash + " is in no bundle and not upstream");
    }

    /** Unknown hashes remembered at most (about 100 bytes each). */
    static final int NEGATIVE_ENTRIES = 65_536;

    /**
     * Remembers a miss for the negative TTL. Expired misses were never dropped: every hash Nix (or
     * any local process) ever asked about in vain stayed in memory for the life of the substituter.
     */
    private void rememberUnknown(String storeHash) {
        long now = System.nanoTime();
        if (negative.size() >= NEGATIVE_ENTRIES) {
            negative.values().removeIf(until -> until - now <= 0);
            // all still fresh: forgetting them costs a lookup each, never a wrong answer
            if (negative.size() >= NEGATIVE_ENTRIES) negative.clear();
        }
        negative.put(storeHash, now + config.negativeTtl().toNanos());
    }

    /** Misses remembered (for tests of the bound). */
    int negativeEntries() { return negative.size(); }

    /** A verified index entry (from the index or the DHT) as a resolution, kept in the cache; null if its narinfo is refused. */
    private Resolution accept(String storeHash, Optional<IndexEntry> e, String source) {
        if (e.isEmpty()) return null;
        if (!e.get().storeHash().equals(storeHash)) throw new ClientException(source + " answered " + storeHash + " with " + e.get().storePath());
        if (!upstreamKeys.isEmpty() && !signedBy(e.get().narinfo(), upstreamKeys)) {
            LOG.warn("{} narinfo for {} is not signed by a trusted key; ignored", source, e.get().storePath());
            return null;
        }
        Resolution r = new Resolution(IndexEntries.narinfo(e.get()), e.get());
        IndexEntry entry = e.get();
        // the entry alone: it carries the narinfo (one file written per lookup, not two)
        persist(() -> cache.putSidecar(storeHash, ENTRY_SUFFIX, writeEntry(entry)));
        remember(r);
        warm(r);
        // the rest of the bundle (most of a closure) then resolves without a lookup each
        if (index != null && !closing) index.learnBundle(entry.infohash().hex(), directories);
        return r;
    }

    // ---------------------------------------------------------------- downloads

    /**
     * The size of {@code nar/<fileName>} as its narinfo gives it, without fetching it: what a
     * {@code HEAD} is answered with.
     */
    public long narSize(String fileName) {
        Resolution r = byFile.get(fileName);
        if (r == null) throw new NotFoundException("nar/" + fileName + " belongs to no narinfo this client has served");
        return r.narinfo().fileSize();
    }

    /**
     * The file {@code nar/<fileName>}, complete or being downloaded; servers stream its
     * {@link NarFile#servableBytes()} as they grow and abort if its completion fails.
     */
    public NarFile nar(String fileName) {
        Resolution r = byFile.get(fileName);
        if (r == null) throw new NotFoundException("nar/" + fileName + " belongs to no narinfo this client has served");
        return download(r);
    }

    public NarFile download(Resolution r) {
        NarinfoView n = r.narinfo();
        // Always the cache's live file for the name, never one remembered from an earlier call: a
        // request pins the name, which protects only that file (a map of running downloads once
        // returned a file evicted as it completed, closed under the request: issue 5)
        NarFile f = cache.file(n.fileName(), n.fileSize(), n.fileHash());
        cache.touch(n.fileName());
        if (f.isComplete() || !f.claimDownload()) return f;
        f.completion().whenComplete((ok, err) -> {
            org.nixswarm.client.net.Trace.mark(n.fileName(), "complete (FileHash checked, renamed)");
            if (err != null) LOG.warn("download of {} failed: {}", n.fileName(), err.getMessage());
        });
        org.nixswarm.client.net.Trace.mark(n.fileName(), "download queued");
        workers.execute(() -> {
            try {
                org.nixswarm.client.net.Trace.mark(n.fileName(), "download started");
                if (r.inBundle() && fromBundle(r, f)) return;
                fromUpstream(r, f);
            } catch (Throwable e) {
                // shutting down is not a failure: the partial file stays for the next run to resume
                if (closing) return;
                f.fail(e instanceof ClientException ? e : new ClientException(n.fileName() + ": " + describe(e), e));
            }
        });
        return f;
    }

    /**
     * Nix fetches a narinfo and then, nearly always, its file: a file of at most {@code maxSize}
     * bytes in a bundle starts downloading now (or soon: see {@link Prefetcher}), so the peers'
     * round trips overlap Nix's other work. True if it was started or queued. Only bundle files
     * (public, asked of peers anyway once Nix wants them).
     */
    public boolean prefetch(Resolution r, long maxSize) {
        NarinfoView n = r.narinfo();
        if (maxSize <= 0 || !r.inBundle() || n.fileSize() > maxSize || closing || !needsDownload(n.fileName())) return false;
        return prefetcher.offer(r);
    }

    private boolean needsDownload(String fileName) {
        return !cache.existing(fileName).map(NarFile::isDownloading).orElse(false) && !cache.hasComplete(fileName);
    }

    /** Saves what a later run needs to resolve again; Nix gets its answer without waiting for the disk. */
    private void persist(Runnable write) {
        try {
            persister.execute(() -> {
                try {
                    write.run();
                } catch (RuntimeException e) {
                    LOG.warn("cannot save a narinfo to the cache: {}", e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            write.run(); // closing: write it now
        }
    }

    /**
     * Nix asks for the narinfo, then for the file: between the two, fetch the bundle's torrent and
     * start its session, so the peer connections are being made (or are there) when the file is
     * wanted. Only the session starts: no byte of the file is asked for before Nix asks.
     */
    private void warm(Resolution r) {
        if (!r.inBundle() || closing || swarm.existingSession(r.entry().infohash().hex()).isPresent()
                || cache.hasComplete(r.narinfo().fileName())) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    layout(r.entry().infohash().hex()).ifPresent(swarm::session);
                } catch (IOException | RuntimeException e) {
                    LOG.debug("warming bundle {}: {}", r.entry().infohash().hex(), e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    /**
     * The bundle's layout: from memory, the cache, else from the index, else from the bundle's
     * peers found through the DHT (checked against its infohash either way).
     */
    private Optional<BundleLayout> layout(String infohash) throws IOException {
        BundleLayout known = layouts.get(infohash);
        if (known != null) return Optional.of(known);
        Optional<byte[]> t = cache.torrent(infohash);
        boolean fetched = false;
        IOException failure = null;
        if (t.isEmpty() && index != null) {
            try {
                t = index.bundle(infohash);
                fetched = t.isPresent();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (t.isEmpty() && dhtIndex != null) {
            t = dhtIndex.bundle(infohash);
            fetched = t.isPresent();
            if (fetched) t = Optional.of(withOwnSources(infohash, t.get()));
        }
        if (t.isEmpty() && failure != null) throw failure;
        if (t.isEmpty()) return Optional.empty();
        BundleLayout l = BundleLayout.parse(t.get());
        if (!l.infohash().equals(infohash)) throw new ClientException("bundle " + infohash + ": torrent has infohash " + l.infohash());
        if (fetched) cache.putTorrent(infohash, t.get());
        layouts.put(infohash, l);
        return Optional.of(l);
    }

    /**
     * Remembers a bundle's magnet link (as the index's {@code /v1/path} answer carries it): should
     * its torrent have to come from peers, its {@code tr=} trackers and {@code ws=} web seeds are
     * added to what the peers send.
     */
    public void knowMagnet(String magnetUri) {
        org.nixswarm.core.magnet.MagnetUri m;
        try {
            m = org.nixswarm.core.magnet.MagnetUri.parse(magnetUri);
        } catch (FormatException e) {
            throw new ClientException("magnet link: " + e.getMessage());
        }
        magnets.put(m.infoHash().hex(), m);
    }

    /**
     * A torrent from the bundle's peers is the info dictionary alone (BEP 9): no trackers, no web
     * seeds. It gets this client's trackers ({@code --tracker}), the magnet link's {@code tr=} and
     * {@code ws=} if known, and the upstream cache as web seed (its {@code nar/<file>} are the
     * bundle's files), so that the bundle is announced, and fetched over HTTP once its peers are gone.
     */
    private byte[] withOwnSources(String infohash, byte[] fromPeers) {
        java.util.LinkedHashSet<String> trackers = new java.util.LinkedHashSet<>(config.trackers());
        java.util.LinkedHashSet<String> seeds = new java.util.LinkedHashSet<>();
        org.nixswarm.core.magnet.MagnetUri m = magnets.get(infohash);
        if (m != null) {
            trackers.addAll(m.trackers());
            seeds.addAll(m.webSeeds());
        }
        if (upstream != null) seeds.add(upstream.baseUrl());
        return BundleLayout.parse(fromPeers).torrentBytesWithSources(List.copyOf(trackers), List.copyOf(seeds));
    }

    /** Peers raced against the web seed. False if the bundle cannot be used (then: upstream). */
    private boolean fromBundle(Resolution r, NarFile f) throws Exception {
        IndexEntry ie = r.entry();
        BundleLayout layout;
        try {
            Optional<BundleLayout> l = layout(ie.infohash().hex());
            if (l.isEmpty()) return false;
            layout = l.get();
        } catch (IOException | ClientException e) {
            LOG.warn("bundle {} unavailable: {}", ie.infohash().hex(), e.getMessage());
            return false;
        }
        // the planner signed the entry, but its file index must still name this file of this torrent:
        // one out of range was an exception that failed the download instead of going upstream
        int fi = ie.fileIndex();
        BundleLayout.Entry e = fi >= 0 && fi < layout.entries().size() ? layout.entry(fi) : null;
        if (e == null || e.pad() || !e.path().equals(ie.filePath()) || e.size() != f.size() || !layout.isolated(e)) {
            LOG.warn("bundle {}: file {} does not match the index entry; using upstream", ie.infohash().hex(), ie.fileIndex());
            return false;
        }
        org.nixswarm.client.net.Trace.mark(f.name(), "layout ready");
        BundleSession session = swarm.session(layout);
        org.nixswarm.client.net.Trace.mark(f.name(), "session ready");
        session.want(e, f);
        org.nixswarm.client.net.Trace.mark(f.name(), "wanted");
        List<String> seeds = new ArrayList<>(layout.webSeeds());
        if (upstream != null && !seeds.contains(upstream.baseUrl())) seeds.add(upstream.baseUrl());
        race(session, e, f, seeds);
        return true;
    }

    /** How much longer than the head start the web seed waits for peers that are known to exist. */
    private static final long DISCOVERY_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);

    /**
     * Gives peers a head start, then brings in the web seed: for everything (from the front, so the
     * stream to Nix flows) when no peer delivered, or from the back of the file when peers stall.
     */
    private void race(BundleSession session, BundleLayout.Entry e, NarFile f, List<String> seeds) throws Exception {
        long start = System.nanoTime();
        long headStart = config.raceDelay().toNanos();
        long lastPeerBytes = f.bytesFromPeers();
        long lastPeerProgress = System.nanoTime();
        int first = session.layout().firstPiece(e), end = session.layout().endPiece(e);
        int perRange = (int) Math.max(1, webSeed.maxRangeBytes() / session.layout().pieceLength());
        while (!f.completion().isDone()) {
            long now = System.nanoTime();
            if (f.bytesFromPeers() != lastPeerBytes) {
                lastPeerBytes = f.bytesFromPeers();
                lastPeerProgress = now;
            }
            boolean headStartOver = now - start >= headStart;
            boolean peersSilent = lastPeerBytes == 0;
            boolean peersStalled = now - lastPeerProgress >= config.peerStall().toNanos();
            // the head start counts from when a peer holding the file showed up; while peers are
            // still being found (announce pending, or named but not yet connected) wait a little longer
            boolean peersComing = peersSilent && (session.peerHolds(e)
                    ? now - Math.max(start, session.firstPeerNanos()) < headStart
                    : session.expectingPeers() && now - start < headStart + DISCOVERY_GRACE_NANOS);
            if (seeds.isEmpty() || !headStartOver || (!peersSilent && !peersStalled) || peersComing) {
                Thread.sleep(20);
                continue;
            }
            BitSet missing = session.missingPieces(e);
            if (missing.isEmpty()) {
                Thread.sleep(20);
                continue;
            }
            int from, to;
            if (peersSilent) {
                from = missing.nextSetBit(first);
                to = from;
                while (to < end && missing.get(to) && to - from < perRange) to++;
            } else {
                to = missing.previousSetBit(end - 1) + 1;
                from = to;
                while (from > first && missing.get(from - 1) && to - from < perRange) from--;
            }
            org.nixswarm.client.net.Trace.mark(f.name(), "web seed pieces " + from + "-" + (to - 1)
                    + (peersSilent ? " (no peer delivered)" : " (peers stalled)"));
            webSeed.fetch(session, e, from, to, seeds);
        }
    }

    /**
     * Downloads every file of a bundle and seeds it (volunteer mode). A bundle file's name is its
     * FileHash, so each file is checked whole without its narinfo. Completes when all are complete.
     * Each file has one download: a file this claims is downloaded here (a request from Nix for it
     * meanwhile streams from this download), and a file another download claimed first (Nix's
     * request, another bundle) is joined: waited for, then seeded in this bundle's session.
     */
    public CompletableFuture<Void> seedBundle(byte[] torrent) {
        BundleLayout layout = BundleLayout.parse(torrent);
        cache.putTorrent(layout.infohash(), torrent);
        BundleSession session = swarm.session(layout);
        List<String> seeds = new ArrayList<>(layout.webSeeds());
        if (upstream != null && !seeds.contains(upstream.baseUrl())) seeds.add(upstream.baseUrl());
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (BundleLayout.Entry e : layout.entries()) {
            if (e.pad()) continue;
            String name = e.fileName();
            if (!name.matches("[0-9a-df-np-sv-z]{52}\\.nar(\\.[a-z0-9]+)?")) {
                all.add(CompletableFuture.failedFuture(new ClientException("bundle " + layout.infohash() + ": " + e.path()
                        + " is not named by its FileHash")));
                continue;
            }
            NarFile f = cache.file(name, e.size(), "sha256:" + name.substring(0, 52));
            if (f.isComplete()) continue;
            if (!f.claimDownload()) {
                all.add(join(session, e, f));
                continue;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            all.add(done);
            try {
                workers.execute(() -> {
                    try {
                        session.want(e, f);
                        race(session, e, f, seeds);
                        f.completion().get();
                        done.complete(null);
                    } catch (Throwable t) {
                        Throwable why = t instanceof java.util.concurrent.ExecutionException && t.getCause() != null ? t.getCause() : t;
                        // claimed, so ours to fail; shutting down is not a failure (the partial stays for the next run)
                        if (!closing) f.fail(why instanceof ClientException ? why : new ClientException(name + ": " + describe(why), why));
                        done.completeExceptionally(why);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                done.completeExceptionally(new ClientException("client closed before " + name + " was downloaded"));
            }
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /** Another download has {@code f}: once it completes, this bundle's session seeds it too. */
    private CompletableFuture<Void> join(BundleSession session, BundleLayout.Entry e, NarFile f) {
        LOG.debug("bundle {}: {} is being downloaded already; joined", session.layout().infohash(), f.name());
        // wanted only once complete: a session wanting an incomplete file would download into it
        // too, and with another bundle's piece length it would reset the other download's state
        return f.completion().thenRunAsync(() -> {
            try {
                session.want(e, f);
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }, workers);
    }

    /** Stops seeding a bundle (volunteer mode moved on); its files stay in the LRU cache. */
    public void stopSeeding(String infohash) {
        swarm.stopSession(infohash);
    }

    /** A path in no bundle: straight from the upstream cache, FileHash-checked at the end. */
    private void fromUpstream(Resolution r, NarFile f) throws IOException {
        if (upstream == null) throw new ClientException(r.narinfo().storePath() + " is in no usable bundle and no --upstream is set");
        f.prepare(0);
        try (InputStream in = upstream.open(r.narinfo().url())) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                swarm.downloadLimit().take(n);
                f.append(ByteBuffer.wrap(buf, 0, n));
            }
        }
        f.finishStream();
    }

    static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        closing = true;
        workers.shutdownNow();
        directories.shutdownNow();
        persister.shutdown();
        try {
            if (!persister.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) LOG.warn("narinfos still being saved at close");
            // a worker in an HTTP read (a torrent from the index, say) does not see the interrupt: it
            // is waited for (its timeouts bound it), or it would write into the cache after close,
            // under the next owner of the directory (seen on CI, as a test's directory that could not
            // be deleted)
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            for (ExecutorService e : List.of(workers, directories)) {
                if (!e.awaitTermination(Math.max(0, until - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    LOG.warn("client threads still running at close");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            swarm.close();
        } finally {
            try {
                if (dhtIndex != null) dhtIndex.close();
                if (dhtNode != null) dhtNode.close();
            } finally {
                cache.close();
            }
        }
    }
}
