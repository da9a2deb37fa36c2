package org.nixswarm.tracker;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A BEP 15 client on one datagram socket. */
final class UdpClient implements AutoCloseable {
    static final long PROTOCOL_ID = 0x41727101980L;

    private final DatagramSocket socket;
    private final InetSocketAddress tracker;
    private int tid = 1000;

    UdpClient(InetSocketAddress tracker) throws IOException {
        this.tracker = tracker;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(5000);
    }

    int localPort() {
        return socket.getLocalPort();
    }

    int nextTid() {
        return ++tid;
    }

    void send(byte[] packet) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length, tracker));
    }

    /** The next datagram, or null on timeout. */
    ByteBuffer receive() throws IOException {
        byte[] buf = new byte[8192];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return ByteBuffer.wrap(Arrays.copyOf(buf, p.getLength()));
    }

    ByteBuffer exchange(byte[] packet) throws IOException {
        send(packet);
        ByteBuffer r = receive();
        if (r == null) throw new IOException("no answer from the tracker");
        return r;
    }

    long connect() throws IOException {
        int t = nextTid();
        ByteBuffer r = exchange(ByteBuffer.allocate(16).putLong(PROTOCOL_ID).putInt(0).putInt(t).array());
        if (r.getInt(0) != 0) throw new IOException("connect failed: " + errorMessage(r));
        if (r.getInt(4) != t) throw new IOException("wrong transaction id");
        return r.getLong(8);
    }

    static byte[] announcePacket(long connectionId, int tid, byte[] infoHash, byte[] peerId, long left, int event,
            int numwant, int port) {
        return ByteBuffer.allocate(98).putLong(connectionId).putInt(1).putInt(tid).put(infoHash).put(peerId)
                .putLong(0).putLong(left).putLong(0).putInt(event).putInt(0).putInt(42).putInt(numwant)
                .putShort((short) port).array();
    }

    static byte[] scrapePacket(long connectionId, int tid, byte[]... hashes) {
        ByteBuffer b = ByteBuffer.allocate(16 + 20 * hashes.length).putLong(connectionId).putInt(2).putInt(tid);
        for (byte[] h : hashes) b.put(h);
        return b.array();
    }

    static String errorMessage(ByteBuffer r) {
        if (r.getInt(0) != 3) return null;
        return new String(r.array(), 8, r.limit() - 8, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        socket.close();
    }
}
