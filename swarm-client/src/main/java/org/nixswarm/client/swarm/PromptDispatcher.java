package org.nixswarm.client.swarm;

import bt.net.ConnectionKey;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.protocol.Message;
import bt.protocol.Piece;
import bt.torrent.TorrentRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves messages between Bt's peer connections and its per-peer workers, in place of Bt 1.10's
 * dispatcher, which differs in three ways that cost us:
 * <ul>
 * <li>It only polls: an idle loop sleeps at least 1 ms, so each hop of a piece's round trip
 * waits for the next poll on both sides (a 100 KB file from a connected peer took 4-6 ms from
 * "wanted" to its first block). Here the loop is woken by {@link Wakeup} when bytes arrive, the
 * data worker finishes a block or a piece check, or a file becomes wanted; it sleeps (up to 1 ms,
 * for what nobody signals) only after a few passes in a row moved nothing.</li>
 * <li>It never forgets a connection: the maps grow with every peer ever connected and each pass
 * walks them all.</li>
 * <li>A peer that reconnects under the same key gets a second consumer and supplier beside the
 * first, so each of its messages is handled twice. Here one connection key has one of each.</li>
 * </ul>
 * One thread, like Bt's: Bt's peer workers are not thread-safe. That thread never sleeps for a
 * rate limit: {@code --max-upload} is enforced by holding a connection's next Piece back while
 * the upload budget is in debt (its other messages wait behind it, in order; other connections
 * go on), {@code --max-download} by the {@link SelectingReceiver} not reading.
 */
