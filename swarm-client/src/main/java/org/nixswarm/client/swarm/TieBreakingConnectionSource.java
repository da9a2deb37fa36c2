package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.ConnectionSource;
import bt.net.IPeerConnectionFactory;
import bt.net.IPeerConnectionPool;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.net.PeerConnectionAcceptor;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import com.google.inject.Inject;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Bt's connection source, except that a peer already connected to us (its incoming connection
 * told us its listening port) is not dialed again: Bt looks only for a connection to the
 * peer's listening port, dials, and then one of the two connections is closed as a duplicate,
 * possibly the working one with requests in flight, at every peer-discovery round.
 */
final class TieBreakingConnectionSource extends ConnectionSource {
    private final IPeerConnectionPool pool;

    @Inject
    TieBreakingConnectionSource(Set<PeerConnectionAcceptor> acceptors, IPeerConnectionFactory factory, IPeerConnectionPool pool,
                                IRuntimeLifecycleBinder lifecycle, Config config) {
        super(acceptors, factory, pool, lifecycle, config);
        this.pool = pool;
    }

    @Override
    public CompletableFuture<ConnectionResult> getConnectionAsync(Peer peer, TorrentId torrentId) {
        if (!peer.isPortUnknown() && pool instanceof TieBreakingConnectionPool p) {
            PeerConnection in = p.incomingFrom(torrentId, peer.getInetAddress(), peer.getPort());
            if (in != null) return CompletableFuture.completedFuture(ConnectionResult.success(in));
        }
        return super.getConnectionAsync(peer, torrentId);
    }
}
