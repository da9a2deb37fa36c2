package org.nixswarm.client.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nixswarm.client.cache.NarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a file to Nix as its verified prefix grows, in order, one chunk in flight at a time
 * (the socket paces the reads). If the download fails (a FileHash mismatch, no source left) the
 * connection is closed short of Content-Length, so Nix sees an error and never a wrong file.
 */
final class NarStreamer {
    private static final Logger LOG = LoggerFactory.getLogger(NarStreamer.class);
    private static final int CHUNK = 256 * 1024;

    private final ChannelHandlerContext ctx;
    private final NarFile file;
    private final boolean keepAlive;
    private final Executor executor;
    private final Runnable onDone;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Runnable wake = this::schedule;
    private long position;
    private boolean writing;
    // test seam: runs in the pump just before it reads a chunk from the file
    volatile Runnable beforeRead;

    /**
     * @param file the cache's file, looked up while its name was pinned: the cache neither evicts
     *             nor closes it before {@code onDone} unpins it (only a failed download closes it)
     */
    NarStreamer(ChannelHandlerContext ctx, NarFile file, boolean keepAlive, Executor executor, Runnable onDone) {
        this.ctx = ctx;
        this.file = file;
        this.keepAlive = keepAlive;
        this.executor = executor;
        this.onDone = onDone;
    }

    void start() {
        file.addListener(wake);
        ctx.channel().closeFuture().addListener(f -> done());
        schedule();
    }

    private void schedule() {
        if (finished.get()) return;
        if (scheduled.compareAndSet(false, true)) executor.execute(this::pump);
    }

    private void pump() {
        scheduled.set(false);
        synchronized (this) {
            if (writing || finished.get()) return;
            if (!ctx.channel().isActive()) {
                done();
                return;
            }
            if (file.completion().isCompletedExceptionally()) {
                LOG.warn("nar/{}: download failed after {} bytes were sent; connection closed short", file.name(), position);
                ctx.close();
                done();
                return;
            }
            if (position >= file.size()) {
                if (!file.fileHashVerified()) return; // all bytes sent; the FileHash verdict decides how we end
                org.nixswarm.client.net.Trace.mark(file.name(), "last content sent");
                var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
                done();
                return;
            }
            // the last byte waits for the FileHash verdict: with Content-Length framing, a client that
            // has every byte considers the response good, so a bad file must end short
            long available = file.fileHashVerified() ? file.size() : Math.min(file.servableBytes(), file.size() - 1);
            if (position >= available) return; // the listener wakes us when more is verified
            int n = (int) Math.min(CHUNK, available - position);
            ByteBuf buf = Unpooled.buffer(n, n);
            try {
                ByteBuffer nio = buf.nioBuffer(0, n);
                Runnable hook = beforeRead;
                if (hook != null) hook.run();
                int read = 0;
                while (read < n) {
                    int r = file.read(nio, position + read);
                    if (r < 0) throw new IOException("file shorter than its verified prefix");
                    read += r;
                }
                buf.writerIndex(n);
            } catch (IOException e) {
                buf.release();
                // a pinned file is closed only by its download failing (between the check above and
                // the read): the same end as that check's, a connection closed short
                String why = file.completion().isCompletedExceptionally() ? " (the download failed)"
                        : ctx.channel().isActive() ? "" : " (the client had gone)";
                LOG.warn("nar/{}: cannot read at {}: {}{}; connection closed short", file.name(), position, e.getMessage(), why);
                ctx.close();
                done();
                return;
            }
            org.nixswarm.client.net.Trace.mark(file.name(), "streaming " + position + "+" + n);
            position += n;
            if (file.fileHashVerified() && position == file.size()) {
                // the last bytes and the end of the response in one write: a client that has every
                // byte sends its next request at once, and a response written before this one's end
                // would be refused by the encoder (lost, and the client waits forever). Verified is
                // enough: the last byte goes out before the rename into nar/ completes the file.
                var f = ctx.writeAndFlush(new DefaultLastHttpContent(buf));
                if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
                done();
                return;
            }
            writing = true;
            ctx.writeAndFlush(new DefaultHttpContent(buf)).addListener(f -> {
                synchronized (NarStreamer.this) {
                    writing = false;
                }
                if (f.isSuccess()) schedule();
                else done();
            });
        }
    }

    /**
     * Ends the stream once: stops listening to the file and runs {@code onDone} (the unpin). The
     * unpin never runs while a pump is between its check of {@code finished} and its read (a client
     * hanging up mid-chunk used to unpin there; the eviction the unpin ran then closed the file
     * under the read): pumps read only under this monitor, and the unpin runs under it too. Called
     * by a pump (which holds the monitor and reads nothing more), it runs here; called otherwise
     * (the channel's close, a failed write), it is handed to the executor the pumps run on, so it
     * never waits for a chunk being read. (The server runs pumps on the channel's event loop and
     * hands the unpin itself on to a worker: it may evict.)
     */
    private void done() {
        if (!finished.compareAndSet(false, true)) return;
        file.removeListener(wake);
        if (Thread.holdsLock(this)) {
            onDone.run();
            return;
        }
        try {
            executor.execute(this::release);
        } catch (RejectedExecutionException shuttingDown) {
            release(); // the pumps were stopped with the server: nothing left to wait for long
        }
    }

    private void release() {
        synchronized (this) {
            onDone.run();
        }
    }
}
