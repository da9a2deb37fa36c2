package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarFile;

/**
 * {@code --max-download} and {@code --max-upload} between real clients. The message dispatcher's
 * one thread carries every peer's messages: a limit must hold back only the traffic it limits,
 * never put that thread to sleep.
 */
class RateLimitTest {
    private static final long KIB = 1024;
    @TempDir Path tmp;

    private ClientConfig config(Path dir, TestBundle b, String index, Duration raceDelay) throws Exception {
        return b.clientConfig(dir, index, raceDelay);
    }

    private static ClientConfig rates(ClientConfig c, long up, long down) {
        return c.withSwarm(c.swarm().withRates(up, down));
    }

    @Test
    void aThrottledDownloadDoesNotSlowWhatTheClientServesToOthers() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {2_000_000, 2_500_000}, 65536, 21)) {
            String index = b.startIndex();
            Path aDir = tmp.resolve("a");
            try (SwarmClient seeder = new SwarmClient(config(tmp.resolve("seeder"), b, index, Duration.ZERO))) {
                SwarmTest.fetch(seeder, b.hash(1)); // the seeder has file 1 only
                try (SwarmClient a = new SwarmClient(config(aDir, b, index, Duration.ZERO))) {
                    SwarmTest.fetch(a, b.hash(0)); // A has file 0 only
                }
                b.upstream.stop(); // from here on, only peers have the bytes
                long limit = 200 * KIB;
                try (SwarmClient a = new SwarmClient(rates(config(aDir, b, index, Duration.ofSeconds(60)), 0, limit))) {
                    a.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                    long aStart = System.nanoTime();
                    NarFile fa = a.download(a.resolve(b.hash(1)));
                    // past its burst: A's download budget is in debt from here on
                    long deadline = aStart + 20_000_000_000L;
                    while (fa.bytesFromPeers() < 200_000 && System.nanoTime() < deadline) Thread.sleep(10);
                    assertTrue(fa.bytesFromPeers() >= 200_000, "A's download started: " + fa);

                    try (SwarmClient c = new SwarmClient(config(tmp.resolve("c"), b, index, Duration.ofSeconds(60)))) {
                        c.swarm().addPeer(new InetSocketAddress("127.0.0.1", a.swarm().peerPort()));
                        long t0 = System.nanoTime();
                        NarFile fc = SwarmTest.fetch(c, b.hash(0));
                        double secs = (System.nanoTime() - t0) / 1e9;
                        double aSecs = (System.nanoTime() - aStart) / 1e9;
                        long aBytes = fa.bytesFromPeers();
                        assertEquals(2_000_000, fc.bytesFromPeers());
                        assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("c/nar/" + b.fileName(0))));
                        // at A's download rate 2 MB would take 10 s: C was served at full speed meanwhile
                        assertTrue(secs < 3, "C took " + secs + " s from A (A downloads at " + limit + " B/s)");
                        // and A's own limit held meanwhile (a 64 KiB burst, one receive buffer read as
                        // the connection started delivering, blocks in flight)
                        assertFalse(fa.isComplete(), "A's 2.5 MB download at 200 KiB/s done in " + aSecs + " s");
                        assertTrue(aBytes <= limit * aSecs + 600_000, "A got " + aBytes + " B in " + aSecs + " s");
                    }
                }
            }
        }
    }

    @Test
    void theUploadRateLimitHolds() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {1_200_000}, 65536, 22)) {
            String index = b.startIndex();
            try (SwarmClient seeder = new SwarmClient(rates(config(tmp.resolve("seeder"), b, index, Duration.ZERO), 400 * KIB, 0))) {
                SwarmTest.fetch(seeder, b.hash(0));
                b.upstream.stop();
                try (SwarmClient leecher = new SwarmClient(config(tmp.resolve("leecher"), b, index, Duration.ofSeconds(60)))) {
                    leecher.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                    long t0 = System.nanoTime();
                    NarFile f = SwarmTest.fetch(leecher, b.hash(0));
                    double secs = (System.nanoTime() - t0) / 1e9;
                    assertEquals(1_200_000, f.bytesFromPeers());
                    assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("leecher/nar/" + b.fileName(0))));
                    // 1.2 MB at 400 KiB/s with a 100 KiB burst: at least ~2.6 s
                    assertTrue(secs >= 2.4, "took " + secs + " s");
                }
            }
        }
    }

    @Test
    void aThrottledUploadDoesNotSlowTheClientsOwnDownload() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {1_500_000, 2_000_000}, 65536, 23)) {
            String index = b.startIndex();
            long limit = 100 * KIB;
            Path sDir = tmp.resolve("s");
            try (SwarmClient p = new SwarmClient(config(tmp.resolve("p"), b, index, Duration.ZERO))) {
                SwarmTest.fetch(p, b.hash(1)); // P has file 1 only
                try (SwarmClient s = new SwarmClient(config(sDir, b, index, Duration.ZERO))) {
                    SwarmTest.fetch(s, b.hash(0)); // S has file 0 only
                }
                b.upstream.stop(); // from here on, only peers have the bytes
                try (SwarmClient s = new SwarmClient(rates(config(sDir, b, index, Duration.ofSeconds(60)), limit, 0));
                        SwarmClient l = new SwarmClient(config(tmp.resolve("l"), b, index, Duration.ofSeconds(60)))) {
                    l.swarm().addPeer(new InetSocketAddress("127.0.0.1", s.swarm().peerPort()));
                    NarFile fl = l.download(l.resolve(b.hash(0)));
                    // past S's upload burst: its upload budget is in debt from here on
                    long deadline = System.nanoTime() + 20_000_000_000L;
                    while (fl.bytesFromPeers() < 150_000 && System.nanoTime() < deadline) Thread.sleep(10);
                    assertTrue(fl.bytesFromPeers() >= 150_000, "L's download started: " + fl);

                    s.swarm().addPeer(new InetSocketAddress("127.0.0.1", p.swarm().peerPort()));
                    long t0 = System.nanoTime();
                    NarFile fs = SwarmTest.fetch(s, b.hash(1));
                    double secs = (System.nanoTime() - t0) / 1e9;
                    assertEquals(2_000_000, fs.bytesFromPeers());
                    assertArrayEquals(b.data(1), Files.readAllBytes(tmp.resolve("s/nar/" + b.fileName(1))));
                    // at S's upload rate L needs 15 s; S's own 2 MB download is not held back by it
                    assertTrue(secs < 3, "S took " + secs + " s to download from P while uploading at " + limit + " B/s");
                    assertFalse(fl.isComplete(), "L's 1.5 MB download at 100 KiB/s already done");
                }
            }
        }
    }
}
