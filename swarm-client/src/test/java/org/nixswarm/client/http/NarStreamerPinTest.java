package org.nixswarm.client.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarCache;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.core.store.Hash;

/**
 * A stream's pin outlasts every read of its file: a client hanging up while a chunk is being read
 * and sent releases the pin only once that chunk is done. (Released at once, the eviction its unpin
 * ran closed the file under the pump's next read: "file was discarded" in the load test's log, for
 * clients that had already gone.)
 */
class NarStreamerPinTest {
    @TempDir Path dir;

    @Test
    void aClientHangingUpMidChunkReleasesThePinOnlyAfterTheChunk() throws Exception {
        byte[] data = new byte[600_000]; // three chunks
        new Random(9).nextBytes(data);
        ExecutorService pumps = Executors.newSingleThreadExecutor();
        try (NarCache cache = new NarCache(dir, 0)) {
            NarFile f = cache.file("x.nar", data.length, Hash.sha256(data).toBase32String());
            f.prepare(0);
            f.append(ByteBuffer.wrap(data));
            f.finishStream();
            assertTrue(f.isComplete());

            CountDownLatch inWrite = new CountDownLatch(1), release = new CountDownLatch(1);
            AtomicBoolean blocked = new AtomicBoolean();
            EmbeddedChannel ch = new EmbeddedChannel();
            // holds the pump inside its first chunk (it sends from within its critical section)
            ch.pipeline().addLast("hold", new ChannelDuplexHandler() {
                @Override
                public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
                    if (msg instanceof HttpContent && blocked.compareAndSet(false, true)) {
                        inWrite.countDown();
                        release.await(20, SECONDS);
                    }
                    if (ctx.channel().isOpen()) ctx.write(msg, promise);
                    else {
                        ReferenceCountUtil.release(msg);
                        promise.setFailure(new java.nio.channels.ClosedChannelException());
                    }
                }
            });
            ch.pipeline().addLast("stream", new ChannelDuplexHandler());
            AtomicBoolean unpinned = new AtomicBoolean();
            cache.pin("x.nar");
            new NarStreamer(ch.pipeline().context("stream"), f, true, pumps, () -> {
                unpinned.set(true);
                cache.unpin("x.nar");
            }).start();
            assertTrue(inWrite.await(20, SECONDS), "the pump is sending its first chunk");

            Thread hangUp = new Thread(ch::close, "client-hangs-up");
            hangUp.start();
            long deadline = System.nanoTime() + SECONDS.toNanos(20);
            while (hangUp.getState() != Thread.State.BLOCKED && hangUp.getState() != Thread.State.TERMINATED
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            // (the old code unpinned right in the close listener, and the hang-up thread ended)
            assertFalse(unpinned.get(), "unpinned while the pump was still inside a chunk (hang-up thread " + hangUp.getState() + ")");
            release.countDown();
            hangUp.join(20_000);
            // the unpin runs on the pumps' executor once the chunk is done (never on the closing thread)
            while (!unpinned.get() && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(unpinned.get(), "unpinned once the chunk is done");
        } finally {
            pumps.shutdownNow();
        }
    }
}
