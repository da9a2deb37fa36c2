package org.nixswarm.client.swarm;

import bt.event.EventSink;
import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.net.PeerConnectionPool;
import bt.net.PeerId;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.service.IdentityService;
import com.google.inject.Inject;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;

/**
 * Bt's connection pool with a deterministic answer to a simultaneous open. When two peers dial
 * each other at once, each ends up with an outgoing and an incoming connection to the other; Bt
 * 1.10 always closes the incoming one, on both sides, so both connections die. Here both sides
 * keep the connection initiated by the peer with the lower peer id (unsigned byte order), which
 * both of them know from the handshakes: exactly one connection survives.
 */
final class TieBreakingConnectionPool extends PeerConnectionPool {
    private final byte[] localId;
    private final RemotePeerIds remoteIds;

    @Inject
    TieBreakingConnectionPool(EventSink eventSink, IRuntimeLifecycleBinder lifecycleBinder, Config config, IdentityService identity,
                              RemotePeerIds remoteIds) {
        super(eventSink, lifecycleBinder, config);
        this.localId = identity.getLocalPeerId().getBytes();
        this.remoteIds = remoteIds;
    }

    /** A connection this side dialed: its remote port is the peer's listening port. */
    static boolean outgoing(PeerConnection c) {
        Peer p = c.getRemotePeer();
        return !p.isPortUnknown() && c.getRemotePort() == p.getPort();
    }

    /**
     * Whether, of two connections with the peer of {@code any}, the one this side dialed is kept:
     * true when our peer id is the lower. Unknown ids: Bt's own choice (the outgoing one).
     */
    boolean keepOutgoing(PeerConnection any, PeerConnection other) {
        Optional<PeerId> remote = remoteIds.of(any).or(() -> remoteIds.of(other));
        return remote.isEmpty() || Arrays.compareUnsigned(localId, remote.get().getBytes()) < 0;
    }

    /** The open connection the peer listening on {@code address:port} dialed to us, if any. */
    PeerConnection incomingFrom(TorrentId torrent, InetAddress address, int port) {
        PeerConnection[] found = new PeerConnection[1];
        visitConnections(torrent, c -> {
            Peer p = c.getRemotePeer();
            if (!c.isClosed() && !outgoing(c) && !p.isPortUnknown() && p.getPort() == port && p.getInetAddress().equals(address)) {
                found[0] = c;
            }
        });
        return found[0];
    }

    private PeerConnection outgoingTo(TorrentId torrent, InetAddress address, int port) {
        PeerConnection[] found = new PeerConnection[1];
        visitConnections(torrent, c -> {
            if (!c.isClosed() && outgoing(c) && c.getRemotePort() == port && c.getRemotePeer().getInetAddress().equals(address)) {
                found[0] = c;
            }
        });
        return found[0];
    }

    @Override
    public PeerConnection addConnectionIfAbsent(PeerConnection connection) {
        if (remoteIds.size() > 2 * size() + 64) remoteIds.retainOnly(k -> getConnection(k) != null);
        if (outgoing(connection)) {
            synchronized (this) {
                // the peer's connection to us already told us its port (Bt would keep it, closing ours)
                PeerConnection in = incomingFrom(connection.getTorrentId(), connection.getRemotePeer().getInetAddress(),
                        connection.getRemotePeer().getPort());
                if (in != null && keepOutgoing(connection, in)) in.closeQuietly();
            }
        }
        return super.addConnectionIfAbsent(connection);
    }

    @Override
    public void checkDuplicateConnections(TorrentId torrentId, Peer peer) {
        if (peer.isPortUnknown()) return;
        synchronized (this) {
            InetAddress address = peer.getInetAddress();
            PeerConnection out = outgoingTo(torrentId, address, peer.getPort());
            PeerConnection in = incomingFrom(torrentId, address, peer.getPort());
            if (out == null || in == null) return;
            (keepOutgoing(out, in) ? in : out).closeQuietly();
        }
    }
}
