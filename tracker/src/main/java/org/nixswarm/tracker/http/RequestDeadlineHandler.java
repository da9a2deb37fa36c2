package org.nixswarm.tracker.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.nixswarm.tracker.ErrorKind;
import org.nixswarm.tracker.TrackerMetrics;

/**
 * Closes a connection that completes no request within the timeout, counted from the connection
 * or from its last complete request. Unlike a read-idle timer this also catches the slow client
 * that trickles one byte at a time to keep a half-sent head open. One timer per connection,
 * re-armed lazily rather than on every request.
 */
final class RequestDeadlineHandler extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private final TrackerMetrics metrics;
    private long lastRequest;
    private ScheduledFuture<?> timer;

    RequestDeadlineHandler(long timeoutMillis, TrackerMetrics metrics) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        lastRequest = System.nanoTime();
        arm(ctx, timeoutNanos);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastRequest = System.nanoTime();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (timer != null) timer.cancel(false);
        super.channelInactive(ctx);
    }

    private void arm(ChannelHandlerContext ctx, long delayNanos) {
        timer = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        if (!ctx.channel().isOpen()) return;
        long left = lastRequest + timeoutNanos - System.nanoTime();
        if (left > 0) {
            arm(ctx, left);
        } else {
            metrics.error(ErrorKind.IDLE_TIMEOUT);
            ctx.close();
        }
    }
}
