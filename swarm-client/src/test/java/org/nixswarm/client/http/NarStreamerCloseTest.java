package org.nixswarm.client.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarCache;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.core.store.Hash;

/**
 * The client hanging up while a chunk is being read from disk: the close (on the event loop) returns
 * at once, without waiting for the read, and the pin is released only once the read is over.
 */
class NarStreamerCloseTest {
    @TempDir Path dir;

    @Test
    void aCloseDuringAChunkReadDoesNotWaitForItAndUnpinsAfterIt() throws Exception {
        byte[] data = new byte[600_000];
        new Random(11).nextBytes(data);
        ExecutorService pumps = Executors.newFixedThreadPool(2);
        try (NarCache cache = new NarCache(dir, 0)) {
            NarFile f = cache.file("y.nar", data.length, Hash.sha256(data).toBase32String());
            f.prepare(0);
            f.append(ByteBuffer.wrap(data));
            f.finishStream();
            assertTrue(f.isComplete());

            EmbeddedChannel ch = new EmbeddedChannel();
            ch.pipeline().addLast("stream", new ChannelDuplexHandler());
            AtomicBoolean unpinned = new AtomicBoolean();
            AtomicBoolean readOver = new AtomicBoolean();
            AtomicBoolean unpinnedDuringRead = new AtomicBoolean();
            cache.pin("y.nar");
            NarStreamer s = new NarStreamer(ch.pipeline().context("stream"), f, true, pumps, () -> {
                if (!readOver.get()) unpinnedDuringRead.set(true);
                unpinned.set(true);
                cache.unpin("y.nar");
            });
            CountDownLatch inRead = new CountDownLatch(1), release = new CountDownLatch(1);
            s.beforeRead = () -> {
                inRead.countDown();
                try {
                    release.await(20, SECONDS); // a slow disk
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                readOver.set(true);
            };
            s.start();
            assertTrue(inRead.await(20, SECONDS), "the pump is reading its first chunk");

            AtomicLong closeNanos = new AtomicLong(-1);
            Thread eventLoop = new Thread(() -> {
                long t0 = System.nanoTime();
                ch.close(); // runs the close listeners, as Netty's event loop does when the client goes
                closeNanos.set(System.nanoTime() - t0);
            }, "event-loop");
            eventLoop.start();
            eventLoop.join(5_000);
            boolean returned = !eventLoop.isAlive();
            release.countDown(); // (so that a failing run ends)
            assertTrue(returned, "the close waited for the chunk read (" + eventLoop.getState() + ")");
            assertTrue(closeNanos.get() < SECONDS.toNanos(1), "close took " + closeNanos.get() / 1_000_000 + " ms");

            long deadline = System.nanoTime() + SECONDS.toNanos(20);
            while (!unpinned.get() && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(unpinned.get(), "unpinned once the read is over");
            assertFalse(unpinnedDuringRead.get(), "unpinned while the pump was reading");
            eventLoop.join(20_000);
        } finally {
            pumps.shutdownNow();
        }
    }
}
