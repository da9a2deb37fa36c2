package org.nixswarm.dht.bt;

import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.peer.PeerSource;
import bt.peer.PeerSourceFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.nixswarm.dht.DhtException;
import org.nixswarm.dht.DhtNode;

/**
 * Our DHT node as a Bt peer source (bind it with {@code ServiceModule.extend(binder)
 * .addPeerSourceFactory(...)}): each Bt discovery round runs a BEP 5 get_peers for the torrent and,
 * when {@code announcePort} is positive, announces this host on that TCP port.
 */
public final class DhtPeerSourceFactory implements PeerSourceFactory {
    private final DhtNode node;
    private final int announcePort;
    private final Duration timeout;

    public DhtPeerSourceFactory(DhtNode node, int announcePort, Duration timeout) {
        this.node = node;
        this.announcePort = announcePort;
        this.timeout = timeout;
    }

    @Override
    public PeerSource getPeerSource(TorrentId torrentId) {
        return new PeerSource() {
            private volatile List<Peer> peers = List.of();

            @Override
            public boolean update() {
                try {
                    Set<InetSocketAddress> found = DhtNode.await(node.getPeers(torrentId.getBytes(), announcePort), timeout);
                    List<Peer> list = new ArrayList<>(found.size());
                    for (InetSocketAddress a : found) list.add(InetPeer.build(a.getAddress(), a.getPort()));
                    peers = list;
                    return !list.isEmpty();
                } catch (DhtException e) {
                    return false;
                }
            }

            @Override
            public Collection<Peer> getPeers() {
                return peers;
            }
        };
    }
}
