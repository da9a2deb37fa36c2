package org.nixswarm.tracker.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after its last answer the way HTTP servers should (RFC 9112 9.6): first
 * only the sending side, then, a moment later, the socket. Closing at once while the client's
 * pipelined bytes sit unread makes the kernel send a reset, which can destroy the answer (the
 * failure reason) before the client reads it. The decoder discards whatever arrives meanwhile.
 */
final class LingeringClose implements ChannelFutureListener {
    static final LingeringClose INSTANCE = new LingeringClose();
    private static final long LINGER_MILLIS = 1000;

    @Override
    public void operationComplete(ChannelFuture future) {
        Channel ch = future.channel();
        if (!future.isSuccess() || !(ch instanceof DuplexChannel)) {
            ch.close();
            return;
        }
        ((DuplexChannel) ch).shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) ch.close();
        });
        ch.eventLoop().schedule(() -> ch.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }
}
