package org.nixswarm.tracker.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.nixswarm.tracker.AnnounceRequest;
import org.nixswarm.tracker.ErrorKind;
import org.nixswarm.tracker.IpLiteral;
import org.nixswarm.tracker.PeerSelection;
import org.nixswarm.tracker.RequestRefused;
import org.nixswarm.tracker.TrackerMetrics;
import org.nixswarm.tracker.TrackerService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers BEP 15 datagrams. Every packet gets exactly one answer (connect, announce, scrape or
 * error), except those from port 0, which cannot be answered. Nothing thrown here leaves the
 * handler.
 */
@ChannelHandler.Sharable
final class UdpTrackerHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTrackerHandler.class);
    /** Peers per answer so that it fits one Ethernet-sized datagram. */
    private static final int MAX_PEERS_V4 = 200;
    private static final int MAX_PEERS_V6 = 80;

    private final TrackerService service;
    private final TrackerMetrics metrics;
    private final ConnectionIds ids;

    UdpTrackerHandler(TrackerService service, ConnectionIds ids) {
        this.service = service;
        this.metrics = service.metrics();
        this.ids = ids;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress sender = packet.sender();
        if (sender == null || sender.getPort() == 0) return;
        byte[] address = IpLiteral.normalize(sender.getAddress().getAddress());
        int port = sender.getPort();
        ByteBuf out = ctx.alloc().buffer(64);
        try {
            UdpRequest request = UdpRequestDecoder.decode(packet.content(), id -> ids.valid(id, address, port));
            try {
                answer(request, address, port, out);
            } catch (RequestRefused e) {
                throw new UdpRequestDecoder.Refused(request.transactionId(), e.kind(), e.getMessage());
            }
        } catch (UdpRequestDecoder.Refused e) {
            metrics.error(e.kind);
            out.clear();
            UdpResponseEncoder.error(out, e.transactionId, e.getMessage());
        } catch (Throwable t) {
            metrics.error(ErrorKind.INTERNAL);
            LOG.error("internal error answering a datagram from {}", sender, t);
            out.clear();
            int tid = packet.content().readableBytes() >= 16 ? packet.content().getInt(packet.content().readerIndex() + 12) : 0;
            UdpResponseEncoder.error(out, tid, "internal error");
        }
        ctx.write(new DatagramPacket(out, sender), ctx.voidPromise());
    }

    private void answer(UdpRequest request, byte[] address, int port, ByteBuf out) {
        if (request instanceof UdpRequest.Connect c) {
            metrics.connect();
            UdpResponseEncoder.connect(out, c.transactionId(), ids.issue(address, port));
        } else if (request instanceof UdpRequest.Announce a) {
            AnnounceRequest r = a.request();
            boolean v6 = address.length == 16;
            int cap = v6 ? MAX_PEERS_V6 : MAX_PEERS_V4;
            int want = r.numwant() < 0 ? Math.min(cap, service.config().defaultNumwant()) : Math.min(cap, r.numwant());
            r = new AnnounceRequest(r.infoHash(), r.peerId(), r.port(), r.uploaded(), r.downloaded(), r.left(),
                    r.event(), want, true, true, r.ip(), r.key());
            byte[] peerAddress = service.config().trustIpParam() && r.ip() != null && !v6 ? r.ip() : address;
            PeerSelection selection = service.selection();
            service.announce(r, peerAddress, false, selection, TrackerMetrics.Transport.UDP);
            out.ensureWritable(20 + (v6 ? 18 * selection.count6() : 6 * selection.count4()));
            UdpResponseEncoder.announce(out, a.transactionId(), service.intervalSeconds(), selection,
                    peerAddress.length == 16);
        } else if (request instanceof UdpRequest.Scrape s) {
            for (byte[] h : s.infoHashes()) service.checkAllowed(h);
            UdpResponseEncoder.scrapeHeader(out, s.transactionId());
            int[] counts = new int[3];
            for (byte[] h : s.infoHashes()) {
                service.scrape(h, counts);
                UdpResponseEncoder.scrapeEntry(out, counts[0], counts[1], counts[2]);
            }
            metrics.scrape(TrackerMetrics.Transport.UDP);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A datagram socket stays open whatever one packet did (e.g. an ICMP unreachable surfacing).
        LOG.debug("UDP channel error", cause);
    }
}
