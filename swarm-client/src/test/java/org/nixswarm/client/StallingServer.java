package org.nixswarm.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 that serves a binary cache directory but stalls every file
 * body: narinfos are sent whole, a {@code nar/} file (or the asked range of it) gets its headers
 * and the first half of its bytes, then nothing, with the connection held open until close().
 */
final class StallingServer extends RawHttpServer {
    private static final Pattern RANGE = Pattern.compile("(?i)^range: *bytes=(\\d+)-(\\d*)\\s*$", Pattern.MULTILINE);

    private final Path root;
    final AtomicInteger stalledBodies = new AtomicInteger();

    StallingServer(Path root) throws IOException {
        super("stalling-server");
        this.root = root;
    }

    @Override
    protected void serve(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (true) {
            String head = readHead(in);
            if (head == null) return;
            String path = head.substring(head.indexOf(' ') + 2, head.indexOf(' ', head.indexOf(' ') + 1));
            Path file = root.resolve(path).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                continue;
            }
            byte[] all = Files.readAllBytes(file);
            if (!path.startsWith("nar/")) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + all.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(all);
                out.flush();
                continue;
            }
            Matcher m = RANGE.matcher(head);
            int from = 0, to = all.length - 1;
            String status = "200 OK", extra = "";
            if (m.find()) {
                from = Integer.parseInt(m.group(1));
                if (!m.group(2).isEmpty()) to = Math.min(to, Integer.parseInt(m.group(2)));
                status = "206 Partial Content";
                extra = "Content-Range: bytes " + from + "-" + to + "/" + all.length + "\r\n";
            }
            int len = to - from + 1;
            out.write(("HTTP/1.1 " + status + "\r\nContent-Length: " + len + "\r\n" + extra + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(all, from, len / 2);
            out.flush();
            stalledBodies.incrementAndGet();
            while (in.read() >= 0) {
                // stall: send nothing more until the client gives up or the server closes
            }
            return;
        }
    }
}
