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
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.SwarmClient;

/**
 * The local binary cache Nix substitutes from. Lookups and downloads block, so they run on a
 * worker pool, never on Netty's event loop.
 */
public final class SubstituterServer implements AutoCloseable {
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup io = new NioEventLoopGroup(2);
    private final ExecutorService blocking;
    private final Channel channel;

    public SubstituterServer(SwarmClient client, InetSocketAddress listen) {
        AtomicInteger n = new AtomicInteger();
        blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nix-swarm-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            channel = new ServerBootstrap().group(boss, io).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                    new SubstituterHandler(client, blocking));
                        }
                    })
                    .bind(listen).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new ClientException("cannot listen on " + listen.getHostString() + ":" + listen.getPort() + ": " + e.getMessage(), e);
        }
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
        blocking.shutdownNow();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
