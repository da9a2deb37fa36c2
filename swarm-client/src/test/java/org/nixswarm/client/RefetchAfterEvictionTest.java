package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarFile;

/**
 * A daemon's cache evicts files and Nix may ask for one of them again (after a garbage collection
 * of its store, say): the second download must come from the peers, like the first.
 */
class RefetchAfterEvictionTest {
    @TempDir Path tmp;

    @Test
    void anEvictedFileIsFetchedFromPeersAgain() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {100_000, 100_000, 100_000}, 16384, 31)) {
            String index = b.startIndex();
            try (SwarmClient seeder = new SwarmClient(b.clientConfig(tmp.resolve("seeder"), index, Duration.ZERO))) {
                for (int i = 0; i < 3; i++) SwarmTest.fetch(seeder, b.hash(i));
                b.upstream.stop(); // peers only from here: a download the peers cannot serve never completes
                ClientConfig cc = b.clientConfig(tmp.resolve("client"), index, Duration.ofSeconds(60)).withCacheSize(250_000);
                try (SwarmClient c = new SwarmClient(cc)) {
                    c.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                    for (int i = 0; i < 3; i++) SwarmTest.fetch(c, b.hash(i));
                    // two files fit: the oldest was evicted by the third
                    assertFalse(Files.exists(c.cache().narDir().resolve(b.fileName(0))), "evicted");
                    NarFile again = c.download(c.resolve(b.hash(0)));
                    again.completion().get(20, TimeUnit.SECONDS);
                    assertEquals(100_000, again.bytesFromPeers());
                    assertArrayEquals(b.data(0), Files.readAllBytes(c.cache().narDir().resolve(b.fileName(0))));
                }
            }
        }
    }
}
