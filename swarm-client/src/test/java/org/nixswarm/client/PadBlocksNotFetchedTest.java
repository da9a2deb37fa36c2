package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarFile;

/**
 * A small file in a bundle of large pieces: the pad that fills its last piece is never asked of a
 * peer (Bt requested every block of the piece, so a 100 KB file in a 256 KiB piece cost 256 KiB
 * of peer traffic), only the blocks holding the file's bytes.
 */
class PadBlocksNotFetchedTest {
    @TempDir Path tmp;

    @Test
    void onlyTheBlocksOfTheFileAreFetchedNotThePadAfterIt() throws Exception {
        int piece = 256 * 1024;
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {100_000, 300_000, 5_000}, piece, 23)) {
            String index = b.startIndex();
            try (SwarmClient seeder = new SwarmClient(b.clientConfig(tmp.resolve("seeder"), index, Duration.ZERO))) {
                for (int i = 0; i < 3; i++) SwarmTest.fetch(seeder, b.hash(i));
                b.upstream.stop(); // only the peer has the bytes
                try (SwarmClient leecher = new SwarmClient(b.clientConfig(tmp.resolve("leecher"), index, Duration.ofSeconds(60)))) {
                    leecher.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                    NarFile small = SwarmTest.fetch(leecher, b.hash(0));
                    assertEquals(100_000, small.bytesFromPeers());
                    assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("leecher/nar/" + b.fileName(0))));
                    // 7 blocks of 16 KiB hold the file (the 7th also the pad's first bytes); the
                    // other 9 blocks of the piece are pad alone (all 16 were fetched before). A
                    // block asked for twice (an assignment timed out on a slow machine) is allowed.
                    long got = leecher.swarm().downloadedFromPeers(b.infohash());
                    assertTrue(got >= 7 * 16384 && got <= 9 * 16384, "bytes from peers " + got + ", pad blocks fetched?");
                    // the bundle's last file: no pad after it, its one piece is its 5,000 bytes
                    NarFile tiny = SwarmTest.fetch(leecher, b.hash(2));
                    assertEquals(5_000, tiny.bytesFromPeers());
                    long more = leecher.swarm().downloadedFromPeers(b.infohash()) - got;
                    assertTrue(more >= 5_000 && more <= 2 * 5_000, "bytes from peers for the last file " + more);
                }
            }
        }
    }
}
