package org.nixswarm.cli.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.Resolution;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.testcache.TestCache;
import org.nixswarm.core.testcache.TestCacheGenerator;
import org.nixswarm.index.MagnetIndex;
import org.nixswarm.index.http.FailedLookupLimiter;
import org.nixswarm.index.http.IndexHttpServer;
import org.nixswarm.index.plan.PlanLoader;
import org.nixswarm.planner.PlanOptions;
import org.nixswarm.planner.PlanSummary;
import org.nixswarm.planner.Planner;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.io.Progress;
import org.nixswarm.tracker.Tracker;
import org.nixswarm.tracker.TrackerConfig;
import org.nixswarm.tracker.TrackerMetrics;

/**
 * The whole system on 127.0.0.1: a generated cache served over HTTP, a plan of it, the tracker,
 * the index, seeding peers and one client that fetches a closure, first with the cache up, then
 * with it down. Everything it starts is closed by {@link Resources}, in reverse order.
 */
public final class Demo {
    /** What to run; {@code nixStore} null means the client's fetch API instead of real Nix. */
    public record Settings(int paths, int peers, long seed, long maxSize, Path workDir, Path nixStore, Duration timeout) {}

    private final Settings s;
    private final PrintWriter log;

    public Demo(Settings settings, PrintWriter log) {
        this.s = settings;
        this.log = log;
    }

