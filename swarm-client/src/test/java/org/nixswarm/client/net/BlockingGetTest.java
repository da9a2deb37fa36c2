package org.nixswarm.client.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nixswarm.client.resolve.IndexClient;

/**
 * The small blocking GET against raw servers on 127.0.0.1: its whole-exchange deadline covers the
 * response headers too (a server dripping them never holds a lookup past it), and an error answer's
 * body is read so the keep-alive connection carries the next lookup.
 */
class BlockingGetTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    /** Status line, then one byte of a header every 100 ms: each read is quick, the headers never end. */
    @Test
    void headersDrippedSlowlyFailWithinTheWholeExchangeDeadline() throws Exception {
        dripped("HTTP/1.1 200 OK\r\nX-Slow: ");
    }

    /** The same in the body (fixed length): the deadline is the same. */
    @Test
    void aBodyDrippedSlowlyFailsWithinTheWholeExchangeDeadline() throws Exception {
        dripped("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n[");
    }

    private void dripped(String start) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = ss.accept()) {
                    org.nixswarm.client.RawHttpServer.readHead(s.getInputStream());
                    OutputStream o = s.getOutputStream();
                    o.write(start.getBytes(StandardCharsets.US_ASCII));
                    o.flush();
                    // (the JDK may keep reading a body it gave up on in the background: stop when the test is over)
                    for (int i = 0; i < 600 && !over.get(); i++) { // a minute at most
                        Thread.sleep(100);
                        o.write('a');
                        o.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the client hung up: what the test expects
                }
            }, "dripping-server");
            server.setDaemon(true);
            server.start();
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/v1/prefix/0000";
            long t0 = System.nanoTime();
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(IOException.class, () -> BlockingGet.get(url, TIMEOUT, 1 << 20)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long deadline = TIMEOUT.toMillis() * 3;
            // far below the minute the drip would go on for; the slack is for a loaded machine
            assertTrue(ms < deadline + 5_000, "held for " + ms + " ms, deadline " + deadline + " ms");
            assertTrue(ms >= deadline - 50, "gave up after " + ms + " ms, before its deadline of " + deadline + " ms");
            assertTrue(e.getMessage().contains(url) && e.getMessage().contains("no complete answer in " + deadline + " ms"),
                    e.getMessage());
            over.set(true);
            server.join(5_000);
        }
    }

    @Test
    void aNotFoundWithABodyLeavesTheConnectionForTheNextLookup() throws Exception {
        byte[] page = "not here\n".repeat(500).getBytes(StandardCharsets.US_ASCII); // 4.5 KB: more than the kept start
        try (KeepAliveServer s = new KeepAliveServer(path -> path.endsWith("/0000")
                ? new Answer(404, page) : new Answer(200, "[]".getBytes(StandardCharsets.US_ASCII)))) {
            IndexClient c = new IndexClient(s.baseUrl(), List.of(), TIMEOUT, Duration.ofSeconds(30));
            assertEquals(Optional.empty(), c.lookup("0".repeat(32)), "404: not in the index");
            assertEquals(Optional.empty(), c.lookup("z".repeat(32)), "200: an empty bucket");
            assertEquals(2, s.requests.size(), "both prefixes asked: " + s.requests);
            assertEquals(1, s.accepted.get(), "one connection for both lookups");

            BlockingGet.Response r = BlockingGet.get(s.baseUrl() + "v1/prefix/0000", TIMEOUT, 1 << 20);
            assertEquals(404, r.status());
            assertTrue(r.body().length > 0 && r.body().length <= 512, "the start of the error page: " + r.body().length);
            assertArrayEquals("[]".getBytes(StandardCharsets.US_ASCII), BlockingGet.get(s.baseUrl() + "v1/prefix/ffff", TIMEOUT, 1 << 20).body());
            assertEquals(1, s.accepted.get(), "still the one connection");
        }
    }

    /** Draining is bounded: a page far over the bound is left unread, and its connection closed. */
    @Test
    void anErrorPageTooLargeToDrainCostsItsConnectionNotAnUnboundedRead() throws Exception {
        byte[] page = new byte[BlockingGet.MAX_ERROR_DRAIN * 16];
        try (KeepAliveServer s = new KeepAliveServer(path -> path.endsWith("/0000")
                ? new Answer(503, page) : new Answer(200, "[]".getBytes(StandardCharsets.US_ASCII)))) {
            BlockingGet.Response r = BlockingGet.get(s.baseUrl() + "v1/prefix/0000", TIMEOUT, 1 << 20);
            assertEquals(503, r.status());
            assertTrue(r.body().length <= 512);
            assertEquals(200, BlockingGet.get(s.baseUrl() + "v1/prefix/ffff", TIMEOUT, 1 << 20).status());
            assertEquals(2, s.accepted.get(), "the connection with the unread page was not reused");
        }
    }

    /**
     * Answers past the large threshold are read a permit at a time: while one is being read, another
     * fails at the threshold instead of growing the heap too, a small one goes on, and the permit is
     * back once the first is done.
     */
    @Test
    void largeAnswersAreReadAFewAtATime() throws Exception {
        java.util.concurrent.CountDownLatch rest = new java.util.concurrent.CountDownLatch(1);
        byte[] big = new byte[2 << 20];
        java.util.Arrays.fill(big, (byte) 'x');
        try (org.nixswarm.client.RawHttpServer s = new org.nixswarm.client.RawHttpServer("large-answers") {
            @Override
            protected void serve(Socket k) throws IOException {
                for (String head; (head = readHead(k.getInputStream())) != null; ) {
                    String path = head.split(" ")[1];
                    byte[] body = path.equals("/small") ? new byte[1024] : big;
                    OutputStream o = k.getOutputStream();
                    o.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    if (path.equals("/slow")) {
                        o.write(body, 0, 1 << 20);
                        o.flush();
                        try {
                            rest.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        o.write(body, 1 << 20, body.length - (1 << 20));
                    } else {
                        o.write(body);
                    }
                    o.flush();
                }
            }
        }) {
            Duration timeout = Duration.ofSeconds(5);
            BlockingGet.LargeAnswers large = new BlockingGet.LargeAnswers(512 << 10, 1);
            java.util.concurrent.CompletableFuture<BlockingGet.Response> slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return BlockingGet.get(s.baseUrl() + "slow", timeout, 4 << 20, large);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long until = System.nanoTime() + 5_000_000_000L;
            while (large.available() > 0 && System.nanoTime() < until) Thread.sleep(5);
            assertEquals(0, large.available(), "the slow answer holds the permit");
            IOException e = assertThrows(IOException.class, () -> BlockingGet.get(s.baseUrl() + "big", timeout, 4 << 20, large));
            assertTrue(e.getMessage().contains("while others as large are being read"), e.getMessage());
            assertEquals(1024, BlockingGet.get(s.baseUrl() + "small", timeout, 4 << 20, large).body().length, "small answers go on");
            rest.countDown();
            assertArrayEquals(big, slow.get(5, java.util.concurrent.TimeUnit.SECONDS).body());
            assertEquals(1, large.available(), "the permit is back");
            assertArrayEquals(big, BlockingGet.get(s.baseUrl() + "big", timeout, 4 << 20, large).body());
        }
    }

    record Answer(int status, byte[] body) {}

    /** HTTP/1.1 with keep-alive and Content-Length framing; counts the connections it accepts. */
    static final class KeepAliveServer extends org.nixswarm.client.RawHttpServer {
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final Function<String, Answer> answers;

        KeepAliveServer(Function<String, Answer> answers) throws IOException {
            super("keep-alive-server");
            this.answers = answers;
        }

        @Override
        protected void serve(Socket s) throws IOException {
            while (true) {
                String head = readHead(s.getInputStream());
                if (head == null) return;
                String path = head.split(" ")[1];
                requests.add(path);
                Answer a = answers.apply(path);
                OutputStream o = s.getOutputStream();
                o.write(("HTTP/1.1 " + a.status() + " X\r\nContent-Length: " + a.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                o.write(a.body());
                o.flush();
            }
        }
    }
}
