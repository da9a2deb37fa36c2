package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.TestBundle;
import org.nixswarm.client.cache.NarFile;

/**
 * A seeder whose cache evicts a file of a bundle it seeds stops offering that file: the first
 * request for it makes the seeding-only session start again with a bitfield of what the cache
 * holds (the connected peer is sent it on reconnecting), and the session goes on serving the rest.
 */
class SeedEvictionTest {
    @TempDir Path tmp;

    private static void await(String what, BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void anEvictedFileIsNoLongerAdvertised() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {300_000, 300_000, 300_000}, 65536, 41)) {
            String index = b.startIndex();
            ClientConfig sc = b.config(tmp.resolve("seeder"), index).withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic()))
                    .withCacheSize(700_000);
            try (SwarmClient seeder = new SwarmClient(sc);
                 SwarmClient leecher = new SwarmClient(b.config(tmp.resolve("leecher"), index).withRaceDelay(Duration.ofSeconds(60)))) {
                seeder.download(seeder.resolve(b.hash(0))).completion().get(30, TimeUnit.SECONDS);
                seeder.download(seeder.resolve(b.hash(1))).completion().get(30, TimeUnit.SECONDS);
                BundleSession s = seeder.swarm().existingSession(b.infohash()).orElseThrow();
                BundleLayout layout = s.layout();
                int piece0 = layout.firstPiece(layout.entry(fileIndex(layout, b.fileName(0))));
                int piece1 = layout.firstPiece(layout.entry(fileIndex(layout, b.fileName(1))));
                int piece2 = layout.firstPiece(layout.entry(fileIndex(layout, b.fileName(2))));
                assertTrue(s.advertises(piece0) && s.advertises(piece1));

                leecher.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                NarFile one = leecher.download(leecher.resolve(b.hash(1)));
                one.completion().get(30, TimeUnit.SECONDS);
                assertEquals(300_000, one.bytesFromPeers());

                // a third file pushes the first (least recently used, not being uploaded) out of the cache
                seeder.download(seeder.resolve(b.hash(2))).completion().get(30, TimeUnit.SECONDS);
                await("file 0 evicted", () -> !seeder.cache().hasComplete(b.fileName(0)));
                assertTrue(s.advertises(piece0), "Bt still offers it until someone asks");

                leecher.download(leecher.resolve(b.hash(0))); // peers only (web seed held back for a minute)
                // the restarted session offers what the cache holds, and only that
                await("the seeder no longer offering file 0, still offering files 1 and 2",
                        () -> !s.advertises(piece0) && s.advertises(piece1) && s.advertises(piece2));

                BundleSession ls = leecher.swarm().existingSession(b.infohash()).orElseThrow();
                try {
                    await("the leecher seeing the new bitfield", () -> ls.connectedPeers() == 1
                            && !ls.peerHolds(layout.entry(fileIndex(layout, b.fileName(0)))));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + ": " + ls.connectedPeers() + " peers, holding file 0: "
                            + ls.peerHolds(layout.entry(fileIndex(layout, b.fileName(0)))));
                }
                // a peer that never asked for the evicted file is served by the restarted session
                try (SwarmClient other = new SwarmClient(b.config(tmp.resolve("other"), index).withRaceDelay(Duration.ofSeconds(60)))) {
                    other.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                    NarFile two = other.download(other.resolve(b.hash(2)));
                    two.completion().get(30, TimeUnit.SECONDS);
                    assertEquals(300_000, two.bytesFromPeers(), "the restarted session serves");
                }
                assertFalse(leecher.cache().hasComplete(b.fileName(0)));
            }
        }
    }

    private static int fileIndex(BundleLayout l, String fileName) {
        for (BundleLayout.Entry e : l.entries()) if (!e.pad() && e.fileName().equals(fileName)) return e.index();
        throw new AssertionError(fileName);
    }
}
