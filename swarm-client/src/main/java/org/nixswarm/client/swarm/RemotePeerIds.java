package org.nixswarm.client.swarm;

import bt.net.ConnectionKey;
import bt.net.HandshakeHandler;
import bt.net.PeerConnection;
import bt.net.PeerId;
import bt.protocol.Handshake;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The peer id each connection's remote side sent in its handshake. Bt 1.10 reads it and drops it;
 * the duplicate-connection tie-break ({@link TieBreakingConnectionPool}) needs it.
 */
final class RemotePeerIds implements HandshakeHandler {
    private final Map<ConnectionKey, PeerId> ids = new ConcurrentHashMap<>();

    @Override
    public void processIncomingHandshake(PeerConnection connection, Handshake peerHandshake) {
        if (connection.getTorrentId() != null) ids.put(key(connection), peerHandshake.getPeerId());
    }

    @Override
    public void processOutgoingHandshake(Handshake handshake) {
        // nothing to add
    }

    Optional<PeerId> of(PeerConnection connection) {
        return connection.getTorrentId() == null ? Optional.empty() : Optional.ofNullable(ids.get(key(connection)));
    }

    int size() {
        return ids.size();
    }

    /** Forgets the connections that are gone. */
    void retainOnly(Predicate<ConnectionKey> live) {
        ids.keySet().removeIf(live.negate());
    }

    /** Address, the connection's own remote port and torrent: one TCP connection (see {@link ConnectionKey#equals}). */
    private static ConnectionKey key(PeerConnection c) {
        return new ConnectionKey(c.getRemotePeer(), c.getRemotePort(), c.getTorrentId());
    }
}
