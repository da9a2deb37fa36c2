package org.nixswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UdpTrackerTest {
    private static final ManualClock CLOCK = new ManualClock();
    private static Tracker tracker;

    @BeforeAll
    static void start() {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        tracker = Tracker.start(TrackerConfig.builder().udp(any).http(any).clock(CLOCK)
                .interval(Duration.ofSeconds(900)).defaultNumwant(10).maxNumwant(30).ioThreads(1).build());
    }

    @AfterAll
    static void stop() {
        if (tracker != null) tracker.close();
    }

    @Test
    void connectAnnounceAndScrape() throws IOException {
        byte[] ih = Query.hash(5001);
        try (UdpClient a = new UdpClient(tracker.udpAddress()); UdpClient b = new UdpClient(tracker.udpAddress())) {
            long ca = a.connect();
            long cb = b.connect();
            assertNotEquals(ca, cb, "ids are bound to the client's address and port");
            int tid = a.nextTid();
            ByteBuffer r = a.exchange(UdpClient.announcePacket(ca, tid, ih, Query.peerId(1), 0, 2, -1, 6881));
            assertEquals(1, r.getInt(0));
            assertEquals(tid, r.getInt(4));
            assertEquals(900, r.getInt(8));
            assertEquals(0, r.getInt(12), "leechers");
            assertEquals(1, r.getInt(16), "seeders (the announcer itself)");
            assertEquals(20, r.limit(), "no peers but itself");
            r = b.exchange(UdpClient.announcePacket(cb, b.nextTid(), ih, Query.peerId(2), 500, 0, 50, 6882));
            assertEquals(1, r.getInt(12));
            assertEquals(1, r.getInt(16));
            assertEquals(26, r.limit());
            byte[] peer = new byte[6];
            r.position(20);
            r.get(peer);
            assertArrayEquals(new byte[] {127, 0, 0, 1, (byte) (6881 >> 8), (byte) 6881}, peer);
            // completed, then a scrape of that swarm and an unknown one
            b.exchange(UdpClient.announcePacket(cb, b.nextTid(), ih, Query.peerId(2), 0, 1, 0, 6882));
            int st = b.nextTid();
            ByteBuffer s = b.exchange(UdpClient.scrapePacket(cb, st, ih, Query.hash(5999)));
            assertEquals(2, s.getInt(0));
            assertEquals(st, s.getInt(4));
            assertEquals(8 + 24, s.limit());
            assertEquals(2, s.getInt(8), "seeders");
            assertEquals(1, s.getInt(12), "completed");
            assertEquals(0, s.getInt(16), "leechers");
            assertEquals(0, s.getInt(20));
            // stopped removes the peer
            r = b.exchange(UdpClient.announcePacket(cb, b.nextTid(), ih, Query.peerId(2), 0, 3, 50, 6882));
            assertEquals(20, r.limit());
            assertEquals(1, r.getInt(16));
        }
        assertTrue(tracker.metrics().announces(TrackerMetrics.Transport.UDP) >= 4);
    }

    @Test
    void udpAndHttpPeersShareSwarms() throws IOException {
        byte[] ih = Query.hash(5002);
        HttpClient.get(tracker.httpAddress(), Query.announce(ih, Query.peerId(9), 7009, 10).toString());
        try (UdpClient a = new UdpClient(tracker.udpAddress())) {
            long c = a.connect();
            ByteBuffer r = a.exchange(UdpClient.announcePacket(c, a.nextTid(), ih, Query.peerId(1), 10, 2, -1, 6891));
            assertEquals(26, r.limit());
            assertEquals(7009, r.getShort(24) & 0xffff);
        }
    }

    @Test
    void numwantIsCappedAndDefaulted() throws IOException {
        byte[] ih = Query.hash(5003);
        try (UdpClient a = new UdpClient(tracker.udpAddress())) {
            long c = a.connect();
            for (int i = 0; i < 40; i++) {
                a.exchange(UdpClient.announcePacket(c, a.nextTid(), ih, Query.peerId(i), 10, 2, 0, 10_000 + i));
            }
            assertEquals(20 + 6 * 30, a.exchange(UdpClient.announcePacket(c, a.nextTid(), ih, Query.peerId(99), 10, 0,
                    Integer.MAX_VALUE, 11_000)).limit());
            assertEquals(20 + 6 * 10, a.exchange(UdpClient.announcePacket(c, a.nextTid(), ih, Query.peerId(99), 10, 0,
                    -1, 11_000)).limit());
        }
    }

    @Test
    void connectionIdsExpireAndCannotBeForgedOrMoved() throws IOException {
        byte[] ih = Query.hash(5004);
        try (UdpClient a = new UdpClient(tracker.udpAddress()); UdpClient other = new UdpClient(tracker.udpAddress())) {
            long c = a.connect();
            assertEquals("connection id expired or invalid, connect again", UdpClient.errorMessage(
                    a.exchange(UdpClient.announcePacket(c + 1, a.nextTid(), ih, Query.peerId(1), 0, 0, 5, 1))));
            assertEquals("connection id expired or invalid, connect again", UdpClient.errorMessage(
                    other.exchange(UdpClient.announcePacket(c, other.nextTid(), ih, Query.peerId(1), 0, 0, 5, 1))),
                    "another address:port cannot replay the id");
            CLOCK.advance(Duration.ofSeconds(61));
            assertEquals(1, a.exchange(UdpClient.announcePacket(c, a.nextTid(), ih, Query.peerId(1), 0, 0, 5, 1))
                    .getInt(0), "still good in the next minute");
            CLOCK.advance(Duration.ofSeconds(60));
            int tid = a.nextTid();
            ByteBuffer r = a.exchange(UdpClient.announcePacket(c, tid, ih, Query.peerId(1), 0, 0, 5, 1));
            assertEquals(3, r.getInt(0));
            assertEquals(tid, r.getInt(4), "the error answers the transaction");
            assertEquals("connection id expired or invalid, connect again", UdpClient.errorMessage(r));
        }
    }

    @Test
    void malformedPacketsGetErrorsAndChangeNothing() throws IOException {
        byte[] ih = Query.hash(5005);
        SwarmStore.Stats before = tracker.store().stats();
        try (UdpClient a = new UdpClient(tracker.udpAddress())) {
            long c = a.connect();
            assertEquals("packet of 3 bytes is too short for a BEP 15 request (16 at least)",
                    UdpClient.errorMessage(a.exchange(new byte[] {1, 2, 3})));
            assertEquals("connect must carry the protocol id 0x41727101980", UdpClient.errorMessage(
                    a.exchange(ByteBuffer.allocate(16).putLong(1234).putInt(0).putInt(7).array())));
            assertEquals("unknown action 9", UdpClient.errorMessage(
                    a.exchange(ByteBuffer.allocate(16).putLong(c).putInt(9).putInt(7).array())));
            byte[] full = UdpClient.announcePacket(c, 5, ih, Query.peerId(1), 0, 2, 5, 6881);
            assertEquals("announce must be 98 bytes, got 60", UdpClient.errorMessage(
                    a.exchange(java.util.Arrays.copyOf(full, 60))));
            assertEquals("event must be 0 to 3, got 7", UdpClient.errorMessage(
                    a.exchange(UdpClient.announcePacket(c, 5, ih, Query.peerId(1), 0, 7, 5, 6881))));
            assertEquals("port must be from 1 to 65535, got 0", UdpClient.errorMessage(
                    a.exchange(UdpClient.announcePacket(c, 5, ih, Query.peerId(1), 0, 2, 5, 0))));
            assertEquals("left must not be negative, got -1", UdpClient.errorMessage(
                    a.exchange(UdpClient.announcePacket(c, 5, ih, Query.peerId(1), -1, 2, 5, 6881))));
            assertEquals("scrape needs at least one infohash", UdpClient.errorMessage(
                    a.exchange(UdpClient.scrapePacket(c, 5))));
            assertEquals("scrape must carry whole 20-byte infohashes, got 25 bytes", UdpClient.errorMessage(
                    a.exchange(java.util.Arrays.copyOf(UdpClient.scrapePacket(c, 5, ih, ih), 16 + 25))));
            byte[][] many = new byte[75][];
            java.util.Arrays.fill(many, ih);
            assertEquals("a scrape may name at most 74 infohashes, got 75", UdpClient.errorMessage(
                    a.exchange(UdpClient.scrapePacket(c, 5, many))));
        }
        assertEquals(before, tracker.store().stats());
        assertTrue(tracker.metrics().errors(ErrorKind.UDP_MALFORMED) >= 4);
    }

    @Test
    void manyClientsGetDistinctIds() throws IOException {
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            try (UdpClient a = new UdpClient(tracker.udpAddress())) {
                ids.add(a.connect());
            }
        }
        assertEquals(20, ids.size());
        assertTrue(tracker.metrics().connects() >= 20);
    }
}
