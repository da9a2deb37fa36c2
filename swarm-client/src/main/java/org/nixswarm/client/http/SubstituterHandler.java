package org.nixswarm.client.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.NotFoundException;
import org.nixswarm.client.Resolution;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes Nix's requests: {@code /nix-cache-info}, {@code /<hash>.narinfo}, {@code /nar/<file>}. */
final class SubstituterHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(SubstituterHandler.class);

    private final SwarmClient client;
    private final ExecutorService blocking;
    private final long prefetchBelow;

    SubstituterHandler(SwarmClient client, ExecutorService blocking, long prefetchBelow) {
        this.client = client;
        this.blocking = blocking;
        this.prefetchBelow = prefetchBelow;
    }

    // HTTP/1.1 pipelining: answers go out in the order of the requests, but lookups finish on the
    // worker pool in any order (a pipelined nix-cache-info used to overtake the NAR asked for before
    // it). So a connection has one request in hand at a time; the next ones wait here, and the
    // connection is not read meanwhile (a client cannot queue unbounded work). Event loop only.
    private final java.util.ArrayDeque<FullHttpRequest> waiting = new java.util.ArrayDeque<>();
    private boolean busy;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (busy) {
            waiting.add(req.retain());
            ctx.channel().config().setAutoRead(false);
            return;
        }
        handle(ctx, req);
    }

    /**
     * The current request's answer is written, up to its last part (written after it, the next
     * answer cannot overtake it): the next request waiting, if any, is handled.
     */
    private void answered(ChannelHandlerContext ctx) {
        ctx.executor().execute(() -> {
            busy = false;
            FullHttpRequest next = waiting.poll();
            if (next == null) {
                if (ctx.channel().isActive()) ctx.channel().config().setAutoRead(true);
                return;
            }
            try {
                handle(ctx, next);
            } finally {
                next.release();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (FullHttpRequest r; (r = waiting.poll()) != null; ) r.release();
        super.channelInactive(ctx);
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        busy = true;
        if (req.decoderResult().isFailure()) {
            // a request line or headers over the codec's limits, or no HTTP at all: the codec reads
            // nothing more of this connection, so it is answered and closed (it used to be routed
            // as if fine, and a keep-alive client then waited for ever for its next answer)
            Throwable why = req.decoderResult().cause();
            send(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request: "
                    + (why != null && why.getMessage() != null ? why.getMessage() : "malformed") + "\n", false, false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = req.method().equals(HttpMethod.HEAD);
        if (!head && !req.method().equals(HttpMethod.GET)) {
            send(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "only GET and HEAD\n", keepAlive, false);
            answered(ctx);
            return;
        }
        String path = req.uri();
        int q = path.indexOf('?');
        if (q >= 0) path = path.substring(0, q);
        if (path.equals("/nix-cache-info")) {
            send(ctx, HttpResponseStatus.OK, "text/x-nix-cache-info",
                    "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: " + client.config().priority() + "\n", keepAlive, head);
            answered(ctx);
        } else if (path.matches("/[0-9a-z]{32}\\.narinfo")) {
            String hash = path.substring(1, 33);
            org.nixswarm.client.net.Trace.mark(hash, "narinfo request");
            blocking.execute(() -> narinfo(ctx, hash, keepAlive, head));
        } else if (path.startsWith("/nar/") && path.length() > 5 && path.indexOf('/', 5) < 0) {
            String file = path.substring(5);
            org.nixswarm.client.net.Trace.mark(file, "nar request");
            blocking.execute(() -> nar(ctx, file, keepAlive, head));
        } else {
            send(ctx, HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n", keepAlive, head);
            answered(ctx);
        }
    }

    private void narinfo(ChannelHandlerContext ctx, String hash, boolean keepAlive, boolean head) {
        try {
            Resolution r = client.resolve(hash);
            org.nixswarm.client.net.Trace.alias(hash, r.narinfo().fileName());
            send(ctx, HttpResponseStatus.OK, "text/x-nix-narinfo", r.narinfo().text(), keepAlive, head);
            org.nixswarm.client.net.Trace.mark(hash, "narinfo sent");
            // a GET means Nix is about to substitute; HEAD only asks whether it could. After the
            // answer: starting a download takes the cache's lock, which a file check may hold
            if (!head) client.prefetch(r, prefetchBelow);
        } catch (NotFoundException e) {
            send(ctx, HttpResponseStatus.NOT_FOUND, "text/plain", e.getMessage() + "\n", keepAlive, head);
        } catch (ClientException e) {
            LOG.warn("{}.narinfo: {}", hash, e.getMessage());
            send(ctx, HttpResponseStatus.BAD_GATEWAY, "text/plain", e.getMessage() + "\n", keepAlive, head);
        } catch (RuntimeException e) {
            LOG.error("{}.narinfo", hash, e);
            send(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", "internal error\n", keepAlive, head);
        } finally {
            answered(ctx);
        }
    }

    private void nar(ChannelHandlerContext ctx, String file, boolean keepAlive, boolean head) {
        if (head) {
            // what a GET would answer, from the narinfo: a HEAD does not start a download
            try {
                long size = client.narSize(file);
                HttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-nix-nar");
                res.headers().set(HttpHeaderNames.CONTENT_LENGTH, size);
                if (keepAlive) res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ChannelFuture w = ctx.writeAndFlush(res);
                if (!keepAlive) w.addListener(ChannelFutureListener.CLOSE);
            } catch (NotFoundException e) {
                send(ctx, HttpResponseStatus.NOT_FOUND, "text/plain", e.getMessage() + "\n", keepAlive, true);
            } finally {
                answered(ctx);
            }
            return;
        }
        NarFile f;
        // pinned before the lookup: an eviction between the lookup and the stream would close the file under it
        client.cache().pin(file);
        try {
            f = client.nar(file);
        } catch (NotFoundException e) {
            client.cache().unpin(file);
            send(ctx, HttpResponseStatus.NOT_FOUND, "text/plain", e.getMessage() + "\n", keepAlive, head);
            answered(ctx);
            return;
        } catch (RuntimeException e) {
            client.cache().unpin(file);
            LOG.warn("nar/{}: {}", file, e.getMessage());
            send(ctx, HttpResponseStatus.BAD_GATEWAY, "text/plain", e.getMessage() + "\n", keepAlive, head);
            answered(ctx);
            return;
        }
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-nix-nar");
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, f.size());
        if (keepAlive) res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.write(res);
        // chunks are read and written on the connection's event loop, as Netty's ChunkedNioFile
        // does: a read from a file just downloaded (in the page cache) costs less than the two
        // thread hand-offs a separate streaming pool added to every chunk. The unpin is not: it may
        // run an eviction pass (file deletes) under the cache's lock.
        new NarStreamer(ctx, f, keepAlive, ctx.executor(), () -> {
            unpinLater(file);
            answered(ctx);
        }).start();
    }

    private void unpinLater(String file) {
        try {
            blocking.execute(() -> client.cache().unpin(file));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            client.cache().unpin(file); // shutting down
        }
    }

    static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body, boolean keepAlive, boolean head) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (keepAlive) res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        var future = ctx.writeAndFlush(res);
        if (!keepAlive) future.addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * A connection idle for the server's idle time is closed, unless a request is in hand (a NAR
     * waiting for peers writes nothing for a while): Nix's curl opens a new one when it needs it,
     * and the sockets a client leaves open are not held for ever.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
            if (!busy) ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection error: {}", cause.getMessage());
        ctx.close();
    }
}
