package org.nixswarm.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 that serves a binary cache directory but stalls every file
 * body: narinfos are sent whole, a {@code nar/} file (or the asked range of it) gets its headers
 * and the first half of its bytes, then nothing, with the connection held open until close().
 */
final class StallingServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("(?i)^range: *bytes=(\\d+)-(\\d*)\\s*$", Pattern.MULTILINE);

    private final Path root;
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    final AtomicInteger stalledBodies = new AtomicInteger();
    private final Thread acceptor;

    StallingServer(Path root) throws IOException {
        this.root = root;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "stalling-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/";
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "stalling-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
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
        } catch (IOException | RuntimeException e) {
            // connection closed by the client or by close()
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c, state = 0;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' || c == '\n') ? state + 1 : 0;
            if (state == 4) return b.toString(StandardCharsets.US_ASCII);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) s.close();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
