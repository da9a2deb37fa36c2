package org.nixswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nixswarm.core.bencode.BValue;

class HttpTrackerTest {
    private static final AtomicInteger SWARM = new AtomicInteger(100);
    private static Tracker plain;
    private static Tracker trusting;

    @BeforeAll
    static void start() throws IOException {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        plain = Tracker.start(TrackerConfig.builder().http(any).defaultNumwant(10).maxNumwant(20)
                .interval(Duration.ofSeconds(600)).minInterval(Duration.ofSeconds(300))
                .idleTimeout(Duration.ofMillis(1500)).maxRequestLineBytes(1024).maxHeaderBytes(2048).ioThreads(2).build());
        trusting = Tracker.start(TrackerConfig.builder().http(any).trustIpParam(true)
                .trustedProxies(List.of(InetAddress.getLoopbackAddress())).ioThreads(1).build());
    }

    @AfterAll
    static void stop() {
        if (plain != null) plain.close();
        if (trusting != null) trusting.close();
    }

    private static HttpClient.Response get(Tracker t, Object target) throws IOException {
        return HttpClient.get(t.httpAddress(), target.toString());
    }

    private static List<Integer> compactPorts(byte[] peers, int entry) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < peers.length; i += entry) {
            ports.add(((peers[i + entry - 2] & 0xff) << 8) | (peers[i + entry - 1] & 0xff));
        }
        return ports;
    }

    @Test
    void compactAnnounceReturnsTheOtherPeersWithCountsAndIntervals() throws IOException {
        byte[] ih = Query.hash(SWARM.incrementAndGet());
        HttpClient.Response first = get(plain, Query.announce(ih, Query.peerId(1), 7001, 100).set("event", "started"));
        assertNull(first.failure(), first.text());
        assertEquals(200, first.status());
        assertEquals(0, first.bytes("peers").length, "a lone peer gets no peers, not itself");
        assertEquals(600, first.integer("interval"));
        assertEquals(300, first.integer("min interval"));
        get(plain, Query.announce(ih, Query.peerId(2), 7002, 0));
        HttpClient.Response third = get(plain, Query.announce(ih, Query.peerId(3), 7003, 50).set("compact", 1));
        byte[] peers = third.bytes("peers");
        assertEquals(12, peers.length);
        for (int i = 0; i < peers.length; i += 6) {
            assertArrayEquals(new byte[] {127, 0, 0, 1}, java.util.Arrays.copyOfRange(peers, i, i + 4));
        }
        assertEquals(Set.of(7001, 7002), new HashSet<>(compactPorts(peers, 6)));
        assertEquals(1, third.integer("complete"));
        assertEquals(2, third.integer("incomplete"));
        assertEquals(0, third.integer("downloaded"));
        assertFalse(third.dict().has("peers6"), "no IPv6 peers, no peers6 key");
    }

    @Test
    void percentEncodedNumbersFlagsAndEventsAreDecodedAsBtSendsThem() throws IOException {
        byte[] ih = Query.hash(SWARM.incrementAndGet());
        get(plain, Query.announce(ih, Query.peerId(31), 7031, 100));
        // Bt 1.10 encodes every character: port=%37%30%33%32 is 7032
        HttpClient.Response r = get(plain, Query.announce(ih, Query.peerId(32), 7032, 100)
                .set("port", Query.pct("7032".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .set("left", "%31%30%30").set("compact", "%31").set("event", "%73tarted"));
        assertNull(r.failure(), r.text());
        assertEquals(List.of(7031), compactPorts(r.bytes("peers"), 6));
    }

    @Test
    void nonCompactAnswersListDictionariesWithPeerIdsUnlessNoPeerId() throws IOException {
        byte[] ih = Query.hash(SWARM.incrementAndGet());
        get(plain, Query.announce(ih, Query.peerId(11), 7011, 100));
        HttpClient.Response r = get(plain, Query.announce(ih, Query.peerId(12), 7012, 100).set("compact", 0));
        List<BValue> peers = ((BValue.BList) r.dict().get("peers")).values();
        assertEquals(1, peers.size());
        BValue.BDict p = (BValue.BDict) peers.get(0);
        assertEquals("127.0.0.1", ((BValue.BBytes) p.get("ip")).utf8());
        assertEquals(7011, ((BValue.BInt) p.get("port")).value());
        assertArrayEquals(Query.peerId(11), ((BValue.BBytes) p.get("peer id")).bytes());
        HttpClient.Response r2 = get(plain, Query.announce(ih, Query.peerId(12), 7012, 100).set("compact", 0)
                .set("no_peer_id", 1));
        BValue.BDict p2 = (BValue.BDict) ((BValue.BList) r2.dict().get("peers")).values().get(0);
        assertFalse(p2.has("peer id"));
        assertEquals(7011, ((BValue.BInt) p2.get("port")).value());
    }

    @Test
    void seedersGetLeechersFirstAndNumwantIsCapped() throws IOException {
        byte[] ih = Query.hash(SWARM.incrementAndGet());
        for (int i = 0; i < 15; i++) get(plain, Query.announce(ih, Query.peerId(100 + i), 8000 + i, 0)); // seeders
        for (int i = 0; i < 15; i++) get(plain, Query.announce(ih, Query.peerId(200 + i), 9000 + i, 10)); // leechers
        HttpClient.Response seeder = get(plain, Query.announce(ih, Query.peerId(100), 8000, 0).set("numwant", 15));
        List<Integer> ports = compactPorts(seeder.bytes("peers"), 6);
        assertEquals(15, ports.size());
        assertTrue(ports.stream().allMatch(p -> p >= 9000), "a seeder gets leechers first: " + ports);
        HttpClient.Response more = get(plain, Query.announce(ih, Query.peerId(100), 8000, 0).set("numwant", 18));
        List<Integer> morePorts = compactPorts(more.bytes("peers"), 6);
        assertEquals(18, morePorts.size());
        assertEquals(15, morePorts.stream().filter(p -> p >= 9000).count(), "all leechers, then seeders");
        assertFalse(morePorts.contains(8000), "never itself");
        assertEquals(20, compactPorts(get(plain, Query.announce(ih, Query.peerId(1), 7777, 5)
                .set("numwant", 1_000_000)).bytes("peers"), 6).size(), "numwant capped at maxNumwant");
        assertEquals(10, compactPorts(get(plain, Query.announce(ih, Query.peerId(1), 7777, 5))
                .bytes("peers"), 6).size(), "default numwant");
        assertEquals(0, get(plain, Query.announce(ih, Query.peerId(1), 7777, 5).set("numwant", 0))
                .bytes("peers").length);
    }

    @Test
    void stoppedRemovesThePeerAndCompletedCountsADownload() throws IOException {
        byte[] ih = Query.hash(SWARM.incrementAndGet());
        get(plain, Query.announce(ih, Query.peerId(1), 7101, 10).set("event", "started"));
        get(plain, Query.announce(ih, Query.peerId(2), 7102, 10).set("event", "started"));
        HttpClient.Response done = get(plain, Query.announce(ih, Query.peerId(1), 7101, 0).set("event", "completed"));
        assertEquals(1, done.integer("complete"));
        assertEquals(1, done.integer("incomplete"));
        assertEquals(1, done.integer("downloaded"));
        // A repeated completed from a known seeder is not a second download.
        assertEquals(1, get(plain, Query.announce(ih, Query.peerId(1), 7101, 0).set("event", "completed"))
                .integer("downloaded"));
        HttpClient.Response stop = get(plain, Query.announce(ih, Query.peerId(2), 7102, 10).set("event", "stopped"));
        assertEquals(0, stop.bytes("peers").length, "a stopping peer gets no peers");
        assertEquals(0, stop.integer("incomplete"));
        HttpClient.Response scrape = get(plain, Query.path("/scrape").bin("info_hash", ih));
        BValue.BDict files = (BValue.BDict) scrape.dict().get("files");
        BValue.BDict f = (BValue.BDict) files.get(new String(ih, StandardCharsets.ISO_8859_1));
        assertEquals(1, ((BValue.BInt) f.get("complete")).value());
        assertEquals(0, ((BValue.BInt) f.get("incomplete")).value());
        assertEquals(1, ((BValue.BInt) f.get("downloaded")).value());
        get(plain, Query.announce(ih, Query.peerId(1), 7101, 0).set("event", "stopped"));
        int before = plain.store().swarmCount();
        get(plain, Query.announce(ih, Query.peerId(1), 7101, 0).set("event", "stopped"));
        assertEquals(before, plain.store().swarmCount(), "stopping in an empty swarm creates nothing");
    }

    @Test
    void scrapeAnswersManyHashesSortedWithZerosForUnknownOnes() throws IOException {
        byte[] a = Query.hash(SWARM.incrementAndGet());
        byte[] b = Query.hash(SWARM.incrementAndGet());
        get(plain, Query.announce(a, Query.peerId(1), 7201, 0));
        get(plain, Query.announce(a, Query.peerId(2), 7202, 9));
        HttpClient.Response r = get(plain, "/scrape?info_hash=" + Query.pct(b) + "&info_hash=" + Query.pct(a)
                + "&info_hash=" + Query.pct(a));
        BValue.BDict files = (BValue.BDict) r.dict().get("files");
        assertEquals(2, files.entries().size());
        BValue.BDict fa = (BValue.BDict) files.get(new String(a, StandardCharsets.ISO_8859_1));
        assertEquals(1, ((BValue.BInt) fa.get("complete")).value());
        assertEquals(1, ((BValue.BInt) fa.get("incomplete")).value());
        BValue.BDict fb = (BValue.BDict) files.get(new String(b, StandardCharsets.ISO_8859_1));
        assertEquals(0, ((BValue.BInt) fb.get("complete")).value());
        assertEquals("scrape needs at least one info_hash (full scrapes are not served)",
                get(plain, "/scrape").failure());
    }

    @Test
    void ipParameterAndForwardedForAreBelievedOnlyWhenTrusted() throws IOException {
        byte[] ih = Query.hash(SWARM.incrementAndGet());
        get(plain, Query.announce(ih, Query.peerId(1), 7301, 10).set("ip", "10.9.8.7"));
        byte[] peers = get(plain, Query.announce(ih, Query.peerId(2), 7302, 10)).bytes("peers");
        assertArrayEquals(new byte[] {127, 0, 0, 1, (byte) (7301 >> 8), (byte) 7301}, peers, "ip ignored by default");

        byte[] ih2 = Query.hash(SWARM.incrementAndGet());
        get(trusting, Query.announce(ih2, Query.peerId(1), 7311, 10).set("ip", "10.9.8.7"));
        get(trusting, Query.announce(ih2, Query.peerId(2), 7312, 10).set("ip", "%3A%3A1")); // ::1
        try (HttpClient c = new HttpClient(trusting.httpAddress())) {
            c.send(("GET " + Query.announce(ih2, Query.peerId(3), 7313, 10) + " HTTP/1.1\r\nX-Forwarded-For: 192.0.2.1, "
                    + "198.51.100.4\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            HttpClient.Response r = c.read();
            assertArrayEquals(new byte[] {10, 9, 8, 7, (byte) (7311 >> 8), (byte) 7311}, r.bytes("peers"));
            byte[] v6 = r.bytes("peers6");
            assertEquals(18, v6.length, "BEP 7: IPv6 peers in peers6");
            assertEquals(1, v6[15]);
            assertEquals(7312, ((v6[16] & 0xff) << 8) | (v6[17] & 0xff));
        }
        byte[] seen = get(trusting, Query.announce(ih2, Query.peerId(4), 7314, 10).set("numwant", 5)).bytes("peers");
        assertTrue(new String(seen, StandardCharsets.ISO_8859_1).contains(
                new String(new byte[] {(byte) 198, 51, 100, 4, (byte) (7313 >> 8), (byte) 7313}, StandardCharsets.ISO_8859_1)),
                "the proxy's last X-Forwarded-For address is the peer");
        assertEquals("ip must be an IPv4 or IPv6 address literal, got 'example.org'",
                get(trusting, Query.announce(ih2, Query.peerId(5), 7315, 10).set("ip", "example.org")).failure());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/announce?peer_id=-TT0001-000000000001&port=1&uploaded=0&downloaded=0&left=0|missing info_hash",
        "/announce?info_hash=abc&peer_id=-TT0001-000000000001&port=1&uploaded=0&downloaded=0&left=0|info_hash must be 20 bytes, got 3",
        "/announce?info_hash=%ZZ&port=1|malformed percent-encoding in info_hash",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&info_hash=aaaaaaaaaaaaaaaaaaaa|info_hash given twice",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=short&port=1|peer_id must be 20 bytes, got 5",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&port=1&uploaded=0&downloaded=0&left=0|missing peer_id",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=0|port must be from 1 to 65535, got '0'",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=65536|port must be from 1 to 65535, got '65536'",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=x1|port must be a non-negative integer, got 'x1'",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&uploaded=0&downloaded=0&left=0|missing port",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=1&uploaded=-5|uploaded must be a non-negative integer, got '-5'",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=1&uploaded=0&downloaded=1e3|downloaded must be a non-negative integer, got '1e3'",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=1&uploaded=0&downloaded=0&left=|left must be a non-negative integer, got ''",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=1&uploaded=0&downloaded=0|missing left",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=1&uploaded=0&downloaded=0&left=0&event=begun|event must be started, completed, stopped, paused or empty, got 'begun'",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=1&uploaded=0&downloaded=0&left=0&numwant=99999999999|numwant must be from 0 to 2147483647, got '99999999999'",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=1&uploaded=0&downloaded=0&left=0&numwant=-1|numwant must be a non-negative integer, got '-1'",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=1&uploaded=0&downloaded=0&left=0&compact=yes|compact must be 0 or 1, got 'yes'",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=1&uploaded=0&downloaded=0&left=0&no_peer_id=2|no_peer_id must be 0 or 1, got '2'",
        "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-TT0001-000000000001&port=1&uploaded=0&downloaded=0&left=0&key=|key must be 1 to 64 bytes, got 0",
        "/announce|missing info_hash",
        "/scrape?info_hash=short|info_hash must be 20 bytes, got 5",
    })
    void malformedAnnouncesGetAFailureReasonAndChangeNothing(String target, String reason) throws IOException {
        SwarmStore.Stats before = plain.store().stats();
        HttpClient.Response r = get(plain, target);
        assertEquals(200, r.status());
        assertEquals(reason, r.failure());
        assertEquals(before, plain.store().stats());
    }

    @Test
    void keyAndUnknownParametersAreAccepted() throws IOException {
        byte[] ih = Query.hash(SWARM.incrementAndGet());
        HttpClient.Response r = get(plain, Query.announce(ih, Query.peerId(1), 7401, 10).set("key", "a1b2c3")
                .set("supportcrypto", 1).set("event", "").set("corrupt", 0));
        assertNull(r.failure());
        assertEquals(1, r.integer("incomplete"));
    }

    @Test
    void percentEncodedDigitsFlagsAndEventsAreDecoded() throws IOException {
        // Bt 1.10 percent-encodes every byte of every value: port=%37%34%30%32 and so on.
        byte[] ih = Query.hash(SWARM.incrementAndGet());
        StringBuilder target = new StringBuilder("/announce?info_hash=");
        for (byte b : ih) target.append(String.format("%%%02X", b & 0xff));
        target.append("&peer_id=").append(everyByte("-BT0001-000000000042"))
                .append("&port=").append(everyByte("7402"))
                .append("&uploaded=").append(everyByte("0"))
                .append("&downloaded=").append(everyByte("0"))
                .append("&left=").append(everyByte("1234"))
                .append("&compact=").append(everyByte("1"))
                .append("&numwant=").append(everyByte("50"))
                .append("&event=").append(everyByte("started"));
        HttpClient.Response r = get(plain, target);
        assertNull(r.failure());
        assertEquals(1, r.integer("incomplete"));
        HttpClient.Response bad = get(plain, target.toString().replace("port=%37", "port=%2D"));
        assertEquals("port must be a non-negative integer, got '-402'", bad.failure());
    }

    private static String everyByte(String ascii) {
        StringBuilder b = new StringBuilder();
        for (char c : ascii.toCharArray()) b.append(String.format("%%%02X", (int) c));
        return b.toString();
    }

    @Test
    void wrongPathsMethodsVersionsAndBodiesAreRefused() throws IOException {
        HttpClient.Response notFound = get(plain, "/favicon.ico");
        assertEquals(404, notFound.status());
        assertEquals("not found: this tracker serves /announce, /scrape and /metrics", notFound.failure());
        try (HttpClient c = new HttpClient(plain.httpAddress())) {
            c.send("DELETE /announce HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            HttpClient.Response r = c.read();
            assertEquals(405, r.status());
            assertEquals("method DELETE is not allowed, use GET", r.failure());
            assertEquals(200, c.get("/metrics").status(), "the connection survives a refused method");
        }
        assertRefusedAndClosed("POST /announce HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 400,
                "requests with a body are not served");
        assertRefusedAndClosed("GET /announce HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
                "requests with a body are not served");
        assertRefusedAndClosed("GET /announce HTTP/2.0\r\n\r\n", 505, "only HTTP/1.0 and HTTP/1.1 are served");
        assertRefusedAndClosed("GET announce HTTP/1.1\r\n\r\n", 400, "request target must start with /");
        assertRefusedAndClosed("\u0001\u0002garbage\r\n\r\n", 400, "malformed request line");
        assertRefusedAndClosed("GET /announce HTTP/1.1\r\nno colon here\r\n\r\n", 400, "malformed header line");
        assertRefusedAndClosed("GET /" + "a".repeat(2000) + " HTTP/1.1\r\n\r\n", 414,
                "request line longer than 1024 bytes");
        assertRefusedAndClosed("GET /announce HTTP/1.1\r\nX-Big: " + "b".repeat(3000) + "\r\n\r\n", 431,
                "request head larger than 2048 bytes");
        assertTrue(plain.metrics().errors(ErrorKind.HEADER_TOO_LARGE) >= 1);
    }

    private static void assertRefusedAndClosed(String raw, int status, String reason) throws IOException {
        try (HttpClient c = new HttpClient(plain.httpAddress())) {
            c.send(raw.getBytes(StandardCharsets.ISO_8859_1));
            HttpClient.Response r = c.read();
            assertEquals(status, r.status(), raw);
            assertEquals(reason, r.failure());
            assertEquals("close", r.headers().get("connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws IOException {
        byte[] ih = Query.hash(SWARM.incrementAndGet());
        StringBuilder raw = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            raw.append("GET ").append(Query.announce(ih, Query.peerId(i), 7500 + i, 10)).append(" HTTP/1.1\r\n\r\n");
        }
        raw.append("GET /scrape?info_hash=").append(Query.pct(ih)).append(" HTTP/1.1\r\nConnection: close\r\n\r\n");
        try (HttpClient c = new HttpClient(plain.httpAddress())) {
            c.send(raw.toString().getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 5; i++) assertEquals(i + 1, c.read().integer("incomplete"));
            HttpClient.Response last = c.read();
            assertNotNull(last.dict().get("files"));
            assertEquals("close", last.headers().get("connection"));
            assertTrue(c.closedByServer());
        }
        try (HttpClient c = new HttpClient(plain.httpAddress())) {
            c.send("GET /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("keep-alive", c.read().headers().get("connection"));
            c.send("GET /metrics HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("close", c.read().headers().get("connection"));
        }
    }

    @Test
    void idleAndSlowConnectionsAreClosed() throws Exception {
        try (HttpClient idle = new HttpClient(plain.httpAddress()); HttpClient slow = new HttpClient(plain.httpAddress())) {
            long start = System.nanoTime();
            // The slow client keeps sending, one byte every 100 ms, but never completes a head.
            byte[] head = "GET /announce?info_hash=aaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\nX: ".getBytes(StandardCharsets.US_ASCII);
            boolean cut = false;
            for (int i = 0; i < 40 && !cut; i++) {
                try {
                    slow.send(new byte[] {head[i % head.length]});
                } catch (IOException e) {
                    cut = true;
                }
                Thread.sleep(100);
            }
            idle.timeout(5000);
            assertTrue(idle.closedByServer(), "idle connection closed");
            slow.timeout(5000);
            assertTrue(cut || slow.closedByServer(), "slow connection closed");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 4500, "closed after about the 1.5 s timeout, took " + ms + " ms");
        }
        assertTrue(plain.metrics().errors(ErrorKind.IDLE_TIMEOUT) >= 2);
    }

    @Test
    void connectionsOverTheLimitAreClosed() throws Exception {
        try (Tracker t = Tracker.start(TrackerConfig.builder()
                .http(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).maxConnections(2).ioThreads(1).build());
                HttpClient a = new HttpClient(t.httpAddress());
                HttpClient b = new HttpClient(t.httpAddress())) {
            assertEquals(200, a.get("/metrics").status());
            assertEquals(200, b.get("/metrics").status());
            try (HttpClient c = new HttpClient(t.httpAddress())) {
                assertTrue(c.closedByServer(), "the third connection is closed");
            }
            assertEquals(1, t.metrics().errors(ErrorKind.TOO_MANY_CONNECTIONS));
            a.close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (true) {
                HttpClient.Response r = null;
                try (HttpClient d = new HttpClient(t.httpAddress())) {
                    r = d.get("/metrics");
                } catch (IOException e) {
                    // closed: the server has not yet seen the first connection go
                }
                if (r != null) {
                    assertEquals(200, r.status());
                    break;
                }
                assertTrue(System.nanoTime() < deadline, "a place is free again after a connection closed");
                Thread.sleep(50);
            }
        }
    }

    @Test
    void metricsArePrometheusText() throws IOException {
        byte[] ih = Query.hash(SWARM.incrementAndGet());
        get(plain, Query.announce(ih, Query.peerId(1), 7601, 0));
        get(plain, "/announce?info_hash=bad");
        HttpClient.Response m = get(plain, "/metrics");
        assertEquals(200, m.status());
        assertTrue(m.headers().get("content-type").startsWith("text/plain; version=0.0.4"));
        String text = m.text();
        assertTrue(text.contains("# TYPE nixswarm_tracker_swarms gauge\nnixswarm_tracker_swarms "), text);
        assertTrue(text.matches("(?s).*\nnixswarm_tracker_seeders [1-9][0-9]*\n.*"), text);
        assertTrue(text.matches("(?s).*\nnixswarm_tracker_announces_total\\{transport=\"http\"} [1-9][0-9]*\n.*"), text);
        assertTrue(text.matches("(?s).*\nnixswarm_tracker_errors_total\\{kind=\"bad_info_hash\"} [1-9][0-9]*\n.*"), text);
        assertTrue(text.contains("nixswarm_tracker_errors_total{kind=\"internal\"} 0\n"), text);
    }
}
