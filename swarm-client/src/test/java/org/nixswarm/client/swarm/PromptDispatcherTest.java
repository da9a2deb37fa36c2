package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.IPeerConnectionPool;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.protocol.Have;
import bt.protocol.Message;
import bt.torrent.TorrentRegistry;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class PromptDispatcherTest {
    private static final TorrentId TORRENT = TorrentId.fromBytes(new byte[20]);

    private final Map<ConnectionKey, FakeConnection> connections = new ConcurrentHashMap<>();
    private final Set<TorrentId> active = ConcurrentHashMap.newKeySet();

    private final IPeerConnectionPool pool = (IPeerConnectionPool) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {IPeerConnectionPool.class}, (p, m, a) -> {
                if (m.getName().equals("getConnection") && a.length == 1) return connections.get((ConnectionKey) a[0]);
                throw new UnsupportedOperationException(m.getName());
            });
    private final TorrentRegistry registry = (TorrentRegistry) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {TorrentRegistry.class}, (p, m, a) -> {
                if (m.getName().equals("isSupportedAndActive")) return active.contains((TorrentId) a[0]);
                throw new UnsupportedOperationException(m.getName());
            });

    @Test
    void aPeerThatReconnectsUnderTheSameKeyHasEachMessageHandledOnce() throws Exception {
        active.add(TORRENT);
        ConnectionKey key = key(6881);
        AtomicInteger old = new AtomicInteger(), current = new AtomicInteger();
        try (PromptDispatcher d = dispatcher()) {
            FakeConnection first = connect(key);
            d.addMessageConsumer(key, m -> old.incrementAndGet());
            first.closeQuietly();
            FakeConnection second = connect(key);
            // Bt registers the new connection's worker beside the old one; Bt 1.10 then calls both
            d.addMessageConsumer(key, m -> current.incrementAndGet());
            second.incoming.add(new Have(1));
            second.incoming.add(new Have(2));
            await(() -> current.get() == 2, "both messages handled");
            Thread.sleep(50); // further passes of the loop must not deliver them again
            assertEquals(2, current.get());
            assertEquals(0, old.get(), "the replaced consumer got messages");
        }
    }

    @Test
    void closedConnectionsAreForgotten() throws Exception {
        active.add(TORRENT);
        try (PromptDispatcher d = dispatcher()) {
            for (int port = 1000; port < 1200; port++) {
                ConnectionKey k = key(port);
                connect(k);
                d.addMessageConsumer(k, m -> {});
                d.addMessageSupplier(k, () -> null);
            }
            assertEquals(200, d.routes());
            connections.values().forEach(FakeConnection::closeQuietly);
            await(() -> d.routes() == 0, "routes of closed connections dropped");
        }
    }

    @Test
    void messagesOfAnInactiveTorrentWaitUntilItIsActive() throws Exception {
        ConnectionKey key = key(6881);
        AtomicInteger handled = new AtomicInteger();
        try (PromptDispatcher d = dispatcher()) {
            FakeConnection c = connect(key);
            d.addMessageConsumer(key, m -> handled.incrementAndGet());
            c.incoming.add(new Have(1));
            Thread.sleep(50);
            assertEquals(0, handled.get(), "a message of an inactive torrent was handled");
            active.add(TORRENT);
            await(() -> handled.get() == 1, "the message handled once the torrent is active");
        }
    }

    @Test
    void aConnectionThatCannotBeDecodedIsClosedAndDropped() throws Exception {
        active.add(TORRENT);
        ConnectionKey key = key(6881);
        try (PromptDispatcher d = dispatcher()) {
            FakeConnection c = connect(key);
            c.undecodable = true;
            d.addMessageConsumer(key, m -> {});
            await(c::isClosed, "the connection closed");
            await(() -> d.routes() == 0, "its route dropped");
        }
    }

    @Test
    void suppliedMessagesGoOutOnePerConnectionAndPass() throws Exception {
        active.add(TORRENT);
        ConnectionKey a = key(1), b = key(2);
        try (PromptDispatcher d = dispatcher()) {
            FakeConnection ca = connect(a), cb = connect(b);
            AtomicInteger left = new AtomicInteger(1000);
            // a peer with endless messages does not starve the other
            d.addMessageSupplier(a, () -> left.decrementAndGet() > 0 ? new Have(left.get()) : null);
            d.addMessageSupplier(b, () -> cb.sent.isEmpty() ? new Have(7) : null);
            await(() -> !cb.sent.isEmpty(), "b's message sent");
            assertTrue(ca.sent.size() < 1000, "b waited for all of a's messages");
            await(() -> ca.sent.size() == 999, "all of a's messages sent");
        }
    }

    private PromptDispatcher dispatcher() {
        PromptDispatcher d = new PromptDispatcher(pool, registry, new Wakeup(), "test-dispatcher");
        d.start();
        return d;
    }

    private static ConnectionKey key(int port) {
        return new ConnectionKey(InetPeer.build(InetAddress.getLoopbackAddress(), port), port, TORRENT);
    }

    private FakeConnection connect(ConnectionKey key) {
        FakeConnection c = new FakeConnection(key);
        connections.put(key, c);
        return c;
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(2);
        }
    }

    private final class FakeConnection implements PeerConnection {
        final ConnectionKey key;
        final Queue<Message> incoming = new ConcurrentLinkedQueue<>();
        final Queue<Message> sent = new ConcurrentLinkedQueue<>();
        volatile boolean closed, undecodable;

        FakeConnection(ConnectionKey key) {
            this.key = key;
        }

        @Override public Message readMessageNow() throws IOException {
            if (undecodable) throw new IOException("garbage on the wire");
            return incoming.poll();
        }
        @Override public Message readMessage(long timeout) { throw new UnsupportedOperationException(); }
        @Override public void postMessage(Message m) { sent.add(m); }
        @Override public Peer getRemotePeer() { return key.getPeer(); }
        @Override public int getRemotePort() { return key.getRemotePort(); }
        @Override public TorrentId setTorrentId(TorrentId id) { return TORRENT; }
        @Override public TorrentId getTorrentId() { return TORRENT; }
        @Override public long getLastActive() { return 0; }
        @Override public void closeQuietly() {
            closed = true;
            connections.remove(key, this);
        }
        @Override public boolean isClosed() { return closed; }
        @Override public void close() { closeQuietly(); }
    }
}
