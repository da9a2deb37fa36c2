package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.tracker.TrackerResponse;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our BEP 15 client against a tiny UDP tracker on the loopback: what it sends, what it accepts, what it refuses. */
class UdpTrackerClientTest {
    private static final byte[] PEER_ID = "-NS0001-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
    private static final TorrentId TORRENT = TorrentId.fromBytes(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, (byte) 0xff});
    private static final UdpTrackerClient.Timing FAST = new UdpTrackerClient.Timing(Duration.ofMillis(100), 2, Duration.ofMinutes(1),
            Duration.ofMillis(100));

    private final List<AutoCloseable> open = new ArrayList<>();
    private UdpTrackerSocket socket;
    private final AtomicLong left = new AtomicLong(1000);
    private final List<List<Peer>> answered = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        socket = new UdpTrackerSocket();
    }

    @AfterEach
    void stop() throws Exception {
        socket.close();
        for (AutoCloseable c : open) c.close();
    }

    private FakeUdpTracker tracker(String address) throws Exception {
        FakeUdpTracker t = new FakeUdpTracker(InetAddress.getByName(address));
        open.add(t);
        return t;
    }

    private UdpTrackerClient client(String url, UdpTrackerClient.Timing timing) {
        return new UdpTrackerClient(url, () -> socket, timing, PEER_ID, 7000, null, 50, new AnnounceStats() {
            @Override
            public Transfer of(TorrentId torrent) {
                return new Transfer(11, 22, left.get());
            }

            @Override
            public void answered(TorrentId torrent, List<Peer> peers) {
                synchronized (answered) {
                    answered.add(peers);
                }
            }
        });
    }

    @Test
    void announcesRealFiguresAndReusesTheConnectionIdForItsLifetime() throws Exception {
        FakeUdpTracker t = tracker("127.0.0.1");
        UdpTrackerClient c = client(t.url(), new UdpTrackerClient.Timing(Duration.ofMillis(200), 2, Duration.ofMillis(500), Duration.ofMillis(100)));
        TrackerResponse first = c.request(TORRENT).start();
        assertTrue(first.isSuccess(), first.getErrorMessage());
        assertEquals(1, first.getInterval());
        assertEquals(1, t.connectsAtNanos.size());
        FakeUdpTracker.Announce a = t.announces.get(0);
        assertEquals(2, a.event(), "started");
        assertEquals(22, a.downloaded());
        assertEquals(11, a.uploaded());
        assertEquals(1000, a.left());
        assertEquals(7000, a.port());
        assertEquals(50, a.numWant());
        assertArrayEquals(PEER_ID, a.peerId());
        assertEquals("000102030405060708090a0b0c0d0e0f101112ff", a.infoHash());

        left.set(0);
        TrackerResponse second = c.request(TORRENT).query();
        assertTrue(second.isSuccess(), second.getErrorMessage());
        assertEquals(1, t.connectsAtNanos.size(), "the connection id is reused within its lifetime");
        assertEquals(a.connectionId(), t.announces.get(1).connectionId());
        assertEquals(1, t.announces.get(1).event(), "completed once left reached 0");
        assertEquals(a.key(), t.announces.get(1).key(), "one key per client");

        Thread.sleep(600);
        assertTrue(c.request(TORRENT).query().isSuccess());
        assertEquals(2, t.connectsAtNanos.size(), "an expired connection id is asked for again");
        assertEquals(0, t.announces.get(2).event());

        assertTrue(c.request(TORRENT).stop().isSuccess());
        assertEquals(3, t.announces.get(3).event(), "stopped");
    }

    @Test
    void stoppedGoesOnlyToATrackerThatAnsweredAnAnnounce() throws Exception {
        FakeUdpTracker t = tracker("127.0.0.1");
        t.drop.set(Integer.MAX_VALUE);
        UdpTrackerClient c = client(t.url(), FAST);
        assertFalse(c.request(TORRENT).start().isSuccess());
        int asked = t.connectsAtNanos.size();
        long t0 = System.nanoTime();
        assertTrue(c.request(TORRENT).stop().isSuccess());
        assertEquals(asked, t.connectsAtNanos.size(), "nothing sent");
        assertTrue(System.nanoTime() - t0 < 50_000_000L, "no waiting for a tracker that never answered");
    }

    @Test
    void peersComeBackOverIpv4AndIpv6() throws Exception {
        for (String address : new String[] {"127.0.0.1", "::1"}) {
            FakeUdpTracker t = tracker(address);
            t.override = (req, tid) -> {
                if (ByteBuffer.wrap(req).getInt(8) != 1) return null;
                byte[] ip = address.contains(":") ? new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2} : new byte[] {127, 0, 0, 2};
                return List.of(ByteBuffer.allocate(20 + 2 * (ip.length + 2)).putInt(1).putInt(tid).putInt(1800).putInt(3).putInt(4)
                        .put(ip).putShort((short) 6881).put(ip).putShort((short) 51413).array());
            };
            TrackerResponse r = client(t.url(), FAST).request(TORRENT).start();
            assertTrue(r.isSuccess(), address + ": " + r.getErrorMessage());
            List<String> peers = new ArrayList<>();
            r.getPeers().forEach(p -> peers.add(p.getInetAddress().getHostAddress() + " " + p.getPort()));
            String ip = address.contains(":") ? "0:0:0:0:0:0:0:2" : "127.0.0.2";
            assertEquals(List.of(ip + " 6881", ip + " 51413"), peers, address);
            assertEquals(1800, r.getInterval());
            assertEquals(3, r.getLeecherCount());
            assertEquals(4, r.getSeederCount());
        }
        assertEquals(2, answered.size(), "the session hears of the peers");
    }

    @Test
    void unansweredRequestsAreSentAgainAfterBaseTimesTwoToTheN() throws Exception {
        FakeUdpTracker t = tracker("127.0.0.1");
        t.drop.set(2); // the first connect and its first retransmission get no answer
        long t0 = System.nanoTime();
        TrackerResponse r = client(t.url(), FAST).request(TORRENT).start();
        assertTrue(r.isSuccess(), r.getErrorMessage());
        assertEquals(3, t.connectsAtNanos.size(), "connects at " + t.connectsAtNanos + ", announces " + t.announces);
        // measured from before the call: a late receive at the fake can only make these longer
        long second = (t.connectsAtNanos.get(1) - t0) / 1_000_000, third = (t.connectsAtNanos.get(2) - t0) / 1_000_000;
        assertTrue(second >= 95, "sent again after 15·2^0 s scaled to 100 ms: " + second + " ms");
        assertTrue(third >= 295, "and again 15·2^1 s scaled to 200 ms later: " + third + " ms");
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
    }

    @Test
    void aTrackerThatNeverAnswersIsAOneLineFailureAfterTheLastRetransmission() throws Exception {
        FakeUdpTracker t = tracker("127.0.0.1");
        t.drop.set(Integer.MAX_VALUE);
        long t0 = System.nanoTime();
        TrackerResponse r = client(t.url(), FAST).request(TORRENT).start();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(r.isSuccess());
        assertEquals("tracker " + t.url() + " did not answer the connect request (3 attempts)", r.getErrorMessage());
        assertEquals(3, t.connectsAtNanos.size());
        assertTrue(ms >= 690 && ms < 5000, "100 + 200 + 400 ms: " + ms);
    }

    @Test
    void anErrorAnswerIsShownAsOneLine() throws Exception {
        FakeUdpTracker t = tracker("127.0.0.1");
        t.override = (req, tid) -> ByteBuffer.wrap(req).getInt(8) == 1 ? List.of(FakeUdpTracker.error(tid, "torrent not\nregistered\r\n")) : null;
        TrackerResponse r = client(t.url(), FAST).request(TORRENT).start();
        assertFalse(r.isSuccess());
        assertEquals("tracker " + t.url() + " refused the announce: torrent not registered", r.getErrorMessage());
        assertEquals(2, t.connectsAtNanos.size(), "one more try with a fresh connection id");
    }

    @Test
    void aRestartedTrackerThatForgotOurConnectionIdIsConnectedToAgain() throws Exception {
        FakeUdpTracker t = tracker("127.0.0.1");
        UdpTrackerClient c = client(t.url(), FAST);
        assertTrue(c.request(TORRENT).start().isSuccess());
        t.forgetConnectionIds();
        TrackerResponse r = c.request(TORRENT).query();
        assertTrue(r.isSuccess(), r.getErrorMessage());
        assertEquals(2, t.connectsAtNanos.size());
    }

    @Test
    void malformedShortAndForeignAnswersAreOneLineFailuresNeverACrash() throws Exception {
        FakeUdpTracker t = tracker("127.0.0.1");
        String[] expected = {
                "answered a malformed packet: announce answer of 12 bytes (at least 20)",
                "answered a malformed packet: announce answer of 27 bytes: peers are not a whole number of 6-byte entries",
                "answered a malformed packet: unknown action 7",
                "answered a malformed packet: connect answer of 12 bytes (16 expected)",
                "answered an announce with a connect answer",
                "did not answer the announce request (3 attempts); 3 packet(s) from it ignored (wrong transaction id or too short)",
                "did not answer the announce request (3 attempts); 6 packet(s) from it ignored (wrong transaction id or too short)",
        };
        List<java.util.function.BiFunction<byte[], Integer, byte[]>> answers = java.util.Arrays.asList(
                (req, tid) -> ByteBuffer.allocate(12).putInt(1).putInt(tid).putInt(5).array(),
                (req, tid) -> ByteBuffer.allocate(27).putInt(1).putInt(tid).putInt(5).array(),
                (req, tid) -> ByteBuffer.allocate(30).putInt(7).putInt(tid).array(),
                null,
                (req, tid) -> ByteBuffer.allocate(16).putInt(0).putInt(tid).putLong(1).array(),
                (req, tid) -> ByteBuffer.allocate(20).putInt(1).putInt(tid + 1).putInt(5).array(),
                (req, tid) -> new byte[] {0, 0, 0, 1, 0});
        for (int i = 0; i < answers.size(); i++) {
            var f = answers.get(i);
            int k = i;
            t.override = (req, tid) -> {
                int action = ByteBuffer.wrap(req).getInt(8);
                if (k == 3 && action == 0) return List.of(ByteBuffer.allocate(12).putInt(0).putInt(tid).putInt(9).array());
                return action == 1 && f != null ? List.of(f.apply(req, tid)) : null;
            };
            TrackerResponse r = client(t.url(), FAST).request(TORRENT).start();
            assertFalse(r.isSuccess(), "answer " + i);
            String message = r.getErrorMessage();
            assertFalse(message.contains("\n"), message);
            if (k == 3) assertEquals("tracker " + t.url() + " answered a malformed packet: connect answer of 12 bytes (16 expected)", message);
            else assertEquals("tracker " + t.url() + " " + expected[i], message);
        }
    }

    @Test
    void unusableUrlsAndUnreachableTrackersAreFailedResponses() throws Exception {
        for (String url : new String[] {"udp://127.0.0.1/announce", "udp://:80", "udp://no.such.host.invalid:80/announce"}) {
            TrackerResponse r = client(url, FAST).request(TORRENT).start();
            assertFalse(r.isSuccess(), url);
            assertFalse(r.getErrorMessage().contains("\n"));
            assertTrue(r.getErrorMessage().contains(url), r.getErrorMessage());
        }
        int closedPort;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        TrackerResponse r = client("udp://127.0.0.1:" + closedPort + "/announce", FAST).request(TORRENT).start();
        assertFalse(r.isSuccess());
    }
}
