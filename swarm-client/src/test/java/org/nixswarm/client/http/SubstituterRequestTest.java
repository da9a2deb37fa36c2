package org.nixswarm.client.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.TestBundle;

/**
 * The substituter at the level of bytes on one connection: pipelined requests are answered in
 * their order (HTTP/1.1), a request the codec cannot read is a 400 that closes the connection, a
 * HEAD of a file fetches nothing, and an idle connection is closed.
 */
class SubstituterRequestTest {
    @TempDir Path tmp;

    private record Answer(int status, Map<String, String> headers, byte[] body) {
        String text() { return new String(body, StandardCharsets.UTF_8); }
    }

    /** One response, framed by its Content-Length (every answer of the substituter has one). */
    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c, state = 0;
        while (state < 4 && (c = in.read()) >= 0) {
            head.write(c);
            state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
        }
        if (state < 4) throw new IOException("connection ended in a response head: '" + head + "'");
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) h.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] body = in.readNBytes(Integer.parseInt(h.get("content-length")));
        return new Answer(status, h, body);
    }

    private static void send(Socket s, String requests) throws IOException {
        s.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheirOrder() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {300_000, 2_000}, 16384, 21);
             SwarmClient c = new SwarmClient(ClientConfig.defaults(tmp.resolve("client"), TestBundle.freePort())
                     .withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic())));
             SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0), 0);
             Socket k = new Socket("127.0.0.1", s.address().getPort())) {
            k.setSoTimeout(20_000);
            // each narinfo is a lookup upstream and each file a download: both slower than nix-cache-info
            send(k, get("/" + b.hash(0) + ".narinfo") + get("/nix-cache-info") + get("/" + b.hash(1) + ".narinfo"));
            InputStream in = k.getInputStream();
            Answer a = read(in);
            assertEquals(b.narinfo(0).print(), a.text(), "first answer is the first request's");
            assertTrue(read(in).text().startsWith("StoreDir: /nix/store"));
            assertEquals(b.narinfo(1).print(), read(in).text());

            send(k, get("/" + b.narinfo(0).url()) + get("/nix-cache-info") + get("/" + b.narinfo(1).url()) + get("/nix-cache-info"));
            Answer nar0 = read(in);
            assertEquals("application/x-nix-nar", nar0.headers().get("content-type"));
            assertArrayEquals(b.data(0), nar0.body());
            assertTrue(read(in).text().startsWith("StoreDir: /nix/store"));
            assertArrayEquals(b.data(1), read(in).body());
            assertTrue(read(in).text().startsWith("StoreDir: /nix/store"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"long-uri", "big-headers", "not-http"})
    void anUnreadableRequestIsA400AndTheConnectionCloses(String how) throws Exception {
        String bad = switch (how) {
            case "long-uri" -> get("/" + "a".repeat(5000));
            case "big-headers" -> "GET /nix-cache-info HTTP/1.1\r\nHost: x\r\n" + ("X-Pad: " + "b".repeat(1000) + "\r\n").repeat(10) + "\r\n";
            default -> "\u0001\u0002 garbage\r\n\r\n";
        };
        try (SwarmClient c = new SwarmClient(ClientConfig.defaults(tmp.resolve("client"), TestBundle.freePort()));
             SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0));
             Socket k = new Socket("127.0.0.1", s.address().getPort())) {
            k.setSoTimeout(5_000);
            send(k, bad + get("/nix-cache-info"));
            Answer a = read(k.getInputStream());
            assertEquals(400, a.status(), a.text());
            assertTrue(a.text().startsWith("bad request"), a.text());
            assertEquals(-1, k.getInputStream().read(), "closed after the 400 (the codec reads no more of it)");
        }
    }

    /** A response head only (a HEAD's answer has a Content-Length but no body). */
    private static Answer readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new IOException("connection ended in a response head: '" + head + "'");
            head.append((char) c);
        }
        String[] lines = head.toString().split("\r\n");
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) h.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), h, new byte[0]);
    }

    @Test
    void aHeadOfAFileAnswersFromItsNarinfoAndFetchesNothing() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {300_000}, 16384, 22);
             SwarmClient c = new SwarmClient(ClientConfig.defaults(tmp.resolve("client"), TestBundle.freePort())
                     .withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic())));
             SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0), 0);
             Socket k = new Socket("127.0.0.1", s.address().getPort())) {
            k.setSoTimeout(20_000);
            InputStream in = k.getInputStream();
            send(k, "HEAD /" + b.narinfo(0).url() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertEquals(404, readHead(in).status(), "a file of no narinfo served is unknown");
            send(k, get("/" + b.hash(0) + ".narinfo"));
            assertEquals(200, read(in).status());
            send(k, "HEAD /" + b.narinfo(0).url() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + get("/nix-cache-info"));
            Answer head = readHead(in);
            assertEquals(200, head.status());
            assertEquals("300000", head.headers().get("content-length"));
            assertTrue(read(in).text().startsWith("StoreDir: /nix/store"), "nothing was sent after the head");
            assertTrue(c.cache().existing(b.fileName(0)).isEmpty(), "the HEAD started no download");
            send(k, get("/" + b.narinfo(0).url()));
            assertArrayEquals(b.data(0), read(in).body());
        }
    }

    @Test
    void anIdleConnectionIsClosedAndABusyOneIsNot() throws Exception {
        try (SwarmClient c = new SwarmClient(ClientConfig.defaults(tmp.resolve("client"), TestBundle.freePort()));
             SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0), 0, java.time.Duration.ofMillis(400));
             Socket k = new Socket("127.0.0.1", s.address().getPort())) {
            k.setSoTimeout(5_000);
            InputStream in = k.getInputStream();
            // a request every 150 ms keeps it open well past the idle time
            for (int i = 0; i < 6; i++) {
                send(k, get("/nix-cache-info"));
                assertEquals(200, read(in).status());
                Thread.sleep(150);
            }
            long t0 = System.nanoTime();
            assertEquals(-1, in.read(), "closed once idle");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 150 && ms < 4_000, "closed after the idle time, not at once or never: " + ms + " ms");
        }
    }
}
