package org.nixswarm.client.swarm;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one UDP socket all UDP trackers of the runtime are asked through. A receiver thread hands
 * each answer to the request waiting for its tracker address and transaction id; anything else
 * (a late answer to an abandoned request, a packet too short to carry a transaction id, another
 * sender) is dropped and counted per source, so a failing announce can say what it saw.
 */
final class UdpTrackerSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTrackerSocket.class);

    private record Key(InetSocketAddress from, int transactionId) {}

    private final DatagramSocket socket;
    private final Map<Key, CompletableFuture<byte[]>> waiting = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, AtomicInteger> ignored = new ConcurrentHashMap<>();
    private final Thread receiver;

    UdpTrackerSocket() throws SocketException {
        // the wildcard, so that IPv4 and IPv6 trackers both work; only answers are ever received
        this.socket = new DatagramSocket(new InetSocketAddress(0));
        this.receiver = new Thread(this::receive, "nix-swarm-udp-tracker");
        receiver.setDaemon(true);
        receiver.start();
    }

    /** The next answer from {@code tracker} carrying {@code transactionId}; {@link #forget} it when giving up. */
    CompletableFuture<byte[]> expect(InetSocketAddress tracker, int transactionId) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        waiting.put(new Key(tracker, transactionId), f);
        return f;
    }

    void forget(InetSocketAddress tracker, int transactionId) {
        waiting.remove(new Key(tracker, transactionId));
    }

    void send(InetSocketAddress tracker, byte[] packet) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length, tracker));
    }

    /** Packets from {@code tracker} that answered nothing being waited for. */
    int ignoredFrom(InetSocketAddress tracker) {
        AtomicInteger n = ignored.get(tracker);
        return n == null ? 0 : n.get();
    }

    private void receive() {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!socket.isClosed()) {
            try {
                p.setLength(buf.length);
                socket.receive(p);
            } catch (IOException e) {
                if (!socket.isClosed()) LOG.debug("UDP tracker socket: {}", e.getMessage());
                continue;
            }
            InetSocketAddress from = new InetSocketAddress(p.getAddress(), p.getPort());
            OptionalInt tid = UdpTrackerMessages.transactionId(buf, p.getLength());
            CompletableFuture<byte[]> f = tid.isPresent() ? waiting.remove(new Key(from, tid.getAsInt())) : null;
            if (f != null) {
                f.complete(Arrays.copyOf(buf, p.getLength()));
            } else {
                if (ignored.size() > 1024) ignored.clear(); // only a diagnostic: bounded
                ignored.computeIfAbsent(from, k -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        socket.close();
        try {
            receiver.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waiting.values().forEach(f -> f.cancel(false));
        waiting.clear();
    }
}
