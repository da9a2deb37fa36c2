package org.nixswarm.tracker.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * Answers framed requests: {@code /announce}, {@code /scrape}, {@code /metrics}. Refusals become
 * a bencoded {@code failure reason}; nothing thrown here leaves the handler. Answers are written
 * as they are made and flushed once per read, so pipelined requests share a system call.
 */
@ChannelHandler.Sharable
final class HttpTrackerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTrackerHandler.class);

    private final TrackerService service;
    private final TrackerMetrics metrics;
    private final List<InetAddress> trustedProxies;
    private final boolean trustIp;

    HttpTrackerHandler(TrackerService service) {
        this.service = service;
        this.metrics = service.metrics();
        this.trustedProxies = service.config().trustedProxies();
        this.trustIp = service.config().trustIpParam();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpTrackerRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        HttpTrackerRequest r = (HttpTrackerRequest) msg;
        boolean close = !r.keepAlive() || r.error() != null;
        HttpTrackerResponse response;
        try {
            response = respond(ctx, r, close);
        } catch (RequestRefused e) {
            metrics.error(e.kind());
            response = failure(ctx, 200, e.getMessage(), close, r);
        } catch (Throwable t) {
            metrics.error(ErrorKind.INTERNAL);
            LOG.error("internal error answering {}", r.target() == null ? "?" : new String(r.target(),
                    StandardCharsets.ISO_8859_1), t);
            response = failure(ctx, 500, "internal error", true, r);
        }
        if (response.close()) {
            ctx.writeAndFlush(response).addListener(LingeringClose.INSTANCE);
        } else {
            ctx.write(response, ctx.voidPromise());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            metrics.error(ErrorKind.INTERNAL);
            LOG.warn("closing {} after an unexpected error", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    private HttpTrackerResponse respond(ChannelHandlerContext ctx, HttpTrackerRequest r, boolean close) {
        if (r.error() != null) {
            metrics.error(r.error());
            return failure(ctx, r.status(), r.message(), true, r);
        }
        if (!r.get()) {
            metrics.error(ErrorKind.BAD_METHOD);
            return failure(ctx, 405, "method " + r.method() + " is not allowed, use GET", close, r);
        }
        byte[] t = r.target();
        int q = QueryParser.indexOf(t, (byte) '?', 0, t.length);
        int from = Math.min(q + 1, t.length);
        if (is(t, q, "/announce")) return announce(ctx, r, t, from, close);
        if (is(t, q, "/scrape")) return scrape(ctx, r, t, from, close);
        if (is(t, q, "/metrics")) {
            ByteBuf body = ctx.alloc().buffer(4096);
            body.writeCharSequence(metrics.render(service.store().stats()), StandardCharsets.UTF_8);
            return new HttpTrackerResponse(200, body, close, explicitKeepAlive(r, close), true);
        }
        metrics.error(ErrorKind.NOT_FOUND);
        return failure(ctx, 404, "not found: this tracker serves /announce, /scrape and /metrics", close, r);
    }

    private HttpTrackerResponse announce(ChannelHandlerContext ctx, HttpTrackerRequest r, byte[] t, int from, boolean close) {
        AnnounceRequest a = QueryParser.announce(t, from, t.length, trustIp);
        byte[] address = peerAddress(ctx, r, a);
        PeerSelection selection = service.selection();
        service.announce(a, address, true, selection, TrackerMetrics.Transport.HTTP);
        int size = 160 + selection.count4() * (a.compact() ? 6 : 80) + selection.count6() * (a.compact() ? 18 : 100);
        ByteBuf body = ctx.alloc().buffer(size);
        BencodeWriter.announce(body, selection, service.intervalSeconds(), service.minIntervalSeconds(), a.compact(),
                a.noPeerId());
        return new HttpTrackerResponse(200, body, close, explicitKeepAlive(r, close), false);
    }

    private HttpTrackerResponse scrape(ChannelHandlerContext ctx, HttpTrackerRequest r, byte[] t, int from, boolean close) {
        List<byte[]> hashes = new ArrayList<>(QueryParser.scrape(t, from, t.length));
        for (byte[] h : hashes) service.checkAllowed(h);
        hashes.sort(Arrays::compareUnsigned);
        List<byte[]> distinct = new ArrayList<>(hashes.size());
        for (byte[] h : hashes) {
            if (distinct.isEmpty() || !Arrays.equals(distinct.get(distinct.size() - 1), h)) distinct.add(h);
        }
        int[][] counts = new int[distinct.size()][3];
        for (int i = 0; i < distinct.size(); i++) service.scrape(distinct.get(i), counts[i]);
        ByteBuf body = ctx.alloc().buffer(20 + distinct.size() * 80);
        BencodeWriter.scrape(body, distinct, counts);
        metrics.scrape(TrackerMetrics.Transport.HTTP);
        return new HttpTrackerResponse(200, body, close, explicitKeepAlive(r, close), false);
    }

    /** The address to announce: the socket's, or a trusted proxy's forwarded one, or a trusted {@code ip}. */
    private byte[] peerAddress(ChannelHandlerContext ctx, HttpTrackerRequest r, AnnounceRequest a) {
        if (trustIp && a.ip() != null) return a.ip();
        InetAddress remote = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        if (r.forwardedFor() != null && !trustedProxies.isEmpty() && trustedProxies.contains(remote)) {
            byte[] forwarded = IpLiteral.parse(r.forwardedFor());
            if (forwarded == null) {
                throw new RequestRefused(ErrorKind.BAD_IP, "X-Forwarded-For from the proxy is not an address literal");
            }
            return forwarded;
        }
        return IpLiteral.normalize(remote.getAddress());
    }

    private static boolean explicitKeepAlive(HttpTrackerRequest r, boolean close) {
        return !close && r.http10();
    }

    private static HttpTrackerResponse failure(ChannelHandlerContext ctx, int status, String message, boolean close,
            HttpTrackerRequest r) {
        ByteBuf body = ctx.alloc().buffer(32 + message.length() * 2);
        BencodeWriter.failure(body, message);
        return new HttpTrackerResponse(status, body, close, explicitKeepAlive(r, close), false);
    }

    private static boolean is(byte[] t, int len, String path) {
        if (len != path.length()) return false;
        for (int i = 0; i < len; i++) if (t[i] != path.charAt(i)) return false;
        return true;
    }
}
