package org.nixswarm.client.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection as Nix's curl uses it against a binary cache: requests one
 * after another, bodies framed by Content-Length, read as they stream. Raw sockets, so that the
 * test process starts no client threads of its own (the load test counts threads).
 */
final class NixLikeConnection implements AutoCloseable {
    record Response(int status, long contentLength, byte[] body, byte[] sha256, long bytesRead) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;

    NixLikeConnection(InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.connect(server, 5000);
        socket.setSoTimeout(30_000); // a hang is an error, not a stuck test
        in = new BufferedInputStream(socket.getInputStream(), 65536);
        out = socket.getOutputStream();
        host = server.getHostString() + ":" + server.getPort();
    }

    /**
     * Sends {@code method path}; reads the whole body unless {@code stopAfter} ≥ 0 bytes have come
     * (then the caller must close: the rest of the body is still on the wire). Bodies larger than
     * {@code keepUpTo} are only hashed.
     */
    Response exchange(String method, String path, long stopAfter, int keepUpTo) throws IOException {
        try {
            return exchange0(method, path, stopAfter, keepUpTo);
        } catch (IOException e) {
            throw new IOException(method + " " + path + " (" + progress + "): " + e, e);
        }
    }

    private String progress = "";

    private Response exchange0(String method, String path, long stopAfter, int keepUpTo) throws IOException {
        progress = "no status line";
        out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: */*\r\nUser-Agent: curl/8.4.0 Nix/2.18\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 ")) throw new IOException("bad status line: " + status);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        for (String h; !(h = line()).isEmpty(); ) {
            int c = h.indexOf(':');
            if (c > 0 && h.substring(0, c).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Long.parseLong(h.substring(c + 1).trim());
            }
        }
        progress = "status " + code + ", body 0 of " + length;
        if (length < 0) throw new IOException(method + " " + path + ": no Content-Length");
        if (method.equals("HEAD")) return new Response(code, length, new byte[0], null, 0);
        MessageDigest sha = sha256();
        byte[] kept = length <= keepUpTo ? new byte[(int) length] : null;
        byte[] buf = new byte[65536];
        long got = 0;
        long want = stopAfter >= 0 ? Math.min(stopAfter, length) : length;
        while (got < want) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, want - got));
            if (r < 0) throw new IOException(method + " " + path + ": body ended at " + got + " of " + length + " bytes");
            sha.update(buf, 0, r);
            if (kept != null) System.arraycopy(buf, 0, kept, (int) got, r);
            got += r;
            progress = "status " + code + ", body " + got + " of " + length;
        }
        return new Response(code, length, kept, sha.digest(), got);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("connection closed in the response head");
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
