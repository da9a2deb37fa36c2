package org.nixswarm.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written HTTP/1.1 server on 127.0.0.1 for fault tests: a thread per connection, and
 * whatever bytes the subclass writes (stalls, drips, odd framing a real server would not send).
 */
public abstract class RawHttpServer implements AutoCloseable {
    /** Connections accepted so far. */
    public final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final Thread acceptor;
    private final String name;

    protected RawHttpServer(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/";
    }

    /** Answers one connection until it ends; the socket is closed afterwards. */
    protected abstract void serve(Socket s) throws IOException;

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> {
                    try (s) {
                        serve(s);
                    } catch (IOException | RuntimeException e) {
                        // closed by the client or by close()
                    }
                }, name + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** A request's head (up to the empty line), or null at the end of the stream. */
    public static String readHead(InputStream in) throws IOException {
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
