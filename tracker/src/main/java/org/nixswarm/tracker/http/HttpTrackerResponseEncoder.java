package org.nixswarm.tracker.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Writes an {@link HttpTrackerResponse} as one buffer: a pre-encoded status line and headers, the
 * length, then the body. One buffer per answer means one write system call per answer.
 */
@ChannelHandler.Sharable
final class HttpTrackerResponseEncoder extends MessageToByteEncoder<HttpTrackerResponse> {
    private static final byte[] OK = ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ");
    private static final byte[] METRICS = ascii(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: ");
    private static final byte[] CLOSE = ascii("\r\nConnection: close\r\n\r\n");
    private static final byte[] KEEP_ALIVE = ascii("\r\nConnection: keep-alive\r\n\r\n");
    private static final byte[] END = ascii("\r\n\r\n");

    HttpTrackerResponseEncoder() {
        super(HttpTrackerResponse.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, HttpTrackerResponse msg, boolean preferDirect) {
        return ctx.alloc().ioBuffer(msg.body().readableBytes() + 160);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, HttpTrackerResponse msg, ByteBuf out) {
        ByteBuf body = msg.body();
        try {
            if (msg.status() == 200) {
                out.writeBytes(msg.prometheus() ? METRICS : OK);
            } else {
                out.writeBytes(ascii("HTTP/1.1 " + msg.status() + " " + reason(msg.status())
                        + "\r\nContent-Type: text/plain\r\nContent-Length: "));
            }
            BencodeWriter.writeDecimal(out, body.readableBytes());
            out.writeBytes(msg.close() ? CLOSE : msg.explicitKeepAlive() ? KEEP_ALIVE : END);
            out.writeBytes(body);
        } finally {
            body.release();
        }
    }

    static String reason(int status) {
        switch (status) {
            case 400: return "Bad Request";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 414: return "URI Too Long";
            case 431: return "Request Header Fields Too Large";
            case 505: return "HTTP Version Not Supported";
            default: return "Internal Server Error";
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
