package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LockFreeSelectorTest {

    /**
     * Bt's receiving loop sits in {@code select(1000)} nearly all the time; a connection registered
     * meanwhile must be registered at once and be seen by the next select (Bt's own selector made
     * the registering thread spin until it slipped between two selects).
     */
    @Test
    void registersWhileTheLoopSelectsAndTheLoopSeesTheChannel() throws Exception {
        try (LockFreeSelector selector = new LockFreeSelector(Selector.open())) {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            AtomicReference<Object> seen = new AtomicReference<>();
            CountDownLatch selecting = new CountDownLatch(1);
            Thread loop = new Thread(() -> {
                try {
                    while (seen.get() == null && selector.isOpen()) {
                        selecting.countDown();
                        if (selector.select(1000) == 0) continue;
                        for (SelectionKey k : selector.selectedKeys()) seen.set(k.attachment());
                        selector.selectedKeys().clear();
                    }
                } catch (Exception e) {
                    seen.set(e);
                }
            }, "test-select-loop");
            loop.setDaemon(true);
            loop.start();
            assertTrue(selecting.await(5, TimeUnit.SECONDS));
            Thread.sleep(50); // the loop is inside select(1000) now

            long t0 = System.nanoTime();
            selector.wakeupAndRegister(pipe.source(), SelectionKey.OP_READ, "peer");
            long registerMs = (System.nanoTime() - t0) / 1_000_000;
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            loop.join(5000);

            assertEquals("peer", seen.get(), "the loop saw data on the channel registered during its select");
            assertTrue(registerMs < 500, "registering took " + registerMs + " ms");
            pipe.sink().close();
            pipe.source().close();
        }
    }
}
