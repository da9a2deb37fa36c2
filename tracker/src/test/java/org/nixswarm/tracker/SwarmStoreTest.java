package org.nixswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SwarmStoreTest {
    private static byte[] v4(int i) {
        return new byte[] {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
    }

    @Test
    void peersThatMissTwoIntervalsExpireAndEmptySwarmsGo() {
        ManualClock clock = new ManualClock();
        SwarmStore store = new SwarmStore(100, 100, Duration.ofSeconds(200).toMillis(), clock);
        PeerSelection out = new PeerSelection(50);
        byte[] ih = Query.hash(1);
        store.announce(ih, Query.peerId(1), v4(1), 1000, false, Event.STARTED, 50, true, out);
        store.announce(Query.hash(2), Query.peerId(1), v4(1), 1000, false, Event.STARTED, 50, true, out);
        clock.advance(Duration.ofSeconds(150));
        store.announce(ih, Query.peerId(2), v4(2), 1000, true, Event.STARTED, 50, true, out);
        clock.advance(Duration.ofSeconds(100)); // peer 1 last seen 250 s ago, peer 2 100 s ago
        out.clear();
        store.announce(ih, Query.peerId(3), v4(3), 1000, false, Event.NONE, 50, true, out);
        assertEquals(1, out.count4(), "an expired peer is never handed out, even before the sweep");
        assertEquals(4, store.stats().seeders() + store.stats().leechers());
        assertEquals(2, store.expire(), "peer 1 in both swarms");
        assertEquals(1, store.swarmCount(), "the swarm whose only peer expired is gone");
        SwarmStore.Stats s = store.stats();
        assertEquals(1, s.seeders());
        assertEquals(1, s.leechers());
        clock.advance(Duration.ofSeconds(500));
        assertEquals(2, store.expire());
        assertEquals(new SwarmStore.Stats(0, 0, 0, 0), store.stats());
    }

    @Test
    void trackerSweepsExpiredPeersAndCountsThem() throws IOException {
        ManualClock clock = new ManualClock();
        try (Tracker t = Tracker.start(TrackerConfig.builder()
                .http(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).clock(clock)
                .interval(Duration.ofSeconds(60)).minInterval(Duration.ofSeconds(30)).ioThreads(1).build())) {
            HttpClient.get(t.httpAddress(), Query.announce(Query.hash(1), Query.peerId(1), 5000, 0).toString());
            clock.advance(Duration.ofSeconds(119));
            assertEquals(0, t.expireNow());
            clock.advance(Duration.ofSeconds(2));
            assertEquals(1, t.expireNow());
            assertTrue(HttpClient.get(t.httpAddress(), "/metrics").text().contains("nixswarm_tracker_expired_peers_total 1\n"));
            assertEquals(0, t.store().swarmCount());
        }
    }

    @Test
    void limitsBoundPeersPerSwarmAndSwarms() {
        SwarmStore store = new SwarmStore(3, 5, 60_000, new ManualClock());
        PeerSelection out = new PeerSelection(50);
        for (int i = 0; i < 8; i++) {
            SwarmStore.Outcome o = store.announce(Query.hash(1), Query.peerId(i), v4(i), 1000, false, Event.NONE, 50,
                    true, out);
            assertEquals(i < 5 ? SwarmStore.Outcome.OK : SwarmStore.Outcome.SWARM_FULL, o);
        }
        out.clear();
        store.announce(Query.hash(1), Query.peerId(99), v4(99), 1000, false, Event.NONE, 50, true, out);
        assertEquals(5, out.count4(), "a peer of a full swarm still gets peers");
        assertEquals(5, store.stats().leechers());
        assertEquals(SwarmStore.Outcome.OK, store.announce(Query.hash(1), Query.peerId(0), v4(0), 1000, true,
                Event.NONE, 50, true, out), "known peers of a full swarm are updated");
        assertEquals(1, store.stats().seeders());
        store.announce(Query.hash(2), Query.peerId(1), v4(1), 1000, false, Event.NONE, 50, true, out);
        store.announce(Query.hash(3), Query.peerId(1), v4(1), 1000, false, Event.NONE, 50, true, out);
        assertEquals(SwarmStore.Outcome.SWARM_LIMIT, store.announce(Query.hash(4), Query.peerId(1), v4(1), 1000, false,
                Event.NONE, 50, true, out));
        assertEquals(3, store.swarmCount());
        store.announce(Query.hash(3), Query.peerId(1), v4(1), 1000, false, Event.STOPPED, 50, true, out);
        assertEquals(SwarmStore.Outcome.OK, store.announce(Query.hash(4), Query.peerId(1), v4(1), 1000, false,
                Event.NONE, 50, true, out), "a stopped swarm frees its place");
    }

    @Test
    void swarmLimitAnswersAClearFailureOverHttp() throws IOException {
        try (Tracker t = Tracker.start(TrackerConfig.builder()
                .http(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).maxSwarms(2).maxPeersPerSwarm(2)
                .ioThreads(1).build())) {
            for (int i = 0; i < 2; i++) {
                HttpClient.get(t.httpAddress(), Query.announce(Query.hash(i), Query.peerId(1), 5000, 0).toString());
            }
            HttpClient.Response r = HttpClient.get(t.httpAddress(),
                    Query.announce(Query.hash(9), Query.peerId(1), 5000, 0).toString());
            assertEquals("tracker is full: it already tracks 2 swarms, try again later", r.failure());
            for (int p = 1; p <= 3; p++) {
                HttpClient.get(t.httpAddress(), Query.announce(Query.hash(0), Query.peerId(p), 5000 + p, 5).toString());
            }
            assertEquals(2 + 1, t.store().stats().leechers() + t.store().stats().seeders(), "2 in swarm 0, 1 in swarm 1");
            assertEquals(2, t.metrics().errors(ErrorKind.SWARM_FULL), "ports 5002 and 5003 were not stored");
        }
    }

    /** Random operations against a simple model: the packed tables (and their index) must agree. */
    @Test
    void packedTablesAgreeWithAModelUnderRandomOperations() {
        Random random = new Random(42);
        ManualClock clock = new ManualClock();
        SwarmStore store = new SwarmStore(1000, 100_000, 3_600_000, clock);
        Map<Integer, Map<Long, Boolean>> model = new HashMap<>(); // swarm → (address·port → seeder)
        PeerSelection out = new PeerSelection(500);
        for (int op = 0; op < 20_000; op++) {
            int swarm = random.nextInt(8);
            int peer = random.nextInt(swarm == 0 ? 1500 : 40);
            int want = random.nextInt(20) == 0 ? 500 : 30;
            byte[] address = peer % 3 == 0 ? v6(peer) : v4(peer);
            int port = 1000 + peer % 7;
            boolean seeder = random.nextInt(3) == 0;
            Event event = random.nextInt(10) == 0 ? Event.STOPPED : Event.NONE;
            out.clear();
            store.announce(Query.hash(swarm), Query.peerId(peer), address, port, seeder, event, want, true, out);
            Map<Long, Boolean> peers = model.computeIfAbsent(swarm, k -> new HashMap<>());
            long key = (long) peer << 16 | port;
            boolean self = peers.containsKey(key) || event != Event.STOPPED;
            if (event == Event.STOPPED) peers.remove(key);
            else peers.put(key, seeder);
            long seeders = seederCount(peers);
            assertEquals(seeders, out.complete(), "op " + op);
            assertEquals(peers.size() - seeders, out.incomplete(), "op " + op);
            if (event != Event.STOPPED) {
                int expected = Math.min(want, peers.size() - (self ? 1 : 0));
                assertEquals(expected, out.count4() + out.count6(), "op " + op);
                Set<String> distinct = new HashSet<>();
                for (int i = 0; i < out.count4(); i++) {
                    distinct.add(java.util.Arrays.toString(java.util.Arrays.copyOfRange(out.v4(), i * 26, i * 26 + 6)));
                }
                assertEquals(out.count4(), distinct.size(), "no peer twice");
            }
        }
        long total = model.values().stream().mapToLong(Map::size).sum();
        SwarmStore.Stats s = store.stats();
        assertEquals(total, s.seeders() + s.leechers());
        assertEquals(model.values().stream().filter(m -> !m.isEmpty()).count(), s.swarms());
    }

    private static long seederCount(Map<Long, Boolean> peers) {
        long n = 0;
        for (boolean b : peers.values()) if (b) n++;
        return n;
    }

    private static byte[] v6(int i) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[13] = (byte) (i >>> 16);
        a[14] = (byte) (i >>> 8);
        a[15] = (byte) i;
        return a;
    }
}
