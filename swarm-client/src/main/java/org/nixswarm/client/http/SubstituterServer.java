package org.nixswarm.client.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.SwarmClient;

/**
 * The local binary cache Nix substitutes from. Lookups and downloads block, so they run on a
 * bounded worker pool, never on Netty's event loop; streaming a verified chunk to the socket is
 * short work done on the connection's event loop, so slow lookups never hold up bytes already on disk.
 */
public final class SubstituterServer implements AutoCloseable {
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup io = new NioEventLoopGroup(2);
    /** Nix opens about 25 connections; more lookups than this wait in the queue. */
    static final int LOOKUP_THREADS = 64;
    /** A connection with no request in hand is closed after this long without traffic (nginx's keep-alive timeout is 75 s). */
    static final Duration IDLE_CLOSE = Duration.ofSeconds(75);

    private final ExecutorService blocking;
    private final Channel channel;

    /** Files up to this size start downloading when Nix GETs their narinfo ({@code --prefetch-below}). */
    public static final long DEFAULT_PREFETCH_BELOW = 1 << 20;

    public SubstituterServer(SwarmClient client, InetSocketAddress listen) {
        this(client, listen, DEFAULT_PREFETCH_BELOW);
    }

    /** {@code prefetchBelow}: see {@link SwarmClient#prefetch}; 0 never prefetches. */
    public SubstituterServer(SwarmClient client, InetSocketAddress listen, long prefetchBelow) {
        this(client, listen, prefetchBelow, IDLE_CLOSE);
    }

    SubstituterServer(SwarmClient client, InetSocketAddress listen, long prefetchBelow, Duration idleClose) {
        blocking = pool("nix-swarm-http-", LOOKUP_THREADS);
        try {
            channel = new ServerBootstrap().group(boss, io).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new IdleStateHandler(0, 0, idleClose.toMillis(), TimeUnit.MILLISECONDS),
                                    new HttpServerCodec(), new HttpObjectAggregator(8192),
                                    new SubstituterHandler(client, blocking, prefetchBelow));
                        }
                    })
                    .bind(listen).syncUninterruptibly().channel();
        } catch (Exception e) {
            // Exception, not RuntimeException: Netty rethrows the bind's checked BindException undeclared
            close();
            throw new ClientException("cannot listen on " + listen.getHostString() + ":" + listen.getPort() + ": " + e.getMessage(), e);
        }
    }

    /** Up to {@code threads} daemon threads, each ended after a minute idle; further tasks queue. */
    private static ExecutorService pool(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public String url() {
        InetSocketAddress a = address();
        return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Override
    public void close() {
        if (channel != null) channel.close().syncUninterruptibly();
        if (blocking != null) blocking.shutdownNow();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
