package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;
import bt.net.ConnectionHandler;
import bt.net.IConnectionHandlerFactory;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.protocol.Message;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Bt's handshake handlers, given a connection that notices the peer's handshake when it arrives.
 * Bt 1.10 waits for the handshake with {@code PeerConnection.readMessage(timeout)}, which checks
 * for a message and then sleeps 100 ms on a condition nothing signals: every new connection took
 * 100-130 ms on loopback, and the first fetch from each bundle waited for it. Here the wait polls
 * every 200 µs (only while a handshake is outstanding, a few per new peer).
 */
final class PromptHandshakes implements IConnectionHandlerFactory {
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final IConnectionHandlerFactory bt;

    PromptHandshakes(IConnectionHandlerFactory bt) {
        this.bt = bt;
    }

    @Override
    public ConnectionHandler getIncomingHandler() {
        ConnectionHandler h = bt.getIncomingHandler();
        return c -> h.handleConnection(new Handshaking(c));
    }

    @Override
    public ConnectionHandler getOutgoingHandler(TorrentId torrentId) {
        ConnectionHandler h = bt.getOutgoingHandler(torrentId);
        return c -> h.handleConnection(new Handshaking(c));
    }

    /** The connection as Bt's handshake handlers see it: everything passed on but the timed read. */
    static final class Handshaking implements PeerConnection {
        private final PeerConnection c;

        Handshaking(PeerConnection c) {
            this.c = c;
        }

        @Override
        public Message readMessage(long timeoutMillis) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            for (;;) {
                Message m = c.readMessageNow();
                if (m != null || c.isClosed()) return m;
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                LockSupport.parkNanos(Math.min(left, POLL_NANOS));
            }
        }

        @Override public Peer getRemotePeer() { return c.getRemotePeer(); }
        @Override public int getRemotePort() { return c.getRemotePort(); }
        @Override public TorrentId setTorrentId(TorrentId id) { return c.setTorrentId(id); }
        @Override public TorrentId getTorrentId() { return c.getTorrentId(); }
        @Override public Message readMessageNow() throws IOException { return c.readMessageNow(); }
        @Override public void postMessage(Message message) throws IOException { c.postMessage(message); }
        @Override public long getLastActive() { return c.getLastActive(); }
        @Override public void closeQuietly() { c.closeQuietly(); }
        @Override public boolean isClosed() { return c.isClosed(); }
        @Override public void close() throws IOException { c.close(); }
    }
}
