package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.store.NixBase32;

/**
 * Misses are remembered within a bound: Nix asks the substituter about every path it is about to
 * build, and any local process may ask about random hashes. (Expired misses were never dropped, so
 * the map grew by one entry per distinct unknown hash for the life of the process.)
 */
class NegativeCacheBoundTest {
    @TempDir Path tmp;

    @Test
    void rememberedMissesStayWithinTheBound() throws Exception {
        ClientConfig d = ClientConfig.defaults(tmp, TestBundle.freePort());
        // no index, no upstream: every hash is a miss, remembered for 1 ms
        ClientConfig cfg = new ClientConfig(d.cacheDir(), 0, d.swarm(), d.trackers(), null, d.indexKeys(), null, d.upstreamKeys(),
                d.privatePaths(), 0, d.raceDelay(), d.peerStall(), Duration.ofMillis(1), d.httpTimeout(), d.priority(), null);
        try (SwarmClient c = new SwarmClient(cfg)) {
            Random rnd = new Random(5);
            byte[] h = new byte[20];
            int asked = SwarmClient.NEGATIVE_ENTRIES + 10_000;
            for (int i = 0; i < asked; i++) {
                rnd.nextBytes(h);
                String hash = NixBase32.encode(h);
                assertThrows(NotFoundException.class, () -> c.resolve(hash));
            }
            assertTrue(c.negativeEntries() <= SwarmClient.NEGATIVE_ENTRIES, c.negativeEntries() + " misses remembered of " + asked);
        }
    }
}
