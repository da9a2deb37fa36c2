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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.nixswarm.dht.DhtNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEP 5 peers from our DHT node, for every bundle the runtime has a session of, and our own
 * announcement (announce_peer with the peer port) to the nodes closest to the bundle. A lookup
 * never holds up Bt's discovery round (run every second, one blocking get_peers each would): it runs in the background, again after {@link #RETRY_NANOS} (doubling
 * up to {@link #MAX_RETRY_NANOS} while it keeps finding no one) and every {@link #REFRESH_NANOS} at most, which also renews the
 * announcement.
 */
public final class DhtPeers implements PeerSourceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(DhtPeers.class);
    static final long RETRY_NANOS = 3_000_000_000L;
    static final long MAX_RETRY_NANOS = 30_000_000_000L;
    static final long REFRESH_NANOS = 120_000_000_000L;

    private final DhtNode node;
    private final int announcePort;
    private final Map<TorrentId, Source> sources = new ConcurrentHashMap<>();
    private volatile Predicate<TorrentId> wanting = t -> true;

    /** @param announcePort our BitTorrent port to announce, or 0 to look up only */
    public DhtPeers(DhtNode node, int announcePort) {
        this.node = node;
        this.announcePort = announcePort;
    }

    /**
     * Peers are handed to Bt only for bundles with a wanted file: a session that only seeds
     * leaves dialing to the downloaders, because Bt drops both connections when two peers dial
     * each other at once. Lookups (and our announcements) go on either way.
     */
    void handPeersOnlyWhen(Predicate<TorrentId> wanting) {
        this.wanting = wanting;
    }

    /** Bt asks for a source on every discovery round: one per torrent keeps its peers and its schedule. */
    @Override
    public PeerSource getPeerSource(TorrentId torrentId) {
        return sources.computeIfAbsent(torrentId, t -> new Source(t));
    }

    private final class Source implements PeerSource {
        private final TorrentId id;
        private final byte[] infohash;
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile List<Peer> peers = List.of();
        private volatile long nextLookup = System.nanoTime();
        private volatile long retry = RETRY_NANOS;

        Source(TorrentId id) {
            this.id = id;
            this.infohash = id.getBytes();
        }

        @Override
        public boolean update() {
            long now = System.nanoTime();
            if (now - nextLookup >= 0 && running.compareAndSet(false, true)) {
                node.getPeers(infohash, announcePort).whenComplete((found, err) -> {
                    if (err != null) {
                        LOG.debug("DHT get_peers: {}", err.toString());
                    } else if (!found.isEmpty()) {
                        peers = toPeers(found);
                    }
                    boolean none = err != null || found.isEmpty();
                    nextLookup = System.nanoTime() + (none ? retry : REFRESH_NANOS);
                    retry = none ? Math.min(MAX_RETRY_NANOS, retry * 2) : RETRY_NANOS;
                    running.set(false);
                });
            }
            return !peers.isEmpty() && wanting.test(id);
        }

        @Override
        public Collection<Peer> getPeers() {
            return wanting.test(id) ? peers : List.of();
        }
    }

    private static List<Peer> toPeers(Set<InetSocketAddress> found) {
        return found.stream().map(a -> (Peer) InetPeer.build(a.getAddress(), a.getPort())).toList();
    }
}
