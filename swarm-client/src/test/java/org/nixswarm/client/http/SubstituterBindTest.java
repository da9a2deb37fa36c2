package org.nixswarm.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.TestBundle;

/**
 * A substituter that cannot bind says where it wanted to listen, as a ClientException, and leaves
 * no thread behind. (Netty rethrows the BindException unchecked-style: it slipped past the catch of
 * RuntimeException, came out as a bare "Address already in use", and the two event loop groups
 * were never shut down.)
 */
class SubstituterBindTest {
    @TempDir Path tmp;

    private static Set<Thread> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    @Test
    void aPortInUseIsAClearErrorAndLeavesNoThread() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SwarmClient c = new SwarmClient(ClientConfig.defaults(tmp, TestBundle.freePort()))) {
            InetSocketAddress where = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            Set<Thread> before = threads();
            for (int i = 0; i < 3; i++) {
                ClientException e = assertThrows(ClientException.class, () -> new SubstituterServer(c, where).close());
                assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            Set<Thread> left;
            do {
                Thread.sleep(50);
                left = threads();
                left.removeAll(before);
            } while (!left.isEmpty() && System.nanoTime() < deadline);
            assertEquals(Set.of(), left.stream().map(Thread::getName).collect(Collectors.toSet()), "threads left by the failed servers");
        }
    }
}
