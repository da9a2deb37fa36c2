package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.peer.PeerSource;
import bt.peer.PeerSourceFactory;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Peers handed to the client directly (tests, {@code fetch --peer}), and the hook where other
 * peer sources without a Bt module plug in (BEP 5 peers come from {@link DhtPeers}).
 */
final class StaticPeers implements PeerSourceFactory {
    private final Map<TorrentId, Set<InetSocketAddress>> peers = new ConcurrentHashMap<>();
    private final Set<InetSocketAddress> everywhere = ConcurrentHashMap.newKeySet();

    void add(TorrentId torrent, InetSocketAddress peer) {
        peers.computeIfAbsent(torrent, k -> ConcurrentHashMap.newKeySet()).add(peer);
    }

    void addEverywhere(InetSocketAddress peer) {
        everywhere.add(peer);
    }

    @Override
    public PeerSource getPeerSource(TorrentId torrentId) {
        return new PeerSource() {
            @Override
            public boolean update() {
                return true;
            }

            @Override
            public Collection<Peer> getPeers() {
                Set<InetSocketAddress> s = new java.util.HashSet<>(everywhere);
                s.addAll(peers.getOrDefault(torrentId, Set.of()));
                return s.stream().map(a -> (Peer) InetPeer.build(a.getAddress(), a.getPort())).collect(Collectors.toList());
            }
        };
    }

    List<InetSocketAddress> all() {
        return List.copyOf(everywhere);
    }
}
