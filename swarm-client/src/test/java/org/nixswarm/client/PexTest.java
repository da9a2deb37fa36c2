package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.swarm.SwarmOptions;

/**
 * Peer exchange (BEP 11, Bt's ut_pex) is on: a client that knows only a peer which lacks the file
 * it wants learns of the seeder from that peer and downloads from it. No tracker, no DHT. Each
 * client has its own loopback address (Bt 1.10 leaves out of a PEX message any peer on the
 * receiver's own address).
 */
class PexTest {
    @TempDir Path tmp;

    private static ClientConfig config(Path dir, TestBundle b, String index, String address, Duration raceDelay) throws Exception {
        int port = SubstituterTest.freePort();
        return ClientConfig.defaults(dir, port)
                .withSwarm(new SwarmOptions(InetAddress.getByName(address), port, false, 0, 0, Duration.ofSeconds(1)))
                .withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic()))
                .withIndex(index, b.plannerKeyPublic())
                .withRaceDelay(raceDelay);
    }

    @Test
    void aPeerLearnedThroughPexDeliversTheFile() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {200_000, 300_000}, 16384, 21)) {
            String index = b.startIndex();
            try (SwarmClient seeder = new SwarmClient(config(tmp.resolve("seeder"), b, index, "127.0.0.2", Duration.ZERO))) {
                for (int i = 0; i < 2; i++) SwarmTest.fetch(seeder, b.hash(i));
                b.upstream.stop(); // from here on, only the seeder has the bytes
                InetSocketAddress seederAddress = new InetSocketAddress("127.0.0.2", seeder.swarm().peerPort());
                try (SwarmClient middle = new SwarmClient(config(tmp.resolve("middle"), b, index, "127.0.0.3", Duration.ofSeconds(60)))) {
                    middle.swarm().addPeer(seederAddress);
                    assertEquals(200_000, SwarmTest.fetch(middle, b.hash(0)).bytesFromPeers());
                    ClientConfig lc = config(tmp.resolve("leecher"), b, index, "127.0.0.4", Duration.ofSeconds(60));
                    try (SwarmClient leecher = new SwarmClient(lc)) {
                        // the leecher is told only of the middle peer, which has file 0 but not file 1
                        leecher.swarm().addPeer(new InetSocketAddress("127.0.0.3", middle.swarm().peerPort()));
                        NarFile f = SwarmTest.fetch(leecher, b.hash(1));
                        assertEquals(300_000, f.bytesFromPeers());
                        assertEquals(0, f.bytesFromWebSeed());
                        assertArrayEquals(b.data(1), Files.readAllBytes(tmp.resolve("leecher/nar/" + b.fileName(1))));
                        assertFalse(Files.exists(tmp.resolve("middle/nar/" + b.fileName(1))), "the middle peer never had file 1");
                    }
                }
            }
        }
    }
}
