package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.tracker.TrackerResponse;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our HTTP tracker client against a tiny fake tracker on 127.0.0.1: what it sends, what it accepts. */
class TrackerClientTest {
    private static final byte[] PEER_ID = "-NS0001-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
    private static final TorrentId TORRENT = TorrentId.fromBytes(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, ' ', '&', 'z', (byte) 0xfe, (byte) 0xff});

    private HttpServer server;
    private ExecutorService serverThreads;
    private final ConcurrentLinkedQueue<Map<String, String>> announces = new ConcurrentLinkedQueue<>();
    private final AtomicReference<byte[]> answer = new AtomicReference<>();
    private final AtomicReference<Integer> status = new AtomicReference<>(200);
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private final AtomicLong left = new AtomicLong(1000);
    private HttpTrackerClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        serverThreads = Executors.newFixedThreadPool(16);
        server.setExecutor(serverThreads);
        server.createContext("/announce", ex -> {
            announces.add(decodeQuery(ex.getRequestURI().getRawQuery()));
            try {
                hold.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = answer.get();
            ex.sendResponseHeaders(status.get(), body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
            ex.close();
        });
        server.start();
        answer.set(ok(5, compactPeers(new int[] {127, 0, 0, 2}, 6881, new int[] {127, 0, 0, 3}, 51413)));
        client = newClient("http://127.0.0.1:" + server.getAddress().getPort() + "/announce");
    }

    private HttpTrackerClient newClient(String url) {
        return new HttpTrackerClient(url, Duration.ofSeconds(2), PEER_ID, 7000, null, 50,
                t -> new AnnounceStats.Transfer(11, 22, left.get()));
    }

    @AfterEach
    void stop() {
        hold.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    @Test
    void announcesStartedWithRealFiguresAndReadsPeersAndInterval() {
        TrackerResponse r = client.request(TORRENT).start();
        assertTrue(r.isSuccess(), r.getErrorMessage());
        assertEquals(5, r.getInterval());
        assertEquals(1, r.getMinInterval());
        assertEquals(3, r.getSeederCount());
        assertEquals(4, r.getLeecherCount());
        List<String> peers = new ArrayList<>();
        for (Peer p : r.getPeers()) peers.add(p.getInetAddress().getHostAddress() + ":" + p.getPort());
        assertEquals(List.of("127.0.0.2:6881", "127.0.0.3:51413"), peers);
        Map<String, String> q = announces.poll();
        assertEquals(new String(TORRENT.getBytes(), StandardCharsets.ISO_8859_1), q.get("info_hash"));
        assertEquals(new String(PEER_ID, StandardCharsets.ISO_8859_1), q.get("peer_id"));
        assertEquals("7000", q.get("port"));
        assertEquals("11", q.get("uploaded"));
        assertEquals("22", q.get("downloaded"));
        assertEquals("1000", q.get("left"));
        assertEquals("started", q.get("event"));
        assertEquals("1", q.get("compact"));
        assertEquals("50", q.get("numwant"));
    }

    @Test
    void sendsCompletedOnceLeftReachesZeroAndStoppedAtTheEnd() {
        client.request(TORRENT).start();
        client.request(TORRENT).query();
        left.set(0);
        client.request(TORRENT).query();
        client.request(TORRENT).query();
        client.request(TORRENT).stop();
        List<String> events = new ArrayList<>();
        List<String> lefts = new ArrayList<>();
        for (Map<String, String> q : announces) {
            events.add(q.getOrDefault("event", "-"));
            lefts.add(q.get("left"));
        }
        assertEquals(List.of("started", "-", "completed", "-", "stopped"), events);
        assertEquals(List.of("1000", "1000", "0", "0", "0"), lefts);
    }

    @Test
    void aSeederFromTheStartNeverSendsCompleted() {
        left.set(0);
        client.request(TORRENT).start();
        client.request(TORRENT).query();
        List<String> events = new ArrayList<>();
        for (Map<String, String> q : announces) events.add(q.getOrDefault("event", "-"));
        assertEquals(List.of("started", "-"), events);
    }

    /** Bt 1.10's own client fails every announce that overlaps another; ours must not. */
    @Test
    void overlappingAnnouncesForManyTorrentsAllSucceed() throws Exception {
        hold = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<CompletableFuture<TrackerResponse>> all = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] id = new byte[20];
                id[0] = (byte) i;
                all.add(CompletableFuture.supplyAsync(() -> client.request(TorrentId.fromBytes(id)).query(), pool));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (announces.size() < 12 && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(12, announces.size(), "all 12 announces reached the tracker at once");
            hold.countDown();
            for (CompletableFuture<TrackerResponse> f : all) {
                TrackerResponse r = f.get(5, TimeUnit.SECONDS);
                assertTrue(r.isSuccess(), r.getErrorMessage());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void malformedAnswersAreOneLineFailuresNeverExceptions() throws Exception {
        Map<byte[], String> cases = new java.util.LinkedHashMap<>();
        cases.put("not bencode at all".getBytes(StandardCharsets.US_ASCII), "malformed bencode");
        cases.put("i42e".getBytes(StandardCharsets.US_ASCII), "no dictionary");
        cases.put("d14:failure reason7:go awaye".getBytes(StandardCharsets.US_ASCII), "refused the announce: go away");
        cases.put("d5:peers0:e".getBytes(StandardCharsets.US_ASCII), "no \"interval\"");
        cases.put("d8:intervali-5e5:peers0:e".getBytes(StandardCharsets.US_ASCII), "\"interval\" is -5");
        cases.put("d8:intervali5ee".getBytes(StandardCharsets.US_ASCII), "no \"peers\"");
        cases.put("d8:intervali5e5:peers5:abcdee".getBytes(StandardCharsets.US_ASCII), "\"peers\" is 5 bytes");
        cases.put("d8:intervali5e5:peersi3ee".getBytes(StandardCharsets.US_ASCII), "neither a string nor a list");
        cases.put("d8:intervali5e5:peersld2:ip9:evil.host4:porti80eeee".getBytes(StandardCharsets.US_ASCII), "not an IP literal");
        cases.put("d8:intervali5e5:peersld2:ip9:127.0.0.14:porti0eeee".getBytes(StandardCharsets.US_ASCII), "peer port 0");
        for (Map.Entry<byte[], String> c : cases.entrySet()) {
            answer.set(c.getKey());
            TrackerResponse r = client.request(TORRENT).query();
            assertFalse(r.isSuccess(), new String(c.getKey(), StandardCharsets.US_ASCII));
            assertTrue(r.getErrorMessage().contains(c.getValue()), r.getErrorMessage());
            assertFalse(r.getErrorMessage().contains("\n"), r.getErrorMessage());
        }
        status.set(503);
        answer.set(new byte[0]);
        TrackerResponse r = client.request(TORRENT).query();
        assertFalse(r.isSuccess());
        assertTrue(r.getErrorMessage().contains("HTTP 503"), r.getErrorMessage());
    }

    @Test
    void dictionaryPeersAndPeers6AreRead() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("d8:intervali30e5:peersld2:ip9:127.0.0.74:porti6000eee6:peers618:".getBytes(StandardCharsets.US_ASCII));
        byte[] six = new byte[18];
        six[15] = 1; // ::1
        six[16] = 0x1f;
        six[17] = (byte) 0x90; // 8080
        b.writeBytes(six);
        b.write('e');
        answer.set(b.toByteArray());
        TrackerResponse r = client.request(TORRENT).query();
        assertTrue(r.isSuccess(), r.getErrorMessage());
        assertEquals(30, r.getInterval());
        List<String> peers = new ArrayList<>();
        for (Peer p : r.getPeers()) peers.add(p.getInetAddress().getHostAddress() + ":" + p.getPort());
        assertEquals(List.of("127.0.0.7:6000", "0:0:0:0:0:0:0:1:8080"), peers);
    }

    /** A client that only seeds lets leechers dial it: Bt drops both ends of a simultaneous open. */
    @Test
    void aSeedingOnlySessionIsNotHandedPeersButLearnsThem() {
        List<Peer> heard = new ArrayList<>();
        HttpTrackerClient seeding = new HttpTrackerClient("http://127.0.0.1:" + server.getAddress().getPort() + "/announce",
                Duration.ofSeconds(2), PEER_ID, 7000, null, 50, new AnnounceStats() {
                    @Override
                    public Transfer of(TorrentId torrent) {
                        return new Transfer(0, 0, 0);
                    }

                    @Override
                    public void answered(TorrentId torrent, List<Peer> peers) {
                        heard.addAll(peers);
                    }

                    @Override
                    public boolean wanting(TorrentId torrent) {
                        return false;
                    }
                });
        TrackerResponse r = seeding.request(TORRENT).query();
        assertTrue(r.isSuccess(), r.getErrorMessage());
        assertFalse(r.getPeers().iterator().hasNext(), "no peers handed to Bt");
        assertEquals(2, heard.size(), "but the session knows them for when it wants a file");
    }

    @Test
    void anUnreachableTrackerIsAFailedResponse() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        TrackerResponse r = newClient("http://127.0.0.1:" + port + "/announce").request(TORRENT).start();
        assertFalse(r.isSuccess());
        assertTrue(r.getErrorMessage().contains("unreachable"), r.getErrorMessage());
    }

    static byte[] ok(int interval, byte[] peers) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("d8:completei3e10:incompletei4e8:intervali" + interval + "e12:min intervali1e5:peers" + peers.length + ":")
                .getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(peers);
        b.write('e');
        return b.toByteArray();
    }

    static byte[] compactPeers(Object... addressAndPort) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < addressAndPort.length; i += 2) {
            for (int x : (int[]) addressAndPort[i]) b.write(x);
            int port = (Integer) addressAndPort[i + 1];
            b.write(port >> 8);
            b.write(port & 0xff);
        }
        return b.toByteArray();
    }

    /** Percent-decodes each value byte for byte (ISO-8859-1 keeps binary info hashes intact). */
    static Map<String, String> decodeQuery(String raw) {
        Map<String, String> out = new HashMap<>();
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = kv.substring(0, eq), v = kv.substring(eq + 1);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '%') {
                    b.write(Integer.parseInt(v.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    b.write(c);
                }
            }
            out.put(k, b.toString(StandardCharsets.ISO_8859_1));
        }
        return out;
    }
}
