package org.nixswarm.tracker.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import org.nixswarm.tracker.TrackerException;
import org.nixswarm.tracker.TrackerService;

/** The UDP side (BEP 15): one datagram socket. */
public final class UdpTrackerServer implements AutoCloseable {
    private final Channel channel;

    private UdpTrackerServer(Channel channel) {
        this.channel = channel;
    }

    public static UdpTrackerServer bind(TrackerService service, EventLoopGroup group,
            Class<? extends DatagramChannel> channelType) {
        UdpTrackerHandler handler = new UdpTrackerHandler(service, new ConnectionIds(service.config().clock()));
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(handler);
        try {
            return new UdpTrackerServer(b.bind(service.config().udp()).sync().channel());
        } catch (Exception e) {
            throw new TrackerException("cannot listen for UDP on " + service.config().udp() + ": " + e.getMessage(), e);
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
