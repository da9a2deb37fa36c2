package org.nixswarm.index.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.magnet.MagnetUri;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.index.MagnetIndex;
import org.nixswarm.index.store.IndexStore;
import org.nixswarm.index.store.SegmentMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the index's HTTP API (docs/formats.md, "Magnet index HTTP API"). Stateless apart from the
 * shared limiter and metrics, so one instance serves every channel.
 */
@ChannelHandler.Sharable
final class IndexRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(IndexRequestHandler.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final String CACHE_INFO = "StoreDir: /nix/store\nWantMassQuery: 0\nPriority: 50\n";

    private final MagnetIndex index;
    private final FailedLookupLimiter limiter;
    private final IndexMetrics metrics;

    IndexRequestHandler(MagnetIndex index, FailedLookupLimiter limiter, IndexMetrics metrics) {
        this.index = index;
        this.limiter = limiter;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean head = req.method().equals(HttpMethod.HEAD);
        if (!req.method().equals(HttpMethod.GET) && !head) {
            send(ctx, req, "other", text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n"));
            return;
        }
        String path = req.uri();
        int q = path.indexOf('?');
        if (q >= 0) path = path.substring(0, q);
        InetAddress client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        try {
            if (path.startsWith("/v1/path/")) {
                lookup(ctx, req, client, "path", path.substring("/v1/path/".length()), false);
            } else if (path.endsWith(".narinfo") && path.lastIndexOf('/') == 0) {
                lookup(ctx, req, client, "narinfo", path.substring(1, path.length() - ".narinfo".length()), true);
            } else if (path.startsWith("/v1/prefix/")) {
                prefix(ctx, req, path.substring("/v1/prefix/".length()));
            } else if (path.startsWith("/v1/bundle/")) {
                bundle(ctx, req, client, path.substring("/v1/bundle/".length()));
            } else if (path.equals("/metrics")) {
                send(ctx, req, "metrics", response(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.render().getBytes(StandardCharsets.UTF_8)));
            } else if (path.equals("/nix-cache-info")) {
                send(ctx, req, "cache-info", text(HttpResponseStatus.OK, CACHE_INFO));
            } else {
                send(ctx, req, "other", text(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path + "\n"));
            }
        } catch (RuntimeException | IOException e) {
            LOG.error("{} {}: {}", req.method(), req.uri(), e.toString(), e);
            send(ctx, req, "error", text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"));
        }
    }

    private boolean limited(ChannelHandlerContext ctx, FullHttpRequest req, InetAddress client, String endpoint) {
        long retry = limiter.retryAfterSeconds(client);
        if (retry == 0) return false;
        metrics.rateLimited();
        FullHttpResponse r = text(HttpResponseStatus.TOO_MANY_REQUESTS,
                "too many failed lookups from " + client.getHostAddress() + "; retry in " + retry + " s\n");
        r.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retry));
        send(ctx, req, endpoint, r);
        return true;
    }

    private void lookup(ChannelHandlerContext ctx, FullHttpRequest req, InetAddress client, String endpoint,
            String hash, boolean narinfoOnly) throws IOException {
        if (limited(ctx, req, client, endpoint)) return;
        byte[] key;
        try {
            key = NixBase32.decode(hash, 20);
            if (hash.length() != 32) throw new FormatException("length");
        } catch (FormatException | IllegalArgumentException e) {
            limiter.failed(client);
            send(ctx, req, endpoint, text(HttpResponseStatus.BAD_REQUEST,
                    "not a store path hash (32 Nix base32 characters): " + hash + "\n"));
            return;
        }
        Optional<IndexStore.Hit> hit = index.lookupRaw(key);
        if (hit.isEmpty()) {
            limiter.failed(client);
            send(ctx, req, endpoint, text(HttpResponseStatus.NOT_FOUND, "unknown store path hash " + hash + "\n"));
            return;
        }
        // The record is a line verified when the segment was written: copy its fields through a
        // streaming parser instead of re-validating every one on each request.
        Map<String, String> text = new HashMap<>(8);
        long fileIndex = 0;
        long fileSize = 0;
        byte[] record = hit.get().record();
        try (JsonParser p = JSON.createParser(record)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_STRING) text.put(field, p.getText());
                else if (v == JsonToken.VALUE_NUMBER_INT && field.equals("fileIndex")) fileIndex = p.getLongValue();
                else if (v == JsonToken.VALUE_NUMBER_INT && field.equals("fileSize")) fileSize = p.getLongValue();
                else p.skipChildren();
            }
        }
        if (narinfoOnly) {
            send(ctx, req, endpoint, response(HttpResponseStatus.OK, "text/x-nix-narinfo",
                    text.get("narinfo").getBytes(StandardCharsets.UTF_8)));
            return;
        }
        SegmentMeta meta = hit.get().segment().meta();
        String infohash = text.get("infohash");
        MagnetUri magnet = MagnetUri.of(InfoHash.parse(infohash)).withTrackers(meta.trackers())
                .withWebSeeds(List.of(meta.cacheUrl())).withSelectOnly(List.of((int) fileIndex));
        ByteBuf buf = ctx.alloc().buffer(record.length + 512);
        try (OutputStream out = new ByteBufOutputStream(buf); JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("storeHash", text.get("storeHash"));
            g.writeStringField("storePath", text.get("storePath"));
            g.writeStringField("infohash", infohash);
            g.writeNumberField("fileIndex", fileIndex);
            g.writeStringField("filePath", text.get("filePath"));
            g.writeNumberField("fileSize", fileSize);
            g.writeStringField("magnet", magnet.toString());
            g.writeStringField("torrent", "/v1/bundle/" + infohash);
            g.writeStringField("generation", meta.generation());
            g.writeStringField("narinfo", text.get("narinfo"));
            g.writeStringField("sig", text.get("sig"));
            g.writeEndObject();
        }
        send(ctx, req, endpoint, response(HttpResponseStatus.OK, "application/json", buf));
    }

    private void prefix(ChannelHandlerContext ctx, FullHttpRequest req, String hex) {
        if (hex.length() < 4 || hex.length() > 40 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            send(ctx, req, "prefix", text(HttpResponseStatus.BAD_REQUEST,
                    "prefix must be 4 to 40 lowercase hex digits (at least 16 bits), got " + hex + "\n"));
            return;
        }
        String padded = hex.length() % 2 == 0 ? hex : hex + "0";
        byte[] prefix = new byte[20];
        byte[] given = HexFormat.of().parseHex(padded);
        System.arraycopy(given, 0, prefix, 0, given.length);
        List<byte[]> lines = index.prefix(prefix, hex.length() * 4);
        int size = 0;
        for (byte[] l : lines) size += l.length + 1;
        ByteBuf buf = ctx.alloc().buffer(Math.max(size, 1));
        for (byte[] l : lines) {
            buf.writeBytes(l);
            buf.writeByte('\n');
        }
        send(ctx, req, "prefix", response(HttpResponseStatus.OK, "application/x-ndjson", buf));
    }

    private void bundle(ChannelHandlerContext ctx, FullHttpRequest req, InetAddress client, String hex) throws IOException {
        if (limited(ctx, req, client, "bundle")) return;
        InfoHash ih;
        try {
            ih = InfoHash.parse(hex);
        } catch (FormatException | IllegalArgumentException e) {
            limiter.failed(client);
            send(ctx, req, "bundle", text(HttpResponseStatus.BAD_REQUEST, "not an infohash (40 hex digits): " + hex + "\n"));
            return;
        }
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

    private void send(ChannelHandlerContext ctx, FullHttpRequest req, String endpoint, FullHttpResponse r) {
        metrics.request(endpoint, r.status().code());
        if (req.method().equals(HttpMethod.HEAD)) {
            int length = r.content().readableBytes();
            r = r.replace(Unpooled.EMPTY_BUFFER);
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
