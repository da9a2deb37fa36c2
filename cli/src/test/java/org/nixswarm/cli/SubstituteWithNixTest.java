package org.nixswarm.cli;

import org.nixswarm.cli.ChainCache.Built;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.testing.Tools;
import org.nixswarm.index.MagnetIndex;
import org.nixswarm.index.http.FailedLookupLimiter;
import org.nixswarm.index.http.IndexHttpServer;
import org.nixswarm.index.plan.PlanLoader;
import org.nixswarm.tracker.Tracker;
import org.nixswarm.tracker.TrackerConfig;
import org.nixswarm.tracker.TrackerMetrics;

/**
 * The "done means": real Nix realises a three-level closure through the substituter,
 * first with the bytes from a seeding peer while the cache is down, then, with the peer gone and
 * the cache back, through the web seed.
 * The cache is planned by the real planner, the torrents announce to the real tracker, and the
 * downloading client is given no peer: it finds the seeder through the tracker alone. Paths are
 * looked up in the real magnet index, serving the plan; after the first path, the rest of the
 * closure's bundle comes from the bundle's directory.
 */
class SubstituteWithNixTest {
    @TempDir Path tmp;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void nixRealisesAClosureFromAPeerThenFromTheWebSeed() throws Exception {
        Path nixStore = Tools.require("nix-store", "nix-bin");
        Path cacheDir = tmp.resolve("cache");
        SecretKey cacheKey = SecretKey.generate("test-cache-1", new SecureRandom());
        // c <- b <- a: three levels of references
        List<Built> built = ChainCache.write(tmp, cacheDir, cacheKey, 42);

        try (StaticHttpServer upstream = new StaticHttpServer(cacheDir).start()) {
            // the real planner; the torrents announce to the real tracker (started before the plan exists, so open)
            Path plan = tmp.resolve("plan");
            try (Tracker tracker = Tracker.start(TrackerConfig.builder().http(new InetSocketAddress("127.0.0.1", 0))
                    .interval(Duration.ofSeconds(5)).minInterval(Duration.ofSeconds(1)).ioThreads(1).build())) {
                String announce = "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
                assertEquals(0, Main.run("plan", "--cache", cacheDir.toString(), "--out", plan.toString(),
                        "--key", tmp.resolve("planner.key").toString(), "--trusted-key", cacheKey.publicKey().toNixFormat(),
                        "--tracker", announce, "--web-seed", upstream.baseUrl(), "--strict"));
                String plannerKey = Files.readString(plan.resolve("planner-key.pub")).strip();

                IndexHttpServer index = IndexHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        new MagnetIndex(List.of(new PlanLoader(tmp.resolve("index"), Optional.of(PublicKey.parse(plannerKey)), 1).load(plan))),
                        new FailedLookupLimiter(1000, 1000));
                String indexUrl = "http://127.0.0.1:" + index.port() + "/";
                try {
                    ClientConfig seedConfig = ClientConfig.defaults(tmp.resolve("seeder"), freePort())
                            .withUpstream(upstream.baseUrl(), List.of(cacheKey.publicKey().toNixFormat()))
                            .withIndex(indexUrl, plannerKey)
                            .withRaceDelay(Duration.ZERO);
                    Path store1 = tmp.resolve("store1");
                    try (SwarmClient seeder = new SwarmClient(seedConfig)) {
                        for (Built b : built) seeder.download(seeder.resolve(b.path().hashPart())).completion().get(60, TimeUnit.SECONDS);
                        upstream.stop();

                        ClientConfig lc = ClientConfig.defaults(tmp.resolve("client1"), freePort())
                                .withUpstream(upstream.baseUrl(), List.of(cacheKey.publicKey().toNixFormat()))
                                .withIndex(indexUrl, plannerKey)
                                .withRaceDelay(Duration.ofSeconds(120));
                        try (SwarmClient client = new SwarmClient(lc);
                             SubstituterServer server = new SubstituterServer(client, new InetSocketAddress("127.0.0.1", 0))) {
                            // no peer given: the client finds the seeder through the tracker alone
                            realise(nixStore, store1, server.url(), cacheKey, built.get(2).path());
                            // the closure's bundle directory was fetched from the index (in the background)
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                            while (metric(indexUrl, "bundle-entries", 200) < 1 && System.nanoTime() < deadline) Thread.sleep(20);
                            assertTrue(metric(indexUrl, "bundle-entries", 200) >= 1, "no bundle directory was fetched");
                            for (Built b : built) {
                                NarFile f = client.cache().existing(b.fileName()).orElseThrow();
                                assertTrue(f.isComplete());
                                assertTrue(f.bytesFromPeers() > 0 && f.bytesFromWebSeed() == 0 && f.bytesFromUpstream() == 0,
                                        b.path() + ": peers " + f.bytesFromPeers() + ", web seed " + f.bytesFromWebSeed());
                            }
                        }
                    }
                    for (Built b : built) assertTrue(Files.isRegularFile(store1.resolve(b.path().toString().substring(1) + "/bin/payload")));

                    // the seeder is gone, the cache is back: the web seed serves the same closure
                    upstream.start(upstream.port());
                    Path store2 = tmp.resolve("store2");
                    ClientConfig lc2 = ClientConfig.defaults(tmp.resolve("client2"), freePort())
                            .withUpstream(upstream.baseUrl(), List.of(cacheKey.publicKey().toNixFormat()))
                            .withIndex(indexUrl, plannerKey)
                            .withRaceDelay(Duration.ofMillis(300));
                    try (SwarmClient client = new SwarmClient(lc2);
                         SubstituterServer server = new SubstituterServer(client, new InetSocketAddress("127.0.0.1", 0))) {
                        realise(nixStore, store2, server.url(), cacheKey, built.get(2).path());
                        for (Built b : built) {
                            NarFile f = client.cache().existing(b.fileName()).orElseThrow();
                            assertEquals(f.size(), f.bytesFromWebSeed(), b.path() + " from the web seed");
                        }
                    }
                    for (Built b : built) assertTrue(Files.isRegularFile(store2.resolve(b.path().toString().substring(1) + "/README")));
                    assertTrue(tracker.metrics().announces(TrackerMetrics.Transport.HTTP) >= 2,
                            tracker.metrics().render(tracker.store().stats()));
                } finally {
                    index.close();
                }
            }
        }
    }

    private void realise(Path nixStore, Path store, String substituter, SecretKey key, StorePath path) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(nixStore.toString(), "--store", store.toString(), "-r", path.toString());
        pb.environment().put("NIX_CONFIG", String.join("\n",
                "substituters = " + substituter,
                "trusted-public-keys = " + key.publicKey().toNixFormat(),
                "build-users-group =",
                "sandbox = false",
                "experimental-features = nix-command",
                "narinfo-cache-negative-ttl = 0") + "\n");
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("xdg-" + store.getFileName()).toString());
        pb.environment().put("HOME", tmp.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nix-store timed out");
        assertEquals(0, p.exitValue(), "nix-store -r failed:\n" + out);
    }

    /** The index's count of requests to {@code endpoint} answered {@code status}, from its /metrics. */
    private static long metric(String indexUrl, String endpoint, int status) throws Exception {
        String name = "nixswarm_index_requests_total{endpoint=\"" + endpoint + "\",status=\"" + status + "\"} ";
        var http = java.net.http.HttpClient.newHttpClient();
        String text = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(indexUrl + "metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith(name)).mapToLong(l -> Long.parseLong(l.substring(name.length()).trim())).sum();
    }
}
