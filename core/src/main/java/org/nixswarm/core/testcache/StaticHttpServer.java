package org.nixswarm.core.testcache;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small static file server on 127.0.0.1 for a binary cache directory: what tests and the demo
 * use as "the cache". GET and HEAD, single byte ranges ({@code Range: bytes=a-b}, {@code a-},
 * {@code -n}) answered with 206 and Content-Range (416 when unsatisfiable), 404 for anything
 * that is not a regular file under the root (no directory listings, no {@code ..}, no symlink
 * out of the root). It can be stopped and started again on the same port, so a demo can take the
 * cache down and bring it back. Range support matters: BitTorrent web seeds (BEP 19) fetch pieces
 * with ranged GETs.
 */
public final class StaticHttpServer implements AutoCloseable {
    private static final int RECENT = 1000;
    private static final long BIND_RETRY_MS = 5000;

    /** One request as the server saw it: for tests that check what was (not) fetched from the cache. */
    public record Request(String method, String path, String range, int status) {}

    private final Path root;
    private final AtomicLong requestCount = new AtomicLong();
    private final AtomicLong bytesServed = new AtomicLong();
    private final Deque<Request> recent = new ArrayDeque<>();
    private HttpServer server;
    private ExecutorService executor;
    private int port;

    public StaticHttpServer(Path root) throws IOException {
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) throw new IOException(root + " is not a directory");
    }

    /** Starts on {@code port} of 127.0.0.1 (0 picks a free one). */
    public synchronized StaticHttpServer start(int port) throws IOException {
        if (server != null) throw new IllegalStateException("already running on port " + this.port);
        InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        long deadline = System.currentTimeMillis() + BIND_RETRY_MS;
        HttpServer s;
        while (true) {
            try {
                s = HttpServer.create(addr, 64);
                break;
            } catch (BindException e) {
                // the port we just released may still be held by the old listener's sockets
                if (port == 0 || System.currentTimeMillis() > deadline) {
                    throw new IOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
                }
                sleep(50);
            }
        }
        AtomicInteger n = new AtomicInteger();
        int bound = s.getAddress().getPort();
        executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "static-http-" + bound + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        s.setExecutor(executor);
        s.createContext("/", this::handle);
        s.start();
        server = s;
        this.port = bound;
        return this;
    }

    /** Starts again on the port it last ran on (a free port the first time). */
    public synchronized StaticHttpServer start() throws IOException {
        return start(port);
    }

    /** Stops listening and closes connections; {@link #start()} brings it back on the same port. */
    public synchronized void stop() {
        if (server == null) return;
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
        executor = null;
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** The port it runs (or last ran) on; 0 before the first start. */
    public synchronized int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT/}, ending in a slash (a substituter URL or a BEP 19 url-list entry). */
    public synchronized String baseUrl() {
        if (port == 0) throw new IllegalStateException("not started");
        return "http://127.0.0.1:" + port + "/";
    }

    public Path root() {
        return root;
    }

    public long requestCount() {
        return requestCount.get();
    }

    /** Body bytes sent so far (not headers). */
    public long bytesServed() {
        return bytesServed.get();
    }

    /** The last requests (up to 1000), oldest first. */
    public List<Request> recentRequests() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    // ---- serving ----

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String range = ex.getRequestHeaders().getFirst("Range");
        // counted on arrival: the response's bytes can reach the client before this thread runs
        // on, so a count taken at the end could lag behind what the client has already seen
        requestCount.incrementAndGet();
        int status = 500;
        try {
            drain(ex.getRequestBody());
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                status = error(ex, 405, "method not allowed");
            } else {
                Path file = resolve(ex.getRequestURI().getPath());
                status = file == null ? error(ex, 404, "not found") : serve(ex, file, method.equals("HEAD"), range);
            }
        } catch (IOException e) {
            // the client went away mid-response: nothing to answer
        } finally {
            synchronized (recent) {
                if (recent.size() == RECENT) recent.removeFirst();
                recent.addLast(new Request(method, ex.getRequestURI().getRawPath(), range, status));
            }
            ex.close();
        }
    }

    /** The regular file under the root that {@code path} names, or null. */
    private Path resolve(String path) {
        if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) return null;
        String rel = path.substring(1);
        if (rel.isEmpty() || rel.endsWith("/")) return null;
        for (String seg : rel.split("/")) {
            if (seg.isEmpty() || seg.equals("..") || seg.equals(".")) return null;
        }
        try {
            Path p = root.resolve(rel).normalize();
            if (!p.startsWith(root)) return null;
            Path real = p.toRealPath(); // a symlink must not lead out of the root either
            if (!real.startsWith(root) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) return null;
            return real;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private int serve(HttpExchange ex, Path file, boolean head, String rangeHeader) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            var h = ex.getResponseHeaders();
            h.set("Accept-Ranges", "bytes");
            h.set("Content-Type", contentType(file));
            ByteRange.Result r = ByteRange.parse(rangeHeader, size);
            int status;
            long first = 0;
            long length = size;
            if (r instanceof ByteRange.Unsatisfiable) {
                h.set("Content-Range", "bytes */" + size);
                return error(ex, 416, "range not satisfiable");
            } else if (r instanceof ByteRange.Partial p) {
                status = 206;
                first = p.range().first();
                length = p.range().length();
                h.set("Content-Range", "bytes " + first + "-" + p.range().last() + "/" + size);
            } else {
                status = 200;
            }
            if (head) {
                // the JDK server sends no body for HEAD; the length must be set by hand
                h.set("Content-Length", Long.toString(length));
                ex.sendResponseHeaders(status, -1);
                return status;
            }
            ex.sendResponseHeaders(status, length == 0 ? -1 : length);
            OutputStream out = ex.getResponseBody();
            long pos = first;
            long end = first + length;
            var buf = java.nio.ByteBuffer.allocate(64 * 1024);
            var sink = Channels.newChannel(out);
            while (pos < end) {
                buf.clear();
                if (end - pos < buf.capacity()) buf.limit((int) (end - pos));
                int n = ch.read(buf, pos);
                if (n < 0) break; // the file shrank under us: the client sees a short body
                buf.flip();
                while (buf.hasRemaining()) sink.write(buf);
                pos += n;
                bytesServed.addAndGet(n);
            }
            out.flush();
            return status;
        }
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".narinfo")) return "text/x-nix-narinfo";
        if (name.equals("nix-cache-info") || name.equals("public-key")) return "text/plain";
        return "application/octet-stream";
    }

    private static int error(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = (status + " " + text + "\n").getBytes(StandardCharsets.US_ASCII);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
        return status;
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the port", e);
        }
    }
}
