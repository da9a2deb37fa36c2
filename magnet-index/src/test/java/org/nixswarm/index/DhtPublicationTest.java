package org.nixswarm.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.testing.NetworkNamespace;

class DhtPublicationTest {
    @Test
    void publishesIntoALocalDhtAndResolvesWithTheHttpServerStopped() {
        String name;
        try (NetworkNamespace ns = NetworkNamespace.create(8)) {
            name = ns.name();
            NetworkNamespace.Result r = ns.runJava(DhtPublicationMain.class, Duration.ofSeconds(170));
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("ok HTTP server stopped"), r.output());
            assertTrue(r.output().contains("ok resolved through the DHT alone"), r.output());
            assertTrue(r.output().contains("ok an unknown hash resolves to nothing"), r.output());
        }
        assertFalse(NetworkNamespace.exists(name));
    }
}
