package org.nixswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Over real IPv6 sockets on ::1: BEP 7 peers6 over HTTP, 18-byte peers over UDP (BEP 15). */
class Ipv6Test {
    private static final byte[] LOOPBACK6 = new byte[16];

    static {
        LOOPBACK6[15] = 1;
    }

    private static InetAddress loopback6() {
        try {
            InetAddress a = InetAddress.getByName("::1");
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(a, 0))) {
                return a;
            }
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void ipv6PeersComeInPeers6AndAsEighteenBytePeersOverUdp() throws IOException {
        InetAddress v6 = loopback6();
        assumeTrue(v6 != null, "no IPv6 loopback on this machine");
        try (Tracker t = Tracker.start(TrackerConfig.builder().http(new InetSocketAddress(v6, 0))
                .udp(new InetSocketAddress(v6, 0)).ioThreads(1).build())) {
            byte[] ih = Query.hash(6001);
            HttpClient.get(t.httpAddress(), Query.announce(ih, Query.peerId(1), 7001, 10).toString());
            HttpClient.Response r = HttpClient.get(t.httpAddress(), Query.announce(ih, Query.peerId(2), 7002, 10).toString());
            assertEquals(0, r.bytes("peers").length);
            byte[] peers6 = r.bytes("peers6");
            assertEquals(18, peers6.length);
            assertArrayEquals(LOOPBACK6, Arrays.copyOf(peers6, 16));
            assertEquals(7001, ((peers6[16] & 0xff) << 8) | (peers6[17] & 0xff));

            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(v6, 0))) {
                s.setSoTimeout(5000);
                ByteBuffer connect = exchange(s, t.udpAddress(),
                        ByteBuffer.allocate(16).putLong(UdpClient.PROTOCOL_ID).putInt(0).putInt(1).array());
                long id = connect.getLong(8);
                ByteBuffer a = exchange(s, t.udpAddress(), UdpClient.announcePacket(id, 2, ih, Query.peerId(3), 10, 2, 10, 7003));
                assertEquals(1, a.getInt(0));
                assertEquals(20 + 2 * 18, a.limit(), "two IPv6 peers, 18 bytes each");
                assertArrayEquals(LOOPBACK6, Arrays.copyOfRange(a.array(), 20, 36));
            }
        }
    }

    private static ByteBuffer exchange(DatagramSocket s, InetSocketAddress to, byte[] packet) throws IOException {
        s.send(new DatagramPacket(packet, packet.length, to));
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return ByteBuffer.wrap(Arrays.copyOf(buf, p.getLength()));
    }
}
