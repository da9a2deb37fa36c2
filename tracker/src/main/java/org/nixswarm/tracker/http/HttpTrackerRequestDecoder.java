package org.nixswarm.tracker.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.nixswarm.tracker.ErrorKind;

/**
 * Frames HTTP/1.x request heads for the tracker: GET requests without bodies, as trackers see
 * them. Far smaller than a general HTTP codec: it keeps only the method, target and the headers
 * it needs, and it enforces the limits (request line, whole head) before buffering more. A head
 * it cannot frame yields one malformed request and the rest of the connection is discarded (the
 * handler answers and closes); so is whatever follows a request that asked to close. Pipelined requests are framed one after another.
 */
final class HttpTrackerRequestDecoder extends ByteToMessageDecoder {
    private final int maxHeaderBytes;
    private final int maxRequestLineBytes;
    /** Set after a head that cannot be framed or that ends the connection: the rest is discarded. */
    private boolean done;

    HttpTrackerRequestDecoder(int maxHeaderBytes, int maxRequestLineBytes) {
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxRequestLineBytes = maxRequestLineBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!done && in.isReadable()) {
            HttpTrackerRequest r = frame(in);
            if (r == null) return;
            if (r.error() != null || !r.keepAlive()) done = true;
            out.add(r);
        }
        if (done) in.skipBytes(in.readableBytes());
    }

    /** One head from {@code in}, or null if it is not complete yet. */
    private HttpTrackerRequest frame(ByteBuf in) {
        int start = in.readerIndex();
        int limit = in.writerIndex();
        // Tolerate the empty lines some clients send between pipelined requests (RFC 9112 2.2).
        while (start < limit && (in.getByte(start) == '\r' || in.getByte(start) == '\n')) start++;
        in.readerIndex(start);
        if (start == limit) return null;
        int scanEnd = Math.min(limit, start + maxHeaderBytes);
        int eol = in.indexOf(start, Math.min(scanEnd, start + maxRequestLineBytes + 2), (byte) '\n');
        if (eol < 0) {
            if (limit - start > maxRequestLineBytes + 1) {
                return HttpTrackerRequest.malformed(ErrorKind.URI_TOO_LONG, 414,
                        "request line longer than " + maxRequestLineBytes + " bytes");
            }
            return null;
        }
        // Find the end of the head before looking at headers, so that partial heads cost one scan.
        int pos = eol + 1;
        int headEnd = -1;
        while (pos < scanEnd) {
            int e = in.indexOf(pos, scanEnd, (byte) '\n');
            if (e < 0) break;
            int len = e - pos;
            if (len == 0 || (len == 1 && in.getByte(pos) == '\r')) {
                headEnd = e + 1;
                break;
            }
            pos = e + 1;
        }
        if (headEnd < 0) {
            if (limit - start >= maxHeaderBytes) {
                return HttpTrackerRequest.malformed(ErrorKind.HEADER_TOO_LARGE, 431,
                        "request head larger than " + maxHeaderBytes + " bytes");
            }
            return null;
        }
        in.readerIndex(headEnd);
        return parse(in, start, eol, headEnd);
    }

    private static HttpTrackerRequest parse(ByteBuf in, int start, int eol, int headEnd) {
        int lineEnd = eol > start && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
        int sp1 = in.indexOf(start, lineEnd, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : in.indexOf(sp1 + 1, lineEnd, (byte) ' ');
        if (sp1 <= start || sp2 < 0 || sp2 == sp1 + 1) return bad("malformed request line");
        for (int i = start; i < sp1; i++) {
            byte c = in.getByte(i);
            if (c < 'A' || c > 'Z') return bad("malformed method");
        }
        if (in.getByte(sp1 + 1) != '/') return bad("request target must start with /");
        int vlen = lineEnd - sp2 - 1;
        boolean http10;
        if (vlen == 8 && matches(in, sp2 + 1, "HTTP/1.1")) http10 = false;
        else if (vlen == 8 && matches(in, sp2 + 1, "HTTP/1.0")) http10 = true;
        else return HttpTrackerRequest.malformed(ErrorKind.BAD_HTTP, 505, "only HTTP/1.0 and HTTP/1.1 are served");
        for (int i = sp1 + 1; i < sp2; i++) {
            byte c = in.getByte(i);
            if (c <= ' ' || c == 0x7f) return bad("control character in request target");
        }
        boolean get = sp1 - start == 3 && matches(in, start, "GET");
        String method = get ? "GET" : in.toString(start, sp1 - start, StandardCharsets.US_ASCII);
        byte[] target = new byte[sp2 - sp1 - 1];
        in.getBytes(sp1 + 1, target);

        boolean keepAlive = !http10;
        String forwardedFor = null;
        int pos = eol + 1;
        while (true) {
            int e = in.indexOf(pos, headEnd, (byte) '\n');
            int end = e > pos && in.getByte(e - 1) == '\r' ? e - 1 : e;
            if (end == pos) break;
            byte first = in.getByte(pos);
            if (first == ' ' || first == '\t') return bad("obsolete header line folding");
            int colon = in.indexOf(pos, end, (byte) ':');
            if (colon <= pos) return bad("malformed header line");
            int nameLen = colon - pos;
            if (nameLen == 10 && equalsIgnoreCase(in, pos, "connection")) {
                String v = value(in, colon + 1, end).toLowerCase();
                if (v.contains("close")) keepAlive = false;
                else if (v.contains("keep-alive")) keepAlive = true;
            } else if (nameLen == 14 && equalsIgnoreCase(in, pos, "content-length")) {
                String v = value(in, colon + 1, end);
                if (!v.equals("0")) return bad("requests with a body are not served");
            } else if (nameLen == 17 && equalsIgnoreCase(in, pos, "transfer-encoding")) {
                return bad("requests with a body are not served");
            } else if (nameLen == 15 && equalsIgnoreCase(in, pos, "x-forwarded-for")) {
                String v = value(in, colon + 1, end);
                int comma = v.lastIndexOf(',');
                forwardedFor = (comma < 0 ? v : v.substring(comma + 1)).trim();
            }
            pos = e + 1;
        }
        return new HttpTrackerRequest(get, method, target, keepAlive, http10, forwardedFor, null, 200, null);
    }

    private static HttpTrackerRequest bad(String message) {
        return HttpTrackerRequest.malformed(ErrorKind.BAD_HTTP, 400, message);
    }

    private static String value(ByteBuf in, int from, int to) {
        return in.toString(from, to - from, StandardCharsets.ISO_8859_1).trim();
    }

    private static boolean matches(ByteBuf in, int at, String s) {
        for (int i = 0; i < s.length(); i++) if (in.getByte(at + i) != s.charAt(i)) return false;
        return true;
    }

    private static boolean equalsIgnoreCase(ByteBuf in, int at, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            int c = in.getByte(at + i);
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != lower.charAt(i)) return false;
        }
        return true;
    }
}
