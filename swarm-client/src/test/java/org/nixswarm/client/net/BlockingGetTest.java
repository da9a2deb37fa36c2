package org.nixswarm.client.net;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The small blocking GET against raw servers on 127.0.0.1: its whole-exchange deadline covers the
 * response headers too (a server dripping them never holds a lookup past it).
 */
class BlockingGetTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    /** Status line, then one byte of a header every 100 ms: each read is quick, the headers never end. */
    @Test
    void headersDrippedSlowlyFailWithinTheWholeExchangeDeadline() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = ss.accept()) {
                    readHead(s.getInputStream());
                    OutputStream o = s.getOutputStream();
                    o.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    o.flush();
                    for (int i = 0; i < 600; i++) { // a minute at most
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
            assertTrue(ms < deadline + 700, "held for " + ms + " ms, deadline " + deadline + " ms");
            assertTrue(ms >= deadline - 50, "gave up after " + ms + " ms, before its deadline of " + deadline + " ms");
            assertTrue(e.getMessage().contains(url) && e.getMessage().contains("no complete answer in " + deadline + " ms"),
                    e.getMessage());
            server.join(5_000);
        }
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c, state = 0;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' || c == '\n') ? state + 1 : 0;
            if (state == 4) return b.toString(StandardCharsets.US_ASCII);
        }
        return null;
    }
}
