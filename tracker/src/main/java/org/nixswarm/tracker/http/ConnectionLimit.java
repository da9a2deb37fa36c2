package org.nixswarm.tracker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import org.nixswarm.tracker.ErrorKind;
import org.nixswarm.tracker.TrackerMetrics;

/**
 * Bounds open HTTP connections, so that a flood of idle sockets cannot exhaust file descriptors
 * or memory before the idle timeout reaps them. A connection over the limit is closed at once.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private final int max;
    private final TrackerMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimit(int max, TrackerMetrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > max) {
            metrics.error(ErrorKind.TOO_MANY_CONNECTIONS);
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }
}
