package org.nixswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeDecoder;

/**
 * Over 100 k random and mutated requests over HTTP and UDP. Every answer must be well-formed,
 * nothing may escape a handler (the internal-error counter stays 0), the swarms set up before
 * must be intact afterwards, and a phase of requests that are invalid by construction must leave
 * the store exactly as it was.
 */
class FuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261122L);
    private static final int HTTP_MIXED = 40_000;
    private static final int HTTP_INVALID = 6_000;
    private static final int UDP_MIXED = 50_000;
    private static final int UDP_INVALID = 6_000;
    private static final Set<Integer> STATUSES = Set.of(200, 400, 404, 405, 414, 431, 505);

    private static Tracker tracker;
    private static final byte[][] KNOWN = new byte[4][];

    @BeforeAll
    static void start() throws IOException {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        tracker = Tracker.start(TrackerConfig.builder().http(any).udp(any).maxNumwant(30).maxSwarms(50_000)
                .maxPeersPerSwarm(500).idleTimeout(Duration.ofSeconds(2)).maxRequestLineBytes(1024)
                .maxHeaderBytes(2048).ioThreads(2).build());
        for (int i = 0; i < KNOWN.length; i++) {
            KNOWN[i] = ("KNOWN-SWARM-0000000" + i).getBytes(StandardCharsets.US_ASCII);
            for (int p = 0; p < 3; p++) {
                HttpClient.Response r = HttpClient.get(tracker.httpAddress(),
                        Query.announce(KNOWN[i], Query.peerId(p), 4000 + p, p == 0 ? 0 : 100).toString());
                assertNull(r.failure());
            }
        }
    }

    @AfterAll
    static void stop() {
        if (tracker != null) tracker.close();
    }

    @Test
    void survivesOverAHundredThousandRandomAndMutatedRequests() throws Exception {
        long before = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Long>> mixed = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                final int worker = w;
                mixed.add(pool.submit(() -> timed("http", () -> httpWorker(new Random(SEED + worker), HTTP_MIXED / 4, false))));
            }
            for (int w = 0; w < 2; w++) {
                final int worker = w;
                mixed.add(pool.submit(() -> timed("udp", () -> udpWorker(new Random(SEED + 100 + worker), UDP_MIXED / 2, false))));
            }
            long sent = 0;
            for (Future<Long> f : mixed) sent += f.get();
            System.out.printf("fuzz: mixed phase %.1f s%n", (System.nanoTime() - before) / 1e9);
            assertTrue(sent >= HTTP_MIXED + UDP_MIXED, "sent " + sent);

            // Invalid by construction: the store must not change at all.
            SwarmStore.Stats stats = tracker.store().stats();
            List<Future<Long>> invalid = new ArrayList<>();
            invalid.add(pool.submit(() -> httpWorker(new Random(SEED + 200), HTTP_INVALID / 2, true)));
            invalid.add(pool.submit(() -> httpWorker(new Random(SEED + 201), HTTP_INVALID / 2, true)));
            invalid.add(pool.submit(() -> udpWorker(new Random(SEED + 300), UDP_INVALID, true)));
            for (Future<Long> f : invalid) sent += f.get();
            assertEquals(stats, tracker.store().stats(), "invalid requests changed the store");
            assertTrue(sent >= 100_000, "sent " + sent);
        } finally {
            pool.shutdownNow();
        }

        assertEquals(0, tracker.metrics().errors(ErrorKind.INTERNAL), "an exception escaped a handler");
        assertTrue(tracker.store().swarmCount() <= 50_000);
        // The swarms set up before are intact and the tracker still answers both transports.
        for (int i = 0; i < KNOWN.length; i++) {
            HttpClient.Response s = HttpClient.get(tracker.httpAddress(), Query.path("/scrape").bin("info_hash", KNOWN[i]).toString());
            BValue.BDict f = (BValue.BDict) ((BValue.BDict) s.dict().get("files")).get(new String(KNOWN[i], StandardCharsets.ISO_8859_1));
            assertEquals(1, ((BValue.BInt) f.get("complete")).value());
            assertEquals(2, ((BValue.BInt) f.get("incomplete")).value());
        }
        HttpClient.Response r = HttpClient.get(tracker.httpAddress(),
                Query.announce(KNOWN[0], Query.peerId(9), 4009, 10).set("numwant", 10).toString());
        assertEquals(18, r.bytes("peers").length);
        try (UdpClient u = new UdpClient(tracker.udpAddress())) {
            long c = u.connect();
            ByteBuffer a = u.exchange(UdpClient.announcePacket(c, 77, KNOWN[1], Query.peerId(9), 10, 0, 10, 4009));
            assertEquals(1, a.getInt(0));
            assertEquals(77, a.getInt(4));
            assertEquals(20 + 3 * 6, a.limit());
            ByteBuffer s = u.exchange(UdpClient.scrapePacket(c, 78, KNOWN[2]));
            assertEquals(1, s.getInt(8));
            assertEquals(2, s.getInt(16));
        }
        System.out.printf("fuzz: %.1f s, seed %d, %s%n", (System.nanoTime() - before) / 1e9, SEED,
                tracker.store().stats());
    }

    private static long timed(String what, java.util.concurrent.Callable<Long> work) throws Exception {
        long t0 = System.nanoTime();
        long n = work.call();
        System.out.printf("fuzz: %s worker, %d requests in %.1f s%n", what, n, (System.nanoTime() - t0) / 1e9);
        return n;
    }

    // ---- HTTP ----

    private static long httpWorker(Random random, int count, boolean invalidOnly) throws IOException {
        long sent = 0;
        HttpClient c = null;
        int batch = 16;
        try {
            while (sent < count) {
                if (!invalidOnly && random.nextInt(40) == 0) {
                    framingFuzz(random);
                    sent++;
                    continue;
                }
                if (c == null) c = new HttpClient(tracker.httpAddress());
                StringBuilder raw = new StringBuilder();
                int n = (int) Math.min(batch, count - sent);
                for (int i = 0; i < n; i++) {
                    String target = invalidOnly ? invalidTarget(random) : mutatedTarget(random);
                    raw.append("GET ").append(target).append(" HTTP/1.1\r\n\r\n");
                }
                c.send(raw.toString().getBytes(StandardCharsets.ISO_8859_1));
                sent += n;
                for (int i = 0; i < n; i++) {
                    HttpClient.Response r;
                    try {
                        r = c.read();
                    } catch (java.net.SocketException e) {
                        r = null; // reset: the server closed with our pipelined bytes unread
                    }
                    if (r == null) { // closed after a framing error (e.g. a URI over the limit)
                        c.close();
                        c = null;
                        break;
                    }
                    checkAnswer(r);
                    if (invalidOnly) assertNotNull(r.failure(), "an invalid request was served");
                    if ("close".equals(r.headers().get("connection"))) {
                        c.close();
                        c = null;
                        break;
                    }
                }
            }
        } finally {
            if (c != null) c.close();
        }
        return sent;
    }

    private static void checkAnswer(HttpClient.Response r) {
        assertTrue(STATUSES.contains(r.status()), "status " + r.status());
        if (r.headers().get("content-type").startsWith("text/plain; version=0.0.4")) {
            assertTrue(r.text().startsWith("# HELP "), "metrics");
            return;
        }
        BValue v = BencodeDecoder.decode(r.body());
        assertTrue(v instanceof BValue.BDict, "answers are dictionaries");
        BValue.BDict d = (BValue.BDict) v;
        if (r.status() != 200) assertNotNull(d.get("failure reason"));
        else assertTrue(d.has("failure reason") || d.has("peers") || d.has("files"), d.entries().keySet().toString());
    }

    /** Raw bytes that may not even be HTTP, on a connection of their own. */
    private static void framingFuzz(Random random) throws IOException {
        byte[] junk;
        if (random.nextBoolean()) {
            junk = new byte[random.nextInt(3000)];
            random.nextBytes(junk);
        } else {
            junk = ("GET " + mutatedTarget(random) + " HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.ISO_8859_1);
            for (int k = random.nextInt(6); k >= 0 && junk.length > 0; k--) junk[random.nextInt(junk.length)] = (byte) random.nextInt(256);
        }
        try (HttpClient c = new HttpClient(tracker.httpAddress())) {
            c.timeout(5000);
            c.send(junk);
            c.send("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            HttpClient.Response r = c.read();
            if (r != null) checkAnswer(r);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer to a framing fuzz request", e);
        } catch (IOException e) {
            // The server may close before reading everything we sent (connection reset): fine.
        }
    }

    private static byte[] fuzzHash(Random random) {
        byte[] h = new byte[20];
        h[0] = (byte) 0xF0;
        h[19] = (byte) random.nextInt(200);
        return h;
    }

    private static String validTarget(Random random) {
        byte[] ih = fuzzHash(random);
        switch (random.nextInt(4)) {
            case 0:
                return "/scrape?info_hash=" + Query.pct(ih) + "&info_hash=" + Query.pct(fuzzHash(random));
            default: {
                Query q = Query.announce(ih, Query.peerId(random.nextInt(1000)), 1 + random.nextInt(65535),
                        random.nextInt(3) == 0 ? 0 : random.nextInt(1 << 20));
                if (random.nextBoolean()) q.set("event", new String[] {"started", "completed", "stopped", ""}[random.nextInt(4)]);
                if (random.nextBoolean()) q.set("numwant", random.nextInt(100));
                if (random.nextBoolean()) q.set("compact", random.nextInt(2));
                if (random.nextBoolean()) q.set("no_peer_id", 1);
                if (random.nextBoolean()) q.set("key", Integer.toHexString(random.nextInt()));
                return q.toString();
            }
        }
    }

    private static final String[] NASTY = {"", "-1", "0", "99999999999999999999", "1e9", "%", "%G1", "%00", "+",
        "&&&", "==", "\u00ff", "9223372036854775807", "65536", "stopped", "%41%42"};
    private static final String[] FIELDS = {"info_hash", "peer_id", "port", "uploaded", "downloaded", "left",
        "event", "numwant", "compact", "no_peer_id", "key", "ip"};

    /** A valid target, then a few random changes that keep it one token (printable, no spaces). */
    private static String mutatedTarget(Random random) {
        String t = validTarget(random);
        int kind = random.nextInt(10);
        if (kind == 0) return t; // some valid ones, so state does change
        StringBuilder b = new StringBuilder(t);
        for (int m = 1 + random.nextInt(3); m > 0; m--) {
            switch (random.nextInt(6)) {
                case 0: // flip a character
                    if (b.length() > 1) b.setCharAt(1 + random.nextInt(b.length() - 1), (char) (0x21 + random.nextInt(94)));
                    break;
                case 1: // delete a span
                    if (b.length() > 2) {
                        int at = 1 + random.nextInt(b.length() - 1);
                        b.delete(at, Math.min(b.length(), at + 1 + random.nextInt(12)));
                    }
                    break;
                case 2: // truncate
                    b.setLength(Math.max(1, random.nextInt(b.length())));
                    break;
                case 3: // append or replace a field with a nasty value
                    b.append('&').append(FIELDS[random.nextInt(FIELDS.length)]).append('=').append(NASTY[random.nextInt(NASTY.length)]);
                    break;
                case 4: // a long run
                    b.append("&x=").append("A".repeat(random.nextInt(1500)));
                    break;
                default: // swap the path
                    String[] paths = {"/announce", "/scrape", "/metrics", "/", "/announce/", "/ANNOUNCE", "//announce"};
                    int q = b.indexOf("?");
                    b.replace(0, q < 0 ? b.length() : q, paths[random.nextInt(paths.length)]);
            }
        }
        for (int i = 0; i < b.length(); i++) {
            char ch = b.charAt(i);
            if (ch <= 0x20 || ch >= 0x7f) b.setCharAt(i, 'Z');
        }
        return b.toString();
    }

    /** A target that is wrong by construction (whatever else the mutations do). */
    private static String invalidTarget(Random random) {
        String t = Query.announce(fuzzHash(random), Query.peerId(random.nextInt(1000)), 1 + random.nextInt(65535), 5)
                .toString();
        switch (random.nextInt(5)) {
            case 0: return t.replaceFirst("info_hash=(%..){20}", "info_hash=" + Query.pct(new byte[1 + random.nextInt(19)]));
            case 1: return t.replaceFirst("&port=[0-9]+", "&port=" + NASTY[random.nextInt(5)]);
            case 2: return t.replaceFirst("&left=[0-9]+", "");
            case 3: return t + "&event=" + "x".repeat(1 + random.nextInt(8));
            default: return t.replaceFirst("peer_id=[^&]+", "peer_id=" + "p".repeat(random.nextInt(19)));
        }
    }

    // ---- UDP ----

    private static long udpWorker(Random random, int count, boolean invalidOnly) throws IOException {
        AtomicLong answered = new AtomicLong();
        long sent = 0;
        try (UdpClient u = new UdpClient(tracker.udpAddress())) {
            long connection = u.connect();
            int window = 64;
            while (sent < count) {
                for (int i = 0; i < window && sent < count; i++, sent++) {
                    u.send(invalidOnly ? invalidPacket(random, connection) : mutatedPacket(random, connection));
                }
                // Collect this window's answers before sending more, so that nothing overflows.
                while (answered.get() < sent) {
                    ByteBuffer r = u.receive();
                    if (r == null) break;
                    checkPacket(r);
                    if (invalidOnly) assertEquals(3, r.getInt(0), "an invalid packet was served");
                    answered.incrementAndGet();
                }
            }
        }
        assertTrue(answered.get() >= sent * 99 / 100, "answered " + answered.get() + " of " + sent);
        return sent;
    }

    private static void checkPacket(ByteBuffer r) {
        assertTrue(r.limit() >= 8, "answers have an action and a transaction id");
        int action = r.getInt(0);
        assertTrue(action >= 0 && action <= 3, "action " + action);
        if (action == 0) assertEquals(16, r.limit());
        if (action == 1) assertEquals(0, (r.limit() - 20) % 6);
        if (action == 2) assertEquals(0, (r.limit() - 8) % 12);
    }

    private static byte[] validPacket(Random random, long connection) {
        switch (random.nextInt(4)) {
            case 0:
                return ByteBuffer.allocate(16).putLong(UdpClient.PROTOCOL_ID).putInt(0).putInt(random.nextInt()).array();
            case 1:
                return UdpClient.scrapePacket(connection, random.nextInt(), fuzzHash(random), fuzzHash(random));
            default:
                return UdpClient.announcePacket(connection, random.nextInt(), fuzzHash(random), Query.peerId(random.nextInt(1000)),
                        random.nextInt(3) == 0 ? 0 : random.nextInt(1 << 20), random.nextInt(4), random.nextInt(60) - 1,
                        1 + random.nextInt(65535));
        }
    }

    private static byte[] mutatedPacket(Random random, long connection) {
        if (random.nextInt(10) == 0) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            return junk;
        }
        byte[] p = validPacket(random, connection);
        if (random.nextInt(8) == 0) return p;
        switch (random.nextInt(4)) {
            case 0: {
                for (int k = 1 + random.nextInt(4); k > 0; k--) p[random.nextInt(p.length)] = (byte) random.nextInt(256);
                return p;
            }
            case 1:
                return java.util.Arrays.copyOf(p, random.nextInt(p.length));
            case 2:
                return java.util.Arrays.copyOf(p, p.length + 1 + random.nextInt(100));
            default: {
                // A field set to an extreme value: numbers, event, port, numwant.
                int[] offsets = {56, 64, 72, 80, 92, 96, 8, 12};
                if (p.length < 98) return p;
                int at = offsets[random.nextInt(offsets.length)];
                p[at] = (byte) 0x80;
                p[Math.min(p.length - 1, at + 1)] = (byte) 0xff;
                return p;
            }
        }
    }

    private static byte[] invalidPacket(Random random, long connection) {
        byte[] p = UdpClient.announcePacket(connection, random.nextInt(), fuzzHash(random), Query.peerId(1), 5, 2, 5,
                1 + random.nextInt(65535));
        switch (random.nextInt(4)) {
            case 0: p[random.nextInt(8)] ^= (byte) (1 + random.nextInt(255)); return p; // forged connection id
            case 1: return java.util.Arrays.copyOf(p, 16 + random.nextInt(82)); // truncated
            case 2: p[83] = (byte) (4 + random.nextInt(200)); return p; // event out of range
            default: p[96] = 0; p[97] = 0; return p; // port 0
        }
    }

    @Test
    void mutationsAreReproducibleFromTheSeed() {
        assertArrayEquals(mutatedPacket(new Random(1), 5), mutatedPacket(new Random(1), 5));
        assertEquals(mutatedTarget(new Random(1)), mutatedTarget(new Random(1)));
    }
}
