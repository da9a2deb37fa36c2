package org.nixswarm.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.testing.NetworkNamespace;

class DhtNodeTest {
    @Test
    void tenNodeLocalDhtStoresAndFindsMutableItemsAndPeers() {
        String name;
        try (NetworkNamespace ns = NetworkNamespace.create(10)) {
            name = ns.name();
            NetworkNamespace.Result r = ns.runJava(LocalDhtMain.class, Duration.ofSeconds(150), "10");
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("ok get from another node returns seq 1"), r.output());
            assertTrue(r.output().contains("ok after an update"), r.output());
            assertTrue(r.output().contains("ok get_peers finds both announced peers"), r.output());
            assertTrue(r.output().contains("closed"), r.output());
        }
        assertFalse(NetworkNamespace.exists(name), "namespace removed");
    }

    @Test
    void refusesLoopbackWithAClearMessage() throws Exception {
        DhtException e = assertThrows(DhtException.class, () ->
                DhtNode.start(new DhtConfig(InetAddress.getLoopbackAddress(), 46881, List.of())).close());
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
    }

    @Test
    void parsesHostPortAndNamesBadValues() {
        assertEquals(6881, DhtConfig.parseHostPort("198.18.0.1:6881").getPort());
        assertTrue(assertThrows(DhtException.class, () -> DhtConfig.parseHostPort("198.18.0.1"))
                .getMessage().contains("HOST:PORT"));
        assertTrue(assertThrows(DhtException.class, () -> DhtConfig.parseHostPort("198.18.0.1:70000"))
                .getMessage().contains("70000"));
        assertThrows(DhtException.class, () -> new DhtConfig(InetAddress.getLoopbackAddress(), 0, List.of()));
    }

    @Test
    void publicKeyOfSeedIsDeterministicAnd32Bytes() {
        byte[] a = Ed25519Seeds.publicKey(new byte[32]);
        assertEquals(32, a.length);
        // RFC 8032 test vector 1 uses a different seed; the all-zero seed's key is well known:
        assertEquals("3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
                java.util.HexFormat.of().formatHex(a));
    }
}
