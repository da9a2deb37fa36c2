package org.nixswarm.index.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.index.MagnetIndex;
import org.nixswarm.index.store.IndexStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the index's HTTP API (docs/formats.md, "Magnet index HTTP API"). Stateless apart from the
 * shared limiter and metrics, so one instance serves every channel.
 */
@ChannelHandler.Sharable
final class IndexRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(IndexRequestHandler.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] CACHE_INFO = "StoreDir: /nix/store\nWantMassQuery: 0\nPriority: 50\n".getBytes(StandardCharsets.US_ASCII);
    private static final InetAddress UNKNOWN_CLIENT = InetAddress.getLoopbackAddress();

    private final MagnetIndex index;
    private final FailedLookupLimiter limiter;
    private final PrefixLimiter prefixLimiter;
    private final PrefixLimiter directoryLimiter;
    private final IndexMetrics metrics;
    private final PathResponder paths;

    IndexRequestHandler(MagnetIndex index, FailedLookupLimiter limiter, PrefixLimiter prefixLimiter, IndexMetrics metrics) {
        this.index = index;
        this.limiter = limiter;
        this.prefixLimiter = prefixLimiter;
        this.directoryLimiter = prefixLimiter.sibling();
        this.metrics = metrics;
        this.paths = new PathResponder(index.store().segments());
    }

    /**
     * Answers on the request head; a body (none expected: GET and HEAD only) is read by the codec
     * and dropped, so no aggregation copies anything.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest req) handle(ctx, req);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handle(ChannelHandlerContext ctx, HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            FullHttpResponse r = text(HttpResponseStatus.BAD_REQUEST, "malformed request\n");
            metrics.request("other", r.status().code());
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        boolean head = req.method().equals(HttpMethod.HEAD);
        if (!req.method().equals(HttpMethod.GET) && !head) {
            send(ctx, req, "other", text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n"));
            return;
        }
        Route route = Route.parse(req.uri());
        InetAddress client = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : UNKNOWN_CLIENT;
        try {
            switch (route.kind()) {
                case PATH, NARINFO -> lookup(ctx, req, client, route);
                case PREFIX -> prefix(ctx, req, client, route);
                case BUNDLE -> bundle(ctx, req, client, route);
                case BUNDLE_ENTRIES -> bundleEntries(ctx, req, client, route);
                case METRICS -> send(ctx, req, "metrics", response(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.render().getBytes(StandardCharsets.UTF_8)));
                case CACHE_INFO -> send(ctx, req, "cache-info", response(HttpResponseStatus.OK, "text/plain; charset=utf-8", CACHE_INFO));
                case UNKNOWN -> send(ctx, req, "other", text(HttpResponseStatus.NOT_FOUND, route.error() + "\n"));
                default -> throw new IllegalStateException(route.kind().toString());
            }
        } catch (RuntimeException | IOException e) {
            LOG.error("{} {}: {}", req.method(), Route.echo(req.uri()), e.toString(), e);
            send(ctx, req, "error", text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"));
        }
    }

    private boolean limited(ChannelHandlerContext ctx, HttpRequest req, InetAddress client, String endpoint, long retry,
            String what) {
        if (retry == 0) return false;
        metrics.rateLimited();
        FullHttpResponse r = text(HttpResponseStatus.TOO_MANY_REQUESTS,
                "too many " + what + " from " + client.getHostAddress() + "; retry in " + retry + " s\n");
        r.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retry));
        send(ctx, req, endpoint, r);
        return true;
    }

    private boolean limited(ChannelHandlerContext ctx, HttpRequest req, InetAddress client, String endpoint) {
        return limited(ctx, req, client, endpoint, limiter.retryAfterSeconds(client), "failed lookups");
    }

    private void lookup(ChannelHandlerContext ctx, HttpRequest req, InetAddress client, Route route) throws IOException {
        String endpoint = route.endpoint();
        if (limited(ctx, req, client, endpoint)) return;
        if (route.bad()) {
            limiter.failed(client);
            send(ctx, req, endpoint, text(HttpResponseStatus.BAD_REQUEST, route.error() + "\n"));
            return;
        }
        IndexStore.Hit hit = index.store().get(route.key());
        if (hit == null) {
            limiter.failed(client);
            send(ctx, req, endpoint, text(HttpResponseStatus.NOT_FOUND,
                    "unknown store path hash " + NixBase32.encode(route.key()) + "\n"));
            return;
        }
        if (route.kind() == Route.Kind.NARINFO) {
            send(ctx, req, endpoint, response(HttpResponseStatus.OK, "text/x-nix-narinfo",
                    narinfo(hit.record()).getBytes(StandardCharsets.UTF_8)));
            return;
        }
        send(ctx, req, endpoint, response(HttpResponseStatus.OK, "application/json",
                paths.render(hit.segment(), hit.record(), ctx.alloc())));
    }

    private static String narinfo(byte[] record) throws IOException {
        try (JsonParser p = JSON.createParser(record)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_STRING && field.equals("narinfo")) return p.getText();
                p.skipChildren();
            }
        }
        throw new IOException("stored entry has no narinfo");
    }

    private void prefix(ChannelHandlerContext ctx, HttpRequest req, InetAddress client, Route route) {
        if (limited(ctx, req, client, "prefix", prefixLimiter.retryAfterSeconds(client), "prefix entries")) return;
        if (route.bad()) {
            send(ctx, req, "prefix", text(HttpResponseStatus.BAD_REQUEST, route.error() + "\n"));
            return;
        }
        List<byte[]> lines = index.prefix(route.key(), route.bits());
        prefixLimiter.served(client, lines.size());
        send(ctx, req, "prefix", response(HttpResponseStatus.OK, "application/x-ndjson", lines(ctx, lines)));
    }

    private static ByteBuf lines(ChannelHandlerContext ctx, List<byte[]> lines) {
        int size = 0;
        for (byte[] l : lines) size += l.length + 1;
        ByteBuf buf = ctx.alloc().buffer(Math.max(size, 1));
        for (byte[] l : lines) {
            buf.writeBytes(l);
            buf.writeByte('\n');
        }
        return buf;
    }

    /**
     * A bundle's directory: the entries of all its files, so a client that fetches one path of a
     * closure resolves the rest of the bundle without a lookup each. Spends a per-client entry
     * budget of the same size as prefix answers', its own: a client's directories, fetched on
     * speculation, must not leave its lookups short. An unknown bundle (one a newer plan dropped)
     * is not a failed lookup: the entry budget already bounds the endpoint.
     */
    private void bundleEntries(ChannelHandlerContext ctx, HttpRequest req, InetAddress client, Route route) {
        String endpoint = "bundle-entries";
        if (limited(ctx, req, client, endpoint)) return;
        if (limited(ctx, req, client, endpoint, directoryLimiter.retryAfterSeconds(client), "directory entries")) return;
        if (route.bad()) {
            limiter.failed(client);
            send(ctx, req, endpoint, text(HttpResponseStatus.BAD_REQUEST, route.error() + "\n"));
            return;
        }
        Optional<List<byte[]>> lines = index.bundleEntries(route.infohash());
        if (lines.isEmpty()) {
            send(ctx, req, endpoint, text(HttpResponseStatus.NOT_FOUND, "unknown bundle " + route.infohash().hex() + "\n"));
            return;
        }
        directoryLimiter.served(client, lines.get().size());
        send(ctx, req, endpoint, response(HttpResponseStatus.OK, "application/x-ndjson", lines(ctx, lines.get())));
    }

    private void bundle(ChannelHandlerContext ctx, HttpRequest req, InetAddress client, Route route) throws IOException {
        if (limited(ctx, req, client, "bundle")) return;
        if (route.bad()) {
            limiter.failed(client);
            send(ctx, req, "bundle", text(HttpResponseStatus.BAD_REQUEST, route.error() + "\n"));
            return;
        }
        InfoHash ih = route.infohash();
        Optional<java.nio.file.Path> file = index.torrent(ih);
        byte[] bytes = null;
        if (file.isPresent()) {
            try {
                bytes = Files.readAllBytes(file.get());
            } catch (NoSuchFileException e) {
                LOG.warn("torrent of bundle {} is missing: {}", ih.hex(), file.get());
            }
        }
        if (bytes == null) {
            limiter.failed(client);
            send(ctx, req, "bundle", text(HttpResponseStatus.NOT_FOUND, "unknown bundle " + ih.hex() + "\n"));
            return;
        }
        send(ctx, req, "bundle", response(HttpResponseStatus.OK, "application/x-bittorrent", bytes));
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return response(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body) {
        return response(status, type, Unpooled.wrappedBuffer(body));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, ByteBuf body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return r;
    }

    private void send(ChannelHandlerContext ctx, HttpRequest req, String endpoint, FullHttpResponse r) {
        metrics.request(endpoint, r.status().code());
        if (req.method().equals(HttpMethod.HEAD)) {
            int length = r.content().readableBytes();
            FullHttpResponse empty = r.replace(Unpooled.EMPTY_BUFFER);
            r.release();
            r = empty;
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
