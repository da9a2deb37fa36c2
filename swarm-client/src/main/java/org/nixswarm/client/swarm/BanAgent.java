package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.protocol.Message;
import bt.protocol.Piece;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.MessageContext;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers which peer sent the blocks of each piece (told by {@link RecordingDataWorker}), so that a piece that fails its hash bans its
 * senders from that bundle's swarm; banned peers are disconnected whenever they show up again.
 * Bt 1.10 drops a bad piece but keeps talking to whoever sent it.
 */
public final class BanAgent {
    private static final Logger LOG = LoggerFactory.getLogger(BanAgent.class);

    private final Map<TorrentId, Map<Integer, Set<InetSocketAddress>>> senders = new ConcurrentHashMap<>();
    private final Map<TorrentId, Set<InetSocketAddress>> banned = new ConcurrentHashMap<>();
    private volatile Supplier<IPeerConnectionPool> pool;

    void bind(Supplier<IPeerConnectionPool> pool) {
        this.pool = pool;
    }

    @Consumes
    public void consume(Piece piece, MessageContext context) {
        InetSocketAddress from = address(context);
        if (isBanned(context.getTorrentId(), from)) {
            close(context.getConnectionKey());
            return;
        }
    }

    void blockFrom(TorrentId torrent, bt.net.Peer peer, int piece) {
        InetSocketAddress from = new InetSocketAddress(peer.getInetAddress(), Math.max(0, peer.getPort()));
        senders.computeIfAbsent(torrent, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(piece, k -> ConcurrentHashMap.newKeySet()).add(from);
    }

    /**
     * Runs before Bt's choker for every connection. Besides dropping banned peers it keeps every
     * other peer unchoked: Bt chokes a peer as soon as it loses interest and then refuses to
     * unchoke it for 10 s, which is exactly the pattern of a client fetching one file after
     * another from the same bundle (measured: 5 s median per 100 KB path instead of milliseconds).
     */
    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        if (isBanned(context.getTorrentId(), address(context))) {
            close(context.getConnectionKey());
            return;
        }
        context.getConnectionState().setShouldChoke(false);
        refreshStaleAssignment(context);
    }

    private final Map<TorrentId, Long> wantEpoch = new ConcurrentHashMap<>();
    private final Map<ConnectionKey, Long> seenEpoch = new ConcurrentHashMap<>();
    private final Set<ConnectionKey> faking = ConcurrentHashMap.newKeySet();

    /** A file of the torrent became wanted: peers' idle assignments must pick up its pieces. */
    void newlyWanted(TorrentId torrent) {
        wantEpoch.merge(torrent, 1L, Long::sum);
    }

    /**
     * Bt keeps a peer's assignment after its pieces are done and claims new pieces for it only
     * when one of its pieces completes, so a file wanted later waits until the idle assignment
     * times out. Bt drops the assignment of a peer that chokes us: we make the peer look choking
     * for one round of the message loop and unchoked the next, and Bt assigns afresh at once.
     */
    private void refreshStaleAssignment(MessageContext context) {
        ConnectionKey key = context.getConnectionKey();
        long epoch = wantEpoch.getOrDefault(context.getTorrentId(), 0L);
        var state = context.getConnectionState();
        if (faking.remove(key)) {
            state.setPeerChoking(false);
            seenEpoch.put(key, epoch);
            return;
        }
        Long seen = seenEpoch.putIfAbsent(key, epoch);
        if (seen != null && seen < epoch && !state.isPeerChoking()) {
            state.setPeerChoking(true);
            faking.add(key);
        } else if (seen != null) {
            seenEpoch.put(key, epoch);
        }
    }

    void pieceVerified(TorrentId torrent, int piece) {
        Map<Integer, Set<InetSocketAddress>> m = senders.get(torrent);
        if (m != null) m.remove(piece);
    }

    /** How many failed pieces that several peers contributed to it takes to ban a peer. */
    static final int MIXED_STRIKES_TO_BAN = 3;

    private final Map<TorrentId, Map<InetSocketAddress, Integer>> strikes = new ConcurrentHashMap<>();

    /**
     * Blames the senders of a piece that failed its hash. A sole sender is banned at once. When
     * several peers contributed, the failure is pinned on those already banned if there are any
     * (their blocks still in flight when they were banned land in pieces an honest peer finishes);
     * otherwise each gets a strike and is banned only after {@value #MIXED_STRIKES_TO_BAN}, so that
     * an honest peer who shared a piece with a liar is not banned along with it.
     */
    void pieceFailed(TorrentId torrent, int piece) {
        Map<Integer, Set<InetSocketAddress>> m = senders.get(torrent);
        Set<InetSocketAddress> who = m == null ? null : m.remove(piece);
        if (who == null || who.isEmpty()) return;
        if (who.size() == 1) {
            ban(torrent, who.iterator().next(), piece, "sent a bad piece");
            return;
        }
        boolean knownCulprit = false;
        for (InetSocketAddress a : who) knownCulprit |= isBanned(torrent, a);
        if (knownCulprit) {
            LOG.debug("piece {} of {} failed; it had blocks from an already banned peer", piece, torrent);
            return;
        }
        Map<InetSocketAddress, Integer> s = strikes.computeIfAbsent(torrent, k -> new ConcurrentHashMap<>());
        for (InetSocketAddress a : who) {
            if (s.merge(a, 1, Integer::sum) >= MIXED_STRIKES_TO_BAN) {
                ban(torrent, a, piece, "shared in " + MIXED_STRIKES_TO_BAN + " bad pieces");
            }
        }
    }

    private void ban(TorrentId torrent, InetSocketAddress a, int piece, String why) {
        if (banned.computeIfAbsent(torrent, k -> ConcurrentHashMap.newKeySet()).add(a)) {
            LOG.warn("peer {} {} (piece {} of {}): banned from this swarm", a, why, piece, torrent);
        }
    }

    public boolean isBanned(TorrentId torrent, InetSocketAddress peer) {
        Set<InetSocketAddress> s = banned.get(torrent);
        return s != null && peer != null && s.contains(peer);
    }

    public Set<InetSocketAddress> banned(TorrentId torrent) {
        return Set.copyOf(banned.getOrDefault(torrent, Set.of()));
    }

    private void close(ConnectionKey key) {
        Supplier<IPeerConnectionPool> p = pool;
        if (p == null) return;
        PeerConnection c = p.get().getConnection(key);
        if (c != null) c.closeQuietly();
    }

    private static InetSocketAddress address(MessageContext context) {
        // an incoming peer's listening port may be unknown (-1): then it is known by address only
        return new InetSocketAddress(context.getPeer().getInetAddress(), Math.max(0, context.getPeer().getPort()));
    }
}
