package org.nixswarm.client.swarm;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A tiny BEP 15 tracker on a loopback address for tests: hands out connection ids, checks them,
 * answers announces with the other peers that announced (from its own address family), and records
 * every request. {@link #override} replaces its answers (null: behave normally), {@link #drop}
 * makes it ignore that many requests first.
 */
public final class FakeUdpTracker implements AutoCloseable {
    /** One announce as the tracker saw it. */
    public record Announce(long connectionId, int transactionId, String infoHash, byte[] peerId, long downloaded, long left,
                           long uploaded, int event, int key, int numWant, int port, long atNanos) {}

    private final DatagramSocket socket;
    private final Thread thread;
    public final List<Announce> announces = new CopyOnWriteArrayList<>();
    public final List<Long> connectsAtNanos = new CopyOnWriteArrayList<>();
    private final Set<Long> ids = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<Integer>> swarms = new ConcurrentHashMap<>();
    public final AtomicInteger drop = new AtomicInteger();
    /** (request, its transaction id) to the packets to send back instead of the normal answer, or null. */
    public volatile BiFunction<byte[], Integer, List<byte[]>> override;
    public volatile int interval = 1;

    public FakeUdpTracker(InetAddress address) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(address, 0));
        thread = new Thread(this::serve, "fake-udp-tracker");
        thread.setDaemon(true);
        thread.start();
    }

    public String url() {
        InetAddress a = socket.getLocalAddress();
        String host = a.getAddress().length == 16 ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return "udp://" + host + ":" + socket.getLocalPort() + "/announce";
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                continue;
            }
            byte[] req = Arrays.copyOf(buf, p.getLength());
            if (req.length < 16) continue;
            ByteBuffer b = ByteBuffer.wrap(req);
            long first = b.getLong();
            int action = b.getInt();
            int tid = b.getInt();
            if (action == 0) connectsAtNanos.add(System.nanoTime());
            else if (action == 1 && req.length >= 98) record(first, tid, b);
            if (drop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) continue;
            BiFunction<byte[], Integer, List<byte[]>> o = override;
            List<byte[]> out = o == null ? null : o.apply(req, tid);
            if (out == null) out = List.of(answer(first, action, tid, req));
            for (byte[] a : out) {
                try {
                    socket.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
                } catch (IOException ignored) {
                    // the client went away
                }
            }
        }
    }

    private void record(long connectionId, int tid, ByteBuffer b) {
        byte[] ih = new byte[20], pid = new byte[20];
        b.get(ih).get(pid);
        long down = b.getLong(), left = b.getLong(), up = b.getLong();
        int event = b.getInt();
        b.getInt(); // ip
        int key = b.getInt(), want = b.getInt();
        int port = b.getShort() & 0xffff;
        announces.add(new Announce(connectionId, tid, HexFormat.of().formatHex(ih), pid, down, left, up, event, key, want, port,
                System.nanoTime()));
    }

    private byte[] answer(long first, int action, int tid, byte[] req) {
        if (action == 0) {
            long id = java.util.concurrent.ThreadLocalRandom.current().nextLong();
            ids.add(id);
            return ByteBuffer.allocate(16).putInt(0).putInt(tid).putLong(id).array();
        }
        if (action != 1 || req.length < 98) return error(tid, "bad request");
        if (!ids.contains(first)) return error(tid, "Connection ID mismatch.");
        Announce a = announces.get(announces.size() - 1);
        Set<Integer> ports = swarms.computeIfAbsent(a.infoHash(), k -> ConcurrentHashMap.newKeySet());
        if (a.event() == 3) ports.remove(a.port());
        else ports.add(a.port());
        byte[] self = socket.getLocalAddress().getAddress();
        List<Integer> others = new ArrayList<>(ports);
        others.remove((Integer) a.port());
        ByteBuffer out = ByteBuffer.allocate(20 + others.size() * (self.length + 2));
        out.putInt(1).putInt(tid).putInt(interval).putInt(ports.size()).putInt(0);
        for (int port : others) out.put(self).putShort((short) port);
        return out.array();
    }

    /** Forgets every connection id handed out (as a restarted tracker would). */
    public void forgetConnectionIds() {
        ids.clear();
    }

    public static byte[] error(int tid, String message) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + m.length).putInt(3).putInt(tid).put(m).array();
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
