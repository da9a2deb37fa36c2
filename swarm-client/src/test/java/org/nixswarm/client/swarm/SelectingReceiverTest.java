package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.net.pipeline.ChannelHandlerContext;
import bt.net.pipeline.ChannelPipeline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The peer reader: reads what arrives, wakes the dispatcher, honours Bt's (de)activation, stops. */
class SelectingReceiverTest {

    /** Reads whatever is there; counts the bytes. */
    private static final class Counting implements ChannelHandlerContext {
        final SocketChannel channel;
        final AtomicInteger bytes = new AtomicInteger();

        Counting(SocketChannel channel) {
            this.channel = channel;
        }

        @Override public boolean readFromChannel() throws IOException {
            ByteBuffer b = ByteBuffer.allocate(4096);
            int n;
            while ((n = channel.read(b)) > 0) {
                bytes.addAndGet(n);
                b.clear();
            }
            if (n < 0) throw new java.io.EOFException();
            return true;
        }

        @Override public ChannelPipeline pipeline() { return null; }
        @Override public void fireChannelRegistered() { }
        @Override public void fireChannelUnregistered() { }
        @Override public void fireChannelActive() { }
        @Override public void fireChannelInactive() { }
        @Override public void fireDataReceived() { }
    }

    private static void await(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void readsWhatArrivesWakesTheDispatcherAndSkipsDeactivatedConnections() throws Exception {
        Wakeup dispatcher = new Wakeup();
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             SocketChannel out = SocketChannel.open(server.getLocalAddress());
             SocketChannel in = server.accept();
             LockFreeSelector selector = new LockFreeSelector(Selector.open())) {
            in.configureBlocking(false);
            SelectingReceiver r = new SelectingReceiver(selector, dispatcher, "test-reader");
            r.start();
            try {
                Counting ctx = new Counting(in);
                r.registerChannel(in, ctx);
                out.write(ByteBuffer.wrap(new byte[1000]));
                await(() -> ctx.bytes.get() == 1000, "the first bytes read");
                assertTrue(dispatcher.await(Wakeup.micros(1_000_000)), "the dispatcher was woken");

                r.deactivateChannel(in);
                Thread.sleep(50); // the reader applies the change at its next round (woken for it)
                out.write(ByteBuffer.wrap(new byte[500]));
                Thread.sleep(200);
                assertEquals(1000, ctx.bytes.get(), "a deactivated connection is not read");
                r.activateChannel(in);
                await(() -> ctx.bytes.get() == 1500, "read again once active");
            } finally {
                r.close();
            }
        }
    }
}
