package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.client.swarm.SwarmOptions;
import org.nixswarm.core.testcache.StaticHttpServer;

/** Bundles: single files from the web seed alone, from a seeding peer alone, and through a bad peer. */
class SwarmTest {
    @TempDir Path tmp;

    private ClientConfig config(Path dir, TestBundle b, String index, Duration raceDelay) throws Exception {
        return b.clientConfig(dir, index, raceDelay);
    }

    static NarFile fetch(SwarmClient c, String hash) throws Exception {
        NarFile f = c.download(c.resolve(hash));
        f.completion().get(60, TimeUnit.SECONDS);
        return f;
    }

    @Test
    void fileOfABundleComesFromTheWebSeedWhenThereAreNoPeers() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {70_000, 300_000, 5_000}, 16384, 10)) {
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(config(tmp.resolve("client"), b, index, Duration.ofMillis(100)));
                 SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
                var ni = SubstituterTest.get(s.url() + "/" + b.hash(1) + ".narinfo");
                assertEquals(200, ni.statusCode());
                assertEquals(b.narinfo(1).print(), new String(ni.body()));
                var nar = SubstituterTest.get(s.url() + "/nar/" + b.fileName(1));
                assertEquals(200, nar.statusCode());
                assertArrayEquals(b.data(1), nar.body());
                NarFile f = c.cache().existing(b.fileName(1)).orElseThrow();
                assertEquals(300_000, f.bytesFromWebSeed());
                assertEquals(0, f.bytesFromUpstream());
                List<StaticHttpServer.Request> reqs = b.upstream.recentRequests();
                assertTrue(reqs.stream().anyMatch(r -> r.path().endsWith(b.fileName(1)) && r.range() != null && r.status() == 206),
                        "ranged GETs: " + reqs);
                assertFalse(Files.exists(tmp.resolve("client/nar/" + b.fileName(0))), "only the wanted file");
            }
        }
    }

    /** Nix asks for the narinfo first: the bundle's session (peer connections) starts then, but no byte moves. */
    @Test
    void narinfoLookupWarmsTheBundleSessionWithoutFetchingTheFile() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {70_000, 300_000}, 16384, 12)) {
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(config(tmp.resolve("client"), b, index, Duration.ofSeconds(60)))) {
                Resolution r = c.resolve(b.hash(1));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (c.swarm().existingSession(r.entry().infohash().hex()).isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
                assertTrue(c.swarm().existingSession(r.entry().infohash().hex()).isPresent(), "session started by the lookup");
                Thread.sleep(200);
                assertTrue(c.cache().existing(b.fileName(1)).isEmpty(), "no download before Nix asks for the file");
                assertFalse(b.upstream.recentRequests().stream().anyMatch(q -> q.path().endsWith(b.fileName(1))),
                        "nothing asked of the web seed: " + b.upstream.recentRequests());
            }
        }
    }

    @Test
    void fileComesFromASeedingPeerWithTheCacheDown() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {2_000_000, 600_000, 30_000}, 65536, 11)) {
            String index = b.startIndex();
            try (SwarmClient seeder = new SwarmClient(config(tmp.resolve("seeder"), b, index, Duration.ZERO))) {
                for (int i = 0; i < 3; i++) fetch(seeder, b.hash(i));
                b.upstream.stop(); // from here on, only the peer has the bytes
                ClientConfig lc = config(tmp.resolve("leecher"), b, index, Duration.ofSeconds(60));
                try (SwarmClient leecher = new SwarmClient(lc)) {
                    leecher.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                    NarFile f = fetch(leecher, b.hash(0));
                    assertEquals(2_000_000, f.bytesFromPeers());
                    assertEquals(0, f.bytesFromWebSeed());
                    assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("leecher/nar/" + b.fileName(0))));
                    NarFile g = fetch(leecher, b.hash(2));
                    assertEquals(30_000, g.bytesFromPeers());
                    assertFalse(Files.exists(tmp.resolve("leecher/nar/" + b.fileName(1))), "unwanted file not fetched");
                }
            }
        }
    }

    @Test
    void aPeerSendingBadPiecesIsBannedAndTheDownloadCompletes() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {1_000_000}, 65536, 12)) {
            String index = b.startIndex();
            try (SwarmClient bad = new SwarmClient(config(tmp.resolve("bad"), b, index, Duration.ZERO))) {
                fetch(bad, b.hash(0));
                // corrupt the seeder's copy behind its back: it still claims every piece
                Path p = tmp.resolve("bad/nar/" + b.fileName(0));
                byte[] data = Files.readAllBytes(p);
                for (int i = 0; i < data.length; i += 1000) data[i] ^= 0x55;
                try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.wrap(data), 0);
                }
                ClientConfig lc = config(tmp.resolve("leecher"), b, index, Duration.ofSeconds(120));
                try (SwarmClient good = new SwarmClient(config(tmp.resolve("good"), b, index, Duration.ZERO));
                     SwarmClient leecher = new SwarmClient(lc)) {
                    fetch(good, b.hash(0));
                    InetSocketAddress badPeer = new InetSocketAddress("127.0.0.1", bad.swarm().peerPort());
                    leecher.swarm().addPeer(badPeer);
                    NarFile f = leecher.download(leecher.resolve(b.hash(0)));
                    long deadline = System.nanoTime() + 40_000_000_000L;
                    while (!leecher.swarm().banned(b.infohash()).contains(badPeer) && System.nanoTime() < deadline) Thread.sleep(50);
                    assertTrue(leecher.swarm().banned(b.infohash()).contains(badPeer), "bad peer banned");
                    assertEquals(0, f.bytesFromPeers(), "no bad byte accepted");
                    assertFalse(f.isComplete());
                    // an honest seeder shows up: the download completes from it
                    leecher.swarm().addPeer(new InetSocketAddress("127.0.0.1", good.swarm().peerPort()));
                    f.completion().get(60, TimeUnit.SECONDS);
                    assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("leecher/nar/" + b.fileName(0))));
                    assertEquals(1_000_000, f.bytesFromPeers());
                    assertEquals(0, f.bytesFromWebSeed());
                }
            }
        }
    }

    @Test
    void aKilledDownloadIsNeverServedPartiallyAndResumes() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {1_500_000}, 65536, 13)) {
            String index = b.startIndex();
            Path dir = tmp.resolve("client");
            try (SwarmClient seeder = new SwarmClient(config(tmp.resolve("seeder"), b, index, Duration.ZERO))) {
                fetch(seeder, b.hash(0));
                b.upstream.stop();
                // a slow first run (download limit 256 KiB/s), stopped half way
                ClientConfig slow = config(dir, b, index, Duration.ofSeconds(60));
                slow = slow.withSwarm(slow.swarm().withRates(0, 256 * 1024));
                try (SwarmClient first = new SwarmClient(slow)) {
                    first.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                    NarFile f = first.download(first.resolve(b.hash(0)));
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (f.servableBytes() < 300_000 && System.nanoTime() < deadline) Thread.sleep(20);
                    assertTrue(f.servableBytes() >= 300_000 && !f.isComplete(), "half way: " + f);
                }
                assertFalse(Files.exists(dir.resolve("nar/" + b.fileName(0))), "partial file never in nar/");
                assertTrue(Files.exists(dir.resolve("partial/" + b.fileName(0) + ".part")));
                try (SwarmClient second = new SwarmClient(config(dir, b, index, Duration.ofSeconds(60)))) {
                    second.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                    NarFile f = fetch(second, b.hash(0));
                    assertTrue(f.bytesFromPeers() < 1_500_000 - 200_000, "resumed, fetched only " + f.bytesFromPeers());
                    assertArrayEquals(b.data(0), Files.readAllBytes(dir.resolve("nar/" + b.fileName(0))));
                }
            }
        }
    }

    @Test
    void theDownloadRateLimitHolds() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {1_200_000}, 65536, 14)) {
            String index = b.startIndex();
            try (SwarmClient seeder = new SwarmClient(config(tmp.resolve("seeder"), b, index, Duration.ZERO))) {
                fetch(seeder, b.hash(0));
                ClientConfig lc = config(tmp.resolve("leecher"), b, index, Duration.ofSeconds(60));
                lc = lc.withSwarm(lc.swarm().withRates(0, 400 * 1024));
                try (SwarmClient leecher = new SwarmClient(lc)) {
                    leecher.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                    long t0 = System.nanoTime();
                    NarFile f = fetch(leecher, b.hash(0));
                    double secs = (System.nanoTime() - t0) / 1e9;
                    assertEquals(1_200_000, f.bytesFromPeers());
                    // 1.2 MB at 400 KiB/s with a 100 KiB burst: at least ~2.6 s
                    assertTrue(secs >= 2.4, "took " + secs + " s");
                }
            }
        }
    }
}
