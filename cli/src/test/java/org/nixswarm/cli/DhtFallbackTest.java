package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.testing.NetworkNamespace;

/**
 * Issue 8's "tracker down: peers still found through the DHT; index down: lookups through the
 * DHT", with the real tracker, index (publishing into a local DHT) and clients; the scenario runs
 * in {@link DhtFallbackMain} inside a network namespace (mldht refuses loopback addresses).
 */
class DhtFallbackTest {
    @Test
    void trackerAndIndexDownTheDhtStillFindsPeersAndPaths() {
        String name;
        try (NetworkNamespace ns = NetworkNamespace.create(10)) {
            name = ns.name();
            NetworkNamespace.Result r = ns.runJava(DhtFallbackMain.class, Duration.ofSeconds(240));
            r.output().lines().filter(l -> l.startsWith("ok ")).forEach(System.out::println);
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("ok tracker down: "), r.output());
            assertTrue(r.output().contains("ok index down: GET /"), r.output());
            assertTrue(r.output().contains("ok a private path answers 404"), r.output());
            assertTrue(r.output().contains("ok peers gone: "), r.output());
        }
        assertFalse(NetworkNamespace.exists(name));
    }
}