    public DemoReport run(boolean kept) throws Exception {
        long t0 = System.nanoTime();
        Path dir = s.workDir();
        try (Resources open = new Resources()) {
            step("generating a signed test cache of %d store paths", s.paths());
            TestCache cache = TestCacheGenerator.create(s.paths()).withSeed(s.seed()).withMaxSize(s.maxSize())
                    .generate(dir.resolve("upstream"));
            String cacheKey = cache.publicKey().toNixFormat();
            StaticHttpServer upstream = open.add(new StaticHttpServer(cache.dir()).start());
            step("upstream cache on %s (%s of .nar.xz)", upstream.baseUrl(), org.nixswarm.client.Sizes.format(cache.totalFileSize()));

            int trackerPort = freePort();
            String announce = "http://127.0.0.1:" + trackerPort + "/announce";
            Path plan = dir.resolve("plan");
            // about eight bundles whatever the size, so that a closure touches several
            long total = cache.totalFileSize();
            ClusterSettings cs = ClusterSettings.defaults().withSizes(total / 16, Math.max(total / 6, 1)).withSeed(s.seed());
            PlanSummary summary = new Planner(new PlanOptions(cache.dir().toString(), null, List.of(), null, plan, List.of(announce),
                    upstream.baseUrl(), dir.resolve("planner.key"), List.of(cache.publicKey()), true, cs, 600_000, 4,
                    Math.max(1, Runtime.getRuntime().availableProcessors()), 32L << 20), Progress.NONE).run();
            int bundles = summary.newBundles() + summary.keptBundles();
            String plannerKey = Planner.loadOrCreateKey(dir.resolve("planner.key")).publicKey().toNixFormat();
            step("planned %d bundles (torrents with url-list %s)", bundles, upstream.baseUrl());

            Tracker tracker = open.add(Tracker.start(TrackerConfig.builder()
                    .http(new InetSocketAddress(InetAddress.getLoopbackAddress(), trackerPort))
                    .plan(plan).interval(Duration.ofSeconds(5)).minInterval(Duration.ofSeconds(1)).ioThreads(1).build()));
            MagnetIndex magnetIndex = new MagnetIndex(List.of(new PlanLoader(dir.resolve("index-store"),
                    Optional.of(org.nixswarm.core.sign.PublicKey.parse(plannerKey)), 2).load(plan)));
            IndexHttpServer index = open.add(IndexHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    magnetIndex, new FailedLookupLimiter(1000, 1000)));
            String indexUrl = "http://127.0.0.1:" + index.port() + "/";
            step("tracker on %s, index on %s (%d entries)", announce, indexUrl, magnetIndex.size());

            // the target: the deepest closure; "half way" is its largest direct dependency's closure
            StorePath target = cache.deepest().storePath();
            Set<StorePath> closure = cache.closure(target);
            StorePath half = halfWay(cache, target, closure);
            Set<StorePath> first = cache.closure(half);
            Set<StorePath> second = new LinkedHashSet<>(closure);
            second.removeAll(first);

            // the peers: machines that installed other things earlier; the first two installed what
            // the client will need once the cache is down (else nobody could serve it)
            Random rnd = new Random(s.seed());
            List<TestCache.Entry> entries = cache.entries();
            List<SwarmClient> peers = new ArrayList<>();
            List<NarFile> installing = new ArrayList<>();
            for (int i = 0; i < s.peers(); i++) {
                SwarmClient peer = open.add(new SwarmClient(config(dir.resolve("peer-" + i), upstream, cacheKey, indexUrl, plannerKey,
                        Duration.ofMillis(200))));
                peers.add(peer);
                Set<StorePath> installs = new LinkedHashSet<>();
                // two holders, so that one peer banned for a bad piece does not leave the rest unservable
                if (i < 2) installs.addAll(second);
                else installs.addAll(cache.closure(entries.get(rnd.nextInt(entries.size())).storePath()));
                // one peer after the other: two peers fetching the same files at once from each other
                // is where bad pieces were seen (see the report)
                for (StorePath p : installs) installing.add(peer.download(peer.resolve(p.hashPart())));
                await(installing);
                installing.clear();
            }
            step("%d peers seed what they installed (peers 0 and 1: the %d paths needed after the cache goes down)", s.peers(),
                    second.size());
            TrackerMetrics tm = tracker.metrics();
            double setup = (System.nanoTime() - t0) / 1e9;

            long f0 = System.nanoTime();
            // Before the outage the web seed joins after a short head start of the peers; after it, the
            // client is restarted on the same cache with a long one, as a machine that knows the cache is down.
            ClientConfig before0 = config(dir.resolve("client"), upstream, cacheKey, indexUrl, plannerKey, Duration.ofMillis(500));
            ClientConfig after0 = before0.withRaceDelay(s.timeout());
            boolean realised;
            List<DemoReport.Fetched> before, after;
            double phase1;
            if (s.nixStore() != null) {
                NixRealise nix;
                try (SwarmClient client = withPeers(new SwarmClient(before0), peers);
                     SubstituterServer server = new SubstituterServer(client, new InetSocketAddress("127.0.0.1", 0))) {
                    nix = new NixRealise(s.nixStore(), dir.resolve("nix"), server.url(), cacheKey, s.timeout());
                    step("fetching %s (%d paths), then nix-store -r through the substituter %s", half, first.size(), server.url());
                    // as `nix-swarm fetch --closure --realise`: the files first, then Nix imports them
                    // (Nix streaming from files still downloading sometimes stalled; see the report)
                    fetchAll(client, first);
                    nix.realise(half);
                    before = accounting(client, first);
                }
                phase1 = (System.nanoTime() - f0) / 1e9;
                upstream.stop();
                try (SwarmClient client = withPeers(new SwarmClient(after0), peers);
                     SubstituterServer server = new SubstituterServer(client, new InetSocketAddress("127.0.0.1", 0))) {
                    nix = new NixRealise(s.nixStore(), dir.resolve("nix"), server.url(), cacheKey, s.timeout());
                    step("upstream cache DOWN; fetching %s (%d more paths), then nix-store -r", target, second.size());
                    fetchAll(client, second);
                    nix.realise(target);
                    after = accounting(client, second);
                }
                realised = nix.isValid(closure);
            } else {
                try (SwarmClient client = withPeers(new SwarmClient(before0), peers)) {
                    step("fetching %s (%d paths) with the client", half, first.size());
                    fetchAll(client, first);
                    before = accounting(client, first);
                }
                phase1 = (System.nanoTime() - f0) / 1e9;
                upstream.stop();
                try (SwarmClient client = withPeers(new SwarmClient(after0), peers)) {
                    step("upstream cache DOWN; fetching %s (%d more paths)", target, second.size());
                    fetchAll(client, second);
                    after = accounting(client, second);
                }
                realised = true;
            }
            double fetch = (System.nanoTime() - f0) / 1e9;
            Set<String> touched = new LinkedHashSet<>();
            for (DemoReport.Fetched f : before) if (f.infohash() != null) touched.add(f.infohash());
            for (DemoReport.Fetched f : after) if (f.infohash() != null) touched.add(f.infohash());
            long announces = tm.announces(TrackerMetrics.Transport.HTTP);
            long lookups = index.metrics().requests("prefix", 200) + index.metrics().requests("narinfo", 200);
            step("closing everything");
            open.close();
            return new DemoReport(target.toString(), s.paths(), s.peers(), bundles, touched.size(), before, after, announces, lookups,
                    s.nixStore() != null ? "nix-store" : "the fetch API", realised, setup, phase1, fetch, (System.nanoTime() - t0) / 1e9,
                    dir.toString(), kept);
        }
    }

    private ClientConfig config(Path cacheDir, StaticHttpServer upstream, String cacheKey, String indexUrl, String plannerKey,
            Duration raceDelay) throws IOException {
        return ClientConfig.defaults(cacheDir, freePort())
                .withUpstream(upstream.baseUrl(), List.of(cacheKey))
                .withIndex(indexUrl, plannerKey)
                .withRaceDelay(raceDelay);
    }

    /** The path of the closure whose own closure is nearest to half of it: the client fetches that first. */
    private static StorePath halfWay(TestCache cache, StorePath target, Set<StorePath> closure) {
        StorePath best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (StorePath p : closure) {
            if (p.equals(target)) continue;
            int distance = Math.abs(2 * cache.closure(p).size() - closure.size());
            if (distance < bestDistance) {
                best = p;
                bestDistance = distance;
            }
        }
        if (best == null) throw new ClientException("the generated cache has no closure to split; use more --paths");
        return best;
    }

    /** Starts every download at once (as Nix does) and waits for all of them. */
    private void fetchAll(SwarmClient c, Set<StorePath> paths) throws Exception {
        List<NarFile> files = new ArrayList<>();
        for (StorePath p : paths) files.add(c.download(c.resolve(p.hashPart())));
        await(files);
    }

    private void await(List<NarFile> files) throws Exception {
        long deadline = System.nanoTime() + s.timeout().toNanos();
        for (NarFile f : files) {
            try {
                f.completion().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new ClientException(f.name() + ": " + e.getCause().getMessage());
            } catch (TimeoutException e) {
                throw new ClientException(f.name() + ": not complete after " + s.timeout().toSeconds() + " s");
            }
        }
    }

    /**
     * Tells a client the peers' addresses besides the tracker. Bt 1.10 announces every torrent of a
     * runtime through one single-connection HTTP client: with several bundles at once most announces
     * fail ("Connection is still allocated"), so the tracker alone finds peers late or never.
     */
    private static SwarmClient withPeers(SwarmClient c, List<SwarmClient> peers) {
        for (SwarmClient p : peers) c.swarm().addPeer(new InetSocketAddress("127.0.0.1", p.swarm().peerPort()));
        return c;
    }

    private static List<DemoReport.Fetched> accounting(SwarmClient c, Set<StorePath> paths) {
        List<DemoReport.Fetched> out = new ArrayList<>();
        for (StorePath p : paths) {
            Resolution r = c.resolve(p.hashPart());
            NarFile f = c.cache().existing(r.narinfo().fileName())
                    .orElseThrow(() -> new ClientException(p + " was not fetched"));
            out.add(new DemoReport.Fetched(p.toString(), f.size(), f.bytesFromPeers(), f.bytesFromWebSeed(), f.bytesFromUpstream(),
                    r.inBundle() ? r.entry().infohash().hex() : null));
        }
        return out;
    }

    private void step(String format, Object... args) {
        log.printf("demo: " + format + "%n", args);
        log.flush();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
