package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.swarm.BundleLayout;
import org.nixswarm.client.swarm.BundleSession;

/**
 * A seeding client's cache evicts a file of a bundle it seeds: the file's pieces are no longer
 * offered (a peer asking for them is refused instead of getting a failed read, which closed its
 * connection), and the files it still holds are served as before.
 */
class EvictedFileNotOfferedTest {
    @TempDir Path tmp;

    @Test
    void anEvictedFileIsNoLongerOfferedAndTheOthersStillAre() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {100_000, 100_000, 100_000}, 16384, 51)) {
            String index = b.startIndex();
            try (SwarmClient seeder = new SwarmClient(b.clientConfig(tmp.resolve("seeder"), index, Duration.ZERO).withCacheSize(250_000))) {
                for (int i = 0; i < 3; i++) SwarmTest.fetch(seeder, b.hash(i));
                assertFalse(Files.exists(tmp.resolve("seeder/nar/" + b.fileName(0))), "the oldest was evicted by the third");
                String infohash = seeder.resolve(b.hash(0)).entry().infohash().hex();
                BundleSession s = seeder.swarm().existingSession(infohash).orElseThrow();
                BundleLayout.Entry[] e = new BundleLayout.Entry[3];
                for (BundleLayout.Entry x : s.layout().entries()) {
                    for (int i = 0; i < 3; i++) if (!x.pad() && x.fileName().equals(b.fileName(i))) e[i] = x;
                }
                assertFalse(s.offers(e[0]), "the evicted file's pieces are not offered");
                // a piece from the web seed completes its file, then is marked in Bt's bitfield: the
                // fetch can return between the two (seen once on CI)
                long until = System.nanoTime() + 5_000_000_000L;
                while (!(s.offers(e[1]) && s.offers(e[2])) && System.nanoTime() < until) Thread.sleep(10);
                assertTrue(s.offers(e[1]) && s.offers(e[2]), "the files still held are");

                b.upstream.stop();
                try (SwarmClient leecher = new SwarmClient(b.clientConfig(tmp.resolve("leecher"), index, Duration.ofSeconds(60)))) {
                    leecher.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                    assertEquals(100_000, SwarmTest.fetch(leecher, b.hash(1)).bytesFromPeers());
                }
            }
        }
    }
}
