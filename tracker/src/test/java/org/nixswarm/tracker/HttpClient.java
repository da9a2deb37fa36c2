package org.nixswarm.tracker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeDecoder;

/** A raw HTTP/1.1 client over one socket, so tests can send exactly the bytes they mean. */
final class HttpClient implements AutoCloseable {
    record Response(int status, Map<String, String> headers, byte[] body) {
        BValue.BDict dict() {
            return (BValue.BDict) BencodeDecoder.decode(body);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The failure reason, or null if the answer is not a failure. */
        String failure() {
            BValue v = dict().get("failure reason");
            return v == null ? null : ((BValue.BBytes) v).utf8();
        }

        long integer(String key) {
            return ((BValue.BInt) dict().get(key)).value();
        }

        byte[] bytes(String key) {
            BValue v = dict().get(key);
            return v == null ? new byte[0] : ((BValue.BBytes) v).bytes();
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    HttpClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
        out = socket.getOutputStream();
    }

    static Response get(InetSocketAddress address, String target) throws IOException {
        try (HttpClient c = new HttpClient(address)) {
            return c.get(target);
        }
    }

    Response get(String target) throws IOException {
        send(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return read();
    }

    void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Reads one response; null if the server closed the connection first. */
    Response read() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                if (head.size() == 0) return null;
                throw new IOException("connection closed inside a response head: " + head);
            }
            head.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.get("content-length"));
        byte[] body = in.readNBytes(length);
        if (body.length != length) throw new IOException("short body");
        return new Response(status, headers, body);
    }

    /** Whether the server has closed the connection (reads EOF within the socket timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
