package org.nixswarm.client.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.net.BlockingGet;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.store.StorePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The magnet index's HTTP API, as a client: store paths are looked up by a 16-bit prefix of their
 * hash ({@code GET /v1/prefix/<4 hex>}, the hex of the first two of the 20 hash bytes), so the
 * server learns only which of 65,536 buckets was asked for; bundles come from
 * {@code GET /v1/bundle/<infohash>}. Every entry must carry the planner's signature.
 *
 * <p>A bundle's directory ({@code GET /v1/bundle/<infohash>/entries}, fetched by
 * {@link #learnBundle} once a path of the bundle resolved) answers later lookups of its other
 * paths without a round trip: Nix asks for a closure, and the planner put closures together.
 */
public final class IndexClient {
    private static final Logger LOG = LoggerFactory.getLogger(IndexClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final List<PublicKey> keys;
    /** A prefix answer or a torrent: far larger means a broken or hostile index. */
    private static final int MAX_ANSWER = 64 << 20;
    /**
     * Answers over 4 MiB (a prefix bucket of an index of ~1 B paths is ~18 MB; of today's, ~0.2 MB)
     * are read two at a time: 64 lookup threads reading 64 MiB each was the heap a hostile index chose.
     */
    private final BlockingGet.LargeAnswers large = new BlockingGet.LargeAnswers(4 << 20, 2);
    private final Duration timeout;
    private final Duration prefixTtl;
    private final Map<String, Cached> prefixCache = new ConcurrentHashMap<>();
    /** Bundle directories by infohash, least recently fetched first; bounded by {@link #DIRECTORY_ENTRIES}. */
    private final Map<String, Cached> directories = new java.util.LinkedHashMap<>();
    /** Bundles whose directory is being fetched, or failed lately (retried after {@link #DIRECTORY_RETRY}). */
    private final Map<String, Long> directoryAttempts = new ConcurrentHashMap<>();
    /** Entries kept from bundle directories, all bundles together (about 1.5 KB each in memory). */
    static final int DIRECTORY_ENTRIES = 16_384;
    /** Entries kept from prefix answers, all prefixes together (about a hundred full buckets). */
    static final int PREFIX_ENTRIES = 16_384;
    /** A directory's answer may not be larger (index lines average 1.15 KB). */
    private static final int DIRECTORY_MAX_ANSWER = 24 << 20;
    private static final Duration DIRECTORY_TTL = Duration.ofHours(1);
    private static final Duration DIRECTORY_RETRY = Duration.ofMinutes(10);
    /** A bundle too large to keep is not asked for again in this time. */
    private static final Duration DIRECTORY_TOO_BIG = Duration.ofDays(1);
    /** Directory fetches queued or running, by infohash: done when the fetch ended, whatever its outcome. */
    private final Map<String, java.util.concurrent.CompletableFuture<Void>> fetching = new ConcurrentHashMap<>();
    /** Longest a lookup waits for directories being fetched before it asks the index itself (by default). */
    static final Duration DIRECTORY_WAIT = Duration.ofMillis(250);
    private final Duration directoryWait;
    /** Until when (nanoTime) this index is taken not to serve directories: it answered one 400 (it predates them). */
    private volatile long noDirectoriesUntil = System.nanoTime();

    /**
     * Values: the raw JSON of an entry (or its {@link Duplicates}) until first asked for, then its
     * {@link IndexEntry} or {@link #REFUSED}.
     */
    private record Cached(long expires, Map<String, Object> entries) {}

    public IndexClient(String baseUrl, List<PublicKey> keys, Duration timeout, Duration prefixTtl) {
        this(baseUrl, keys, timeout, prefixTtl, DIRECTORY_WAIT);
    }

    IndexClient(String baseUrl, List<PublicKey> keys, Duration timeout, Duration prefixTtl, Duration directoryWait) {
        this.directoryWait = directoryWait;
        this.base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        this.keys = List.copyOf(keys);
        this.timeout = timeout;
        this.prefixTtl = prefixTtl;
    }

    public static String prefixOf(String storeHash) {
        byte[] b;
        try {
            b = StorePath.parseBaseName(storeHash + "-x").hashBytes();
        } catch (FormatException e) {
            throw new ClientException("not a store path hash: '" + storeHash + "'");
        }
        return HexFormat.of().formatHex(b, 0, 2);
    }

    /** The verified entry for {@code storeHash}, or empty when the index does not have it. */
    public Optional<IndexEntry> lookup(String storeHash) throws IOException {
        String prefix = prefixOf(storeHash);
        Cached c = prefixCache.get(prefix);
        if (c == null || c.expires < System.nanoTime()) {
            // a directory knows only its bundle's paths: a miss there still asks the index
            Optional<IndexEntry> known = fromDirectories(storeHash);
            if (known.isPresent()) return known;
            if (!fetching.isEmpty()) {
                awaitDirectories();
                known = fromDirectories(storeHash);
                if (known.isPresent()) return known;
            }
            c = new Cached(System.nanoTime() + prefixTtl.toNanos(), fetchPrefix(prefix));
            keep(prefix, c);
        }
        return verified(c, "prefix " + prefix, storeHash);
    }

    /**
     * Keeps a prefix answer for its TTL, within {@link #PREFIX_ENTRIES} entries in all: the expired
     * answers go first, then the oldest. (Expired ones were only ever replaced, never dropped: every
     * bucket asked for in the life of a substituter stayed in memory.) An answer larger than the
     * bound by itself serves its one lookup and is not kept.
     */
    private void keep(String prefix, Cached c) {
        synchronized (prefixCache) {
            long now = System.nanoTime();
            prefixCache.values().removeIf(p -> p.expires < now);
            if (c.entries.size() > PREFIX_ENTRIES) return;
            prefixCache.put(prefix, c);
            int total = prefixCache.values().stream().mapToInt(p -> p.entries.size()).sum();
            if (total <= PREFIX_ENTRIES) return;
            List<Map.Entry<String, Cached>> oldest = new ArrayList<>(prefixCache.entrySet());
            oldest.sort(java.util.Comparator.comparingLong(e -> e.getValue().expires));
            for (Map.Entry<String, Cached> e : oldest) {
                if (total <= PREFIX_ENTRIES) break;
                if (prefixCache.remove(e.getKey(), e.getValue())) total -= e.getValue().entries.size();
            }
        }
    }

    private Optional<IndexEntry> verified(Cached c, String source, String storeHash) {
        Object e = c.entries.computeIfPresent(storeHash, (h, v) -> v instanceof JsonNode n ? checked(source, n)
                : v instanceof Duplicates d ? checkedFirst(source, h, d.nodes()) : v);
        return e instanceof IndexEntry ie ? Optional.of(ie) : Optional.empty();
    }

    private Optional<IndexEntry> fromDirectories(String storeHash) {
        List<Map.Entry<String, Cached>> fresh = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (directories) {
            directories.values().removeIf(d -> d.expires < now);
            for (Map.Entry<String, Cached> d : directories.entrySet()) {
                if (d.getValue().entries.containsKey(storeHash)) fresh.add(d);
            }
        }
        for (Map.Entry<String, Cached> d : fresh) {
            Optional<IndexEntry> e = verified(d.getValue(), "bundle " + d.getKey(), storeHash);
            // a directory speaks for its own bundle only: an entry of another bundle (an older
            // generation's, replayed) is left to the prefix answer
            if (e.isPresent() && e.get().infohash().hex().equals(d.getKey())) return e;
        }
        return Optional.empty();
    }

    /**
     * Fetches the directory of bundle {@code infohash} on {@code executor}, unless it is known,
     * being fetched, or failed in the last ten minutes. An index without the endpoint (400: it
     * predates directories; then no directory is asked of it for ten minutes), a 404 or any failure
     * only means lookups go on by prefix. A directory too large to keep is not asked for again for a day.
     */
    public void learnBundle(String infohash, java.util.concurrent.Executor executor) {
        synchronized (directories) {
            Cached known = directories.get(infohash);
            if (known != null && known.expires > System.nanoTime()) return;
        }
        long now = System.nanoTime();
        if (now - noDirectoriesUntil < 0) return;
        Long last = directoryAttempts.get(infohash);
        if (last != null && now - last < DIRECTORY_RETRY.toNanos()) return;
        if (!(last == null ? directoryAttempts.putIfAbsent(infohash, now) == null : directoryAttempts.replace(infohash, last, now))) {
            return; // another lookup is on it
        }
        if (directoryAttempts.size() > 4096) directoryAttempts.values().removeIf(t -> now - t > DIRECTORY_RETRY.toNanos());
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        fetching.put(infohash, done);
        try {
            executor.execute(() -> {
                try {
                    fetchDirectory(infohash);
                } finally {
                    fetching.remove(infohash, done);
                    done.complete(null);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            fetching.remove(infohash, done);
            done.complete(null);
            directoryAttempts.remove(infohash); // shutting down
        }
    }

    /**
     * Waits (at most {@code directoryWait}, 250 ms by default) for the directories being fetched. Nix asks for a
     * path's references right after the path: they are mostly in the bundle whose directory the
     * path's lookup has just sent for, and that answer is one round trip away at most, as a
     * lookup of their own would be.
     */
    private void awaitDirectories() {
        if (fetching.isEmpty()) return;
        try {
            java.util.concurrent.CompletableFuture.allOf(fetching.values().toArray(new java.util.concurrent.CompletableFuture<?>[0]))
                    .get(directoryWait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // slow or failed: the prefix lookup goes ahead
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fetchDirectory(String infohash) {
        String path = "v1/bundle/" + infohash + "/entries";
        try {
            BlockingGet.Response r = BlockingGet.get(base + path, timeout, DIRECTORY_MAX_ANSWER);
            if (r.status() == 400) {
                noDirectoriesUntil = System.nanoTime() + DIRECTORY_RETRY.toNanos();
                LOG.debug("index {} has no bundle directories (HTTP 400)", base);
                return;
            }
            if (r.status() != 200) {
                LOG.debug("directory of bundle {}: HTTP {}", infohash, r.status());
                return;
            }
            List<JsonNode> nodes = entries(r.body());
            if (nodes.size() > DIRECTORY_ENTRIES) {
                tooBig(infohash, nodes.size() + " entries");
                return;
            }
            Map<String, Object> entries = byStoreHash(nodes, "bundle " + infohash);
            if (entries.isEmpty()) return;
            synchronized (directories) {
                directories.remove(infohash);
                directories.put(infohash, new Cached(System.nanoTime() + DIRECTORY_TTL.toNanos(), entries));
                int total = directories.values().stream().mapToInt(d -> d.entries.size()).sum();
                for (var it = directories.values().iterator(); total > DIRECTORY_ENTRIES && it.hasNext(); ) {
                    total -= it.next().entries.size();
                    it.remove();
                }
            }
            directoryAttempts.remove(infohash);
        } catch (BlockingGet.TooLargeException e) {
            tooBig(infohash, "over " + (DIRECTORY_MAX_ANSWER >> 20) + " MB");
        } catch (IOException | RuntimeException e) {
            LOG.debug("directory of bundle {}: {}", infohash, e.getMessage());
        }
    }

    private void tooBig(String infohash, String why) {
        LOG.debug("directory of bundle {} not kept: {}", infohash, why);
        // the retry check compares with the attempt's time: one in the future holds it off longer
        directoryAttempts.put(infohash, System.nanoTime() + DIRECTORY_TOO_BIG.toNanos() - DIRECTORY_RETRY.toNanos());
    }

    /**
     * The entries under a prefix, by store hash, as JSON: a bucket of a full index holds about
     * 150, and only the one Nix asked for is parsed and has its signature checked (see
     * {@link #checked}), about 0.1 ms instead of 15 ms for all.
     */
    private Map<String, Object> fetchPrefix(String prefix) throws IOException {
        String path = "v1/prefix/" + prefix;
        BlockingGet.Response r = get(path);
        if (r.status() == 404) return new ConcurrentHashMap<>();
        if (r.status() != 200) throw new IOException("index " + base + path + ": HTTP " + r.status());
        return byStoreHash(entries(r.body()), "prefix " + prefix);
    }

    /** Entries (a prefix answer or a directory) by store hash, unchecked. */
    private static Map<String, Object> byStoreHash(List<JsonNode> nodes, String source) {
        Map<String, Object> out = new ConcurrentHashMap<>();
        for (JsonNode n : nodes) {
            JsonNode h = n.get("storeHash");
            if (h == null || !h.isTextual()) {
                LOG.warn("index {}: entry without a storeHash ignored", source);
                continue;
            }
            // the same hash twice (a republished entry, or a forged one beside the real one): all
            // are kept and the first that verifies wins, whichever order the index sent them in
            out.merge(h.asText(), n, (had, more) -> {
                List<JsonNode> all = new ArrayList<>();
                if (had instanceof Duplicates d) all.addAll(d.nodes());
                else all.add((JsonNode) had);
                all.add((JsonNode) more);
                return new Duplicates(List.copyOf(all));
            });
        }
        return out;
    }

    /** Entries of a prefix answer that share one store hash, in the order the index sent them. */
    private record Duplicates(List<JsonNode> nodes) {}

    /** The first of several entries for one hash that is well-formed and signed; the others are logged. */
    private Object checkedFirst(String source, String storeHash, List<JsonNode> nodes) {
        Object chosen = REFUSED;
        int bad = 0;
        for (JsonNode n : nodes) {
            Object c = checked(source, n);
            if (c == REFUSED) bad++;
            else if (chosen == REFUSED) chosen = c;
            else if (!c.equals(chosen)) LOG.warn("index {}: two valid entries for {} differ; using the first", source, storeHash);
        }
        if (bad > 0) {
            LOG.warn("index {}: {} of {} entries for {} refused{}", source, bad, nodes.size(), storeHash,
                    chosen == REFUSED ? "; none left" : "; using one that verifies");
        }
        return chosen;
    }

    /** The entry parsed and its planner signature checked; {@link #REFUSED} (remembered) if either fails. */
    private Object checked(String source, JsonNode n) {
        IndexEntry e;
        try {
            e = fromJson(n);
        } catch (RuntimeException ex) {
            LOG.warn("index {}: malformed entry for {} ignored: {}", source, n.get("storeHash").asText(), ex.getMessage());
            return REFUSED;
        }
        if (!e.storeHash().equals(n.get("storeHash").asText())) {
            LOG.warn("index {}: entry filed under {} is for {}; ignored", source, n.get("storeHash").asText(), e.storePath());
            return REFUSED;
        }
        if (!IndexEntries.signedBy(e, keys)) {
            LOG.warn("index entry for {} has no valid planner signature; ignored", e.storePath());
            return REFUSED;
        }
        return e;
    }

    private static final Object REFUSED = new Object();

    /** Accepts a JSON array, an object with an array field, or JSON lines: the compact form is the index's choice. */
    private static List<JsonNode> entries(byte[] body) throws IOException {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).trim();
        List<JsonNode> out = new ArrayList<>();
        if (text.isEmpty()) return out;
        if (text.startsWith("[")) {
            JSON.readTree(text).forEach(out::add);
        } else if (text.startsWith("{") && !text.contains("\n{")) {
            JsonNode root = JSON.readTree(text);
            if (root.has("storeHash")) out.add(root);
            else for (JsonNode v : root) if (v.isArray()) v.forEach(out::add);
        } else {
            for (String line : text.split("\n")) if (!line.isBlank()) out.add(JSON.readTree(line));
        }
        return out;
    }

    /** Core's parser on the node's JSON, then the narinfo checked against the entry. */
    static IndexEntry fromJson(JsonNode n) {
        IndexEntry e;
        try {
            e = IndexEntry.parse(JSON.writeValueAsString(n));
        } catch (FormatException | IOException ex) {
            throw new ClientException(ex.getMessage());
        }
        IndexEntries.narinfo(e);
        return e;
    }

    /** The bundle's torrent file, or empty on 404; the caller checks its infohash. */
    public Optional<byte[]> bundle(String infohash) throws IOException {
        BlockingGet.Response r = get("v1/bundle/" + infohash);
        if (r.status() == 404) return Optional.empty();
        if (r.status() != 200) throw new IOException("index " + base + "v1/bundle/" + infohash + ": HTTP " + r.status());
        return Optional.of(r.body());
    }

    private BlockingGet.Response get(String path) throws IOException {
        return BlockingGet.get(base + path, timeout, MAX_ANSWER, large);
    }

    public String baseUrl() { return base; }

    /** Entries held from prefix answers (for tests of the bound). */
    int cachedPrefixEntries() {
        return prefixCache.values().stream().mapToInt(c -> c.entries.size()).sum();
    }
}