final class PromptDispatcher implements IMessageDispatcher, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PromptDispatcher.class);
    /**
     * Passes made after one that moved nothing before sleeping: some of Bt's state changes take a
     * pass or two before they produce a message (an idle assignment refreshed by {@link BanAgent}
     * is dropped in one pass and replaced in the next), and a sleep between them costs a wake-up.
     */
    private static final int SETTLE_PASSES = 3;
    private static final long POLL = Wakeup.micros(1000);

    private final Map<ConnectionKey, Consumer<Message>> consumers = new ConcurrentHashMap<>();
    private final Map<ConnectionKey, Supplier<Message>> suppliers = new ConcurrentHashMap<>();
    private final IPeerConnectionPool pool;
    private final TorrentRegistry registry;
    private final Wakeup wakeup;
    private final TokenBucket upload;
    // a Piece that waits for the upload budget, per connection, with the connection it was made for (loop thread only)
    private final Map<ConnectionKey, Held> held = new java.util.HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    PromptDispatcher(IPeerConnectionPool pool, TorrentRegistry registry, Wakeup wakeup, String name) {
        this(pool, registry, wakeup, new TokenBucket(0), name);
    }

    /** {@code upload}: the {@code --max-upload} budget, charged for each Piece sent. */
    PromptDispatcher(IPeerConnectionPool pool, TorrentRegistry registry, Wakeup wakeup, TokenBucket upload, String name) {
        this.pool = pool;
        this.upload = upload;
        this.registry = registry;
        this.wakeup = wakeup;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void addMessageConsumer(ConnectionKey key, Consumer<Message> consumer) {
        consumers.put(key, consumer);
        wakeup.signal();
    }

    @Override
    public void addMessageSupplier(ConnectionKey key, Supplier<Message> supplier) {
        suppliers.put(key, supplier);
        wakeup.signal();
    }

    /** Connections the loop still walks (for tests: closed ones must go). */
    int routes() {
        return Math.max(consumers.size(), suppliers.size());
    }

    private void loop() {
        int quiet = 0;
        while (running) {
            int moved;
            try {
                moved = receive() + send();
            } catch (RuntimeException | Error e) {
                // this thread carries every peer message of the runtime: it must not die
                LOG.error("message dispatch failed; continuing", e);
                moved = 0;
            }
            if (moved > 0) {
                quiet = 0;
            } else if (++quiet >= SETTLE_PASSES && wakeup.await(POLL)) {
                if (org.nixswarm.client.net.Trace.on()) org.nixswarm.client.net.Trace.mark("bt", "dispatcher woke");
                // nothing moved in a few passes in a row: slept until something happened, or until
                // the next poll for what nobody signals (Bt's timers: keep-alives, choking rounds)
                quiet = 0;
            }
        }
    }

    private int receive() {
        int n = 0;
        for (Map.Entry<ConnectionKey, Consumer<Message>> e : consumers.entrySet()) {
            PeerConnection c = ready(consumers, e);
            if (c == null) continue;
            for (;;) {
                Message m;
                try {
                    m = c.readMessageNow();
                } catch (Exception ex) {
                    // a peer sending what cannot be decoded: the connection is of no further use
                    LOG.debug("unreadable message from {}: {}", e.getKey().getPeer(), ex.toString());
                    c.closeQuietly();
                    break;
                }
                if (m == null) break;
                n++;
                if (org.nixswarm.client.net.Trace.on()) org.nixswarm.client.net.Trace.mark("bt", "received " + m.getClass().getSimpleName());
                try {
                    e.getValue().accept(m);
                } catch (RuntimeException ex) {
                    LOG.warn("handling {} from {}: {}", m.getClass().getSimpleName(), e.getKey().getPeer(), ex.toString());
                }
            }
        }
        return n;
    }

    /** One message per connection and pass, as Bt does: a busy peer does not starve the others. */
    private int send() {
        int n = 0;
        boolean uploadDebt = upload.nanosUntilAvailable() > 0;
        for (Map.Entry<ConnectionKey, Supplier<Message>> e : suppliers.entrySet()) {
            PeerConnection c = ready(suppliers, e);
            Held h = held.get(e.getKey());
            if (h != null && (h.connection.isClosed() || c != null && c != h.connection)) {
                held.remove(e.getKey()); // made for a connection that is gone
                h = null;
            }
            if (c == null) continue;
            Message m;
            if (h != null) {
                if (uploadDebt) continue;
                held.remove(e.getKey());
                m = h.message;
            } else {
                try {
                    m = e.getValue().get();
                } catch (RuntimeException ex) {
                    LOG.warn("producing a message for {}: {}", e.getKey().getPeer(), ex.toString());
                    continue;
                }
                if (m == null) continue;
                if (uploadDebt && m instanceof Piece) {
                    held.put(e.getKey(), new Held(c, m));
                    continue;
                }
            }
            n++;
            if (m instanceof Piece p) {
                upload.charge(p.getLength());
                uploadDebt = upload.nanosUntilAvailable() > 0;
            }
            if (org.nixswarm.client.net.Trace.on()) org.nixswarm.client.net.Trace.mark("bt", "sending " + m.getClass().getSimpleName());
            try {
                c.postMessage(m);
            } catch (Exception ex) {
                LOG.debug("sending {} to {}: {}", m.getClass().getSimpleName(), e.getKey().getPeer(), ex.toString());
                c.closeQuietly();
            }
        }
        if (!held.isEmpty()) held.keySet().removeIf(k -> !suppliers.containsKey(k)); // routes dropped: their connections are gone
        return n;
    }

    private record Held(PeerConnection connection, Message message) {}

    /**
     * The route's connection if it is open and its torrent active; null otherwise, and a route
     * whose connection is gone is dropped: remove(key, value), so that a route put meanwhile for a
     * new connection under the same key stays.
     */
    private <T> PeerConnection ready(Map<ConnectionKey, T> routes, Map.Entry<ConnectionKey, T> route) {
        PeerConnection c = pool.getConnection(route.getKey());
        if (c == null || c.isClosed()) {
            routes.remove(route.getKey(), route.getValue());
            return null;
        }
        return registry.isSupportedAndActive(route.getKey().getTorrentId()) ? c : null;
    }

    @Override
    public void close() {
        running = false;
        wakeup.signal();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
