package org.nixswarm.index.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.nixswarm.index.IndexException;
import org.nixswarm.index.MagnetIndex;

/** The index's HTTP API on Netty: bind, serve, and {@link #close()} releasing port and threads. */
public final class IndexHttpServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;
    private final IndexMetrics metrics;

    private IndexHttpServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel, IndexMetrics metrics) {
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
        this.metrics = metrics;
    }

    /** Starts with the default {@link PrefixLimiter}. */
    public static IndexHttpServer start(InetSocketAddress bind, MagnetIndex index, FailedLookupLimiter limiter) {
        return start(bind, index, limiter, PrefixLimiter.defaults());
    }

    public static IndexHttpServer start(InetSocketAddress bind, MagnetIndex index, FailedLookupLimiter limiter,
            PrefixLimiter prefixLimiter) {
        IndexMetrics metrics = new IndexMetrics();
        metrics.gauge("nixswarm_index_entries", index::size);
        metrics.gauge("nixswarm_index_segments", () -> index.store().segments().size());
        metrics.gauge("nixswarm_index_rejected_entries", index::rejected);
        metrics.gauge("nixswarm_index_bundles", () -> index.torrents().size());
        IndexRequestHandler handler = new IndexRequestHandler(index, limiter, prefixLimiter, metrics);
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup();
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS))
                                    .addLast(new IdleCloser())
                                    .addLast(new HttpServerCodec(4096, 8192, 8192))
                                    .addLast(new HttpContentCompressor())
                                    .addLast(handler);
                        }
                    });
            Channel ch = b.bind(bind).syncUninterruptibly().channel();
            return new IndexHttpServer(boss, workers, ch, metrics);
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            throw new IndexException("cannot listen on " + bind + ": " + e.getMessage(), e);
        }
    }

    /** Closes connections idle for a minute, so abandoned clients do not hold sockets. */
    private static final class IdleCloser extends ChannelDuplexHandler {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) ctx.close();
            else super.userEventTriggered(ctx, evt);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    public IndexMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
