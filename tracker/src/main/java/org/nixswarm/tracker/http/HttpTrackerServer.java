package org.nixswarm.tracker.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import org.nixswarm.tracker.TrackerConfig;
import org.nixswarm.tracker.TrackerException;
import org.nixswarm.tracker.TrackerService;

/** The HTTP side: binds the listening socket and assembles each connection's pipeline. */
public final class HttpTrackerServer implements AutoCloseable {
    private final Channel channel;

    private HttpTrackerServer(Channel channel) {
        this.channel = channel;
    }

    public static HttpTrackerServer bind(TrackerService service, EventLoopGroup group,
            Class<? extends ServerChannel> channelType) {
        TrackerConfig config = service.config();
        HttpTrackerHandler handler = new HttpTrackerHandler(service);
        HttpTrackerResponseEncoder encoder = new HttpTrackerResponseEncoder();
        ConnectionLimit limit = new ConnectionLimit(config.maxConnections(), service.metrics());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("limit", limit);
                        p.addLast("encoder", encoder);
                        p.addLast("decoder", new HttpTrackerRequestDecoder(config.maxHeaderBytes(),
                                config.maxRequestLineBytes()));
                        p.addLast("deadline", new RequestDeadlineHandler(config.idleTimeout().toMillis(),
                                service.metrics()));
                        p.addLast("tracker", handler);
                    }
                });
        try {
            return new HttpTrackerServer(b.bind(config.http()).sync().channel());
        } catch (Exception e) {
            throw new TrackerException("cannot listen for HTTP on " + config.http() + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
