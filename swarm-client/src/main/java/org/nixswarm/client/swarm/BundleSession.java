package org.nixswarm.client.swarm;

import bt.data.LocalBitfield;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.runtime.BtClient;
import bt.torrent.fileselector.FilePriority;
import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.cache.NarCache;
import org.nixswarm.client.cache.NarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bundle in the Bt runtime: seeds every file of it that the cache holds and downloads the
 * files someone wants. Completion is per file (the cache's piece accounting), never Bt's
 * {@code stopWhenDownloaded}, which waits for all pieces of the torrent.
 */
public final class BundleSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BundleSession.class);

    private final SwarmRuntime swarm;
    private final BundleLayout layout;
    private final NarCache cache;
    private final Map<Integer, NarFile> files = new ConcurrentHashMap<>();
    private final int[] entryOfPiece;
    // file name -> entry index, for the files pieces map to (not pads, not files sharing a piece)
    private final Map<String, Integer> entryByName;
    private final BitSet wanted = new BitSet();
    private final AtomicLong peerBytes = new AtomicLong();
    private volatile LocalBitfield bitfield;
    private volatile Torrent torrent;
    private BtClient client;
    // what connected peers advertise (Bt updates a peer's bitfield in place on HAVE), for the race
    private final Map<bt.net.ConnectionKey, bt.data.Bitfield> peerBitfields = new ConcurrentHashMap<>();
    private volatile long firstPeerNanos;
    private volatile int trackerPeers = -1;

    BundleSession(SwarmRuntime swarm, BundleLayout layout, NarCache cache) {
        this.swarm = swarm;
        this.layout = layout;
        this.cache = cache;
        this.entryOfPiece = new int[layout.pieceCount()];
        Arrays.fill(entryOfPiece, -1);
        Map<String, Integer> byName = new java.util.HashMap<>();
        for (BundleLayout.Entry e : layout.entries()) {
            if (e.pad() || e.size() == 0 || !layout.isolated(e)) continue;
            byName.put(e.fileName(), e.index());
            for (int p = layout.firstPiece(e); p < layout.endPiece(e); p++) entryOfPiece[p] = e.index();
        }
        this.entryByName = Map.copyOf(byName);
    }

    public BundleLayout layout() { return layout; }
    NarCache cache() { return cache; }
    SwarmRuntime swarm() { return swarm; }
    public long bytesFromPeers() { return peerBytes.get(); }

    /** A tracker answered an announce for this bundle with {@code peers} other peers. */
    void trackerAnswered(java.util.List<bt.net.Peer> peers) {
        trackerPeers = peers.size(); // the latest answer: peers that left are not waited for
        trackerPeerList = java.util.List.copyOf(peers);
    }

    private volatile java.util.List<bt.net.Peer> trackerPeerList = java.util.List.of();

    /** Whether some file of this bundle is being downloaded now. */
    boolean wanting() {
        synchronized (wanted) {
            return !wanted.isEmpty();
        }
    }

    /** Whether a connected peer advertises a piece of {@code e} that this client still misses. */
    public boolean peerHolds(BundleLayout.Entry e) {
        if (peerBitfields.isEmpty()) return false;
        BitSet missing = missingPieces(e);
        for (bt.data.Bitfield bf : peerBitfields.values()) {
            for (int p = missing.nextSetBit(0); p >= 0; p = missing.nextSetBit(p + 1)) if (bf.isVerified(p)) return true;
        }
        return false;
    }

    /** Connected peers that told us what they hold. */
    int connectedPeers() {
        return peerBitfields.size();
    }

    /** When the first peer told us what it has (0: none yet). */
    public long firstPeerNanos() {
        return firstPeerNanos;
    }

    /**
     * Whether peers may still show up soon: no tracker has answered yet, or one named peers (or
     * peers were given directly) that have not told us what they hold.
     */
    public boolean expectingPeers() {
        if (!peerBitfields.isEmpty()) return false;
        int t = trackerPeers;
        boolean trackers = !layout.trackers().isEmpty() || !swarm.extraTrackers().isEmpty();
        return (trackers && t < 0) || t > 0 || swarm.hasStaticPeers();
    }

    /** Bytes of the bundle's real files this client does not hold verified (an announce's {@code left}). */
    long bytesLeft() {
        long left = 0;
        for (BundleLayout.Entry e : layout.entries()) {
            if (e.pad() || e.size() == 0) continue;
            NarFile f = files.get(e.index());
            if (f != null && !f.isComplete()) {
                int first = layout.firstPiece(e);
                for (int p = first; p < layout.endPiece(e); p++) if (!f.hasPiece(p - first)) left += f.pieceSize(p - first);
            } else if (f == null && !cache.hasComplete(e.fileName())) {
                left += e.size();
            }
        }
        return left;
    }

    NarFile narFile(BundleLayout.Entry e) {
        return files.get(e.index());
    }

    synchronized void start() {
        if (client != null) return;
        torrent = swarm.parseTorrent(layout.torrentBytesWithTrackers(swarm.extraTrackers()));
        client = swarm.newClient(this, torrent,
                f -> isPad(f.getPathElements()) ? FilePriority.SKIP : FilePriority.NORMAL_PRIORITY);
        swarm.events().onPeerBitfieldUpdated(torrent.getTorrentId(), ev -> {
            if (firstPeerNanos == 0) firstPeerNanos = System.nanoTime();
            peerBitfields.put(ev.getConnectionKey(), ev.getBitfield());
        });
        swarm.events().onPeerDisconnected(torrent.getTorrentId(), ev -> peerBitfields.remove(ev.getConnectionKey()));
        // Bt asks the peer sources (tracker, DHT, given peers) on a timer: a new bundle waited up
        // to --peer-discovery-interval (1 s) before its first connection attempt
        swarm.events().onTorrentStarted(torrent.getTorrentId(), ev -> swarm.collectPeersNow(ev.getTorrentId()));
        if (org.nixswarm.client.net.Trace.on()) {
            String k = "bundle " + layout.infohash().substring(0, 8) + "@" + swarm.peerPort();
            org.nixswarm.client.net.Trace.mark(k, "session start");
            swarm.events().onTorrentStarted(torrent.getTorrentId(), ev -> org.nixswarm.client.net.Trace.mark(k, "torrent started"))
                    .onPeerDiscovered(torrent.getTorrentId(), ev -> org.nixswarm.client.net.Trace.mark(k, "peer discovered " + ev.getPeer()))
                    .onPeerConnected(torrent.getTorrentId(), ev -> org.nixswarm.client.net.Trace.mark(k, "peer connected " + ev.getConnectionKey()))
                    .onPeerBitfieldUpdated(torrent.getTorrentId(), ev -> org.nixswarm.client.net.Trace.mark(k, "peer bitfield"));
        }
        client.startAsync();
    }

    private static boolean isPad(java.util.List<String> path) {
        return !path.isEmpty() && path.get(0).equals(".pad");
    }

    TorrentId torrentId() {
        Torrent t = torrent;
        return t == null ? null : t.getTorrentId();
    }

    /**
     * Starts downloading {@code file} (entry {@code e}) from peers: resumes from the pieces on disk
     * after re-hashing them. The caller races the web seed against this.
     */
    public void want(BundleLayout.Entry asked, NarFile file) throws IOException {
        BundleLayout.Entry e = layout.entry(asked.index());
        if (e.pad() || !layout.isolated(e)) {
            throw new ClientException("bundle " + layout.infohash() + ": file " + e.path() + " does not start on a piece boundary");
        }
        if (file.size() != e.size()) {
            throw new ClientException("bundle " + layout.infohash() + ": " + e.path() + " is " + e.size() + " bytes, the narinfo says " + file.size());
        }
        if (files.putIfAbsent(e.index(), file) != null && files.get(e.index()) != file) {
            files.put(e.index(), file);
        }
        if (!file.isComplete()) {
            BitSet claimed = file.prepare(layout.pieceLength());
            int first = layout.firstPiece(e);
            for (int rel = claimed.nextSetBit(0); rel >= 0; rel = claimed.nextSetBit(rel + 1)) {
                if (Arrays.equals(hashPiece(file, rel, layout.pieceSize(first + rel)), layout.pieceHash(first + rel))) {
                    file.markVerified(rel, NarFile.Source.LOCAL);
                }
            }
        }
        LocalBitfield bf = bitfield;
        int first = layout.firstPiece(e);
        boolean added = false;
        BitSet gone = new BitSet();
        synchronized (wanted) {
            for (int p = first; p < layout.endPiece(e); p++) {
                if (file.hasPiece(p - first)) {
                    if (bf != null) bf.markLocalPieceVerified(p);
                    continue;
                }
                // held once and evicted since: Bt still counts it as ours and would never ask for it
                if (bf != null && bf.isVerified(p)) gone.set(p);
                if (!wanted.get(p)) {
                    wanted.set(p);
                    added = true;
                }
            }
        }
        TorrentId id = torrentId();
        if (id != null && !gone.isEmpty()) swarm.forgetPieces(id, bf, gone);
        if (added && id != null) {
            swarm.bans().newlyWanted(id);
            if (org.nixswarm.client.net.Trace.on()) org.nixswarm.client.net.Trace.mark("bt", "nudge " + swarm.peerPort());
            // a seeding session was not given the tracker's peers: connect to them now
            swarm.connect(id, trackerPeerList);
            swarm.nudge();
        }
        file.completion().whenComplete((ok, err) -> {
            synchronized (wanted) {
                wanted.clear(first, layout.endPiece(e));
            }
        });
    }

    /**
     * {@code fileName} left the cache: Bt must stop counting its pieces as ours, so that a peer
     * asking for them is refused (a read of the deleted file would fail while the Piece is being
     * sent, and Bt closes that connection, with whatever else the peer was fetching from us).
     * Runs under the cache's lock: only Bt's own bitfield and block-set locks are taken.
     */
    void forgetEvicted(String fileName) {
        Integer idx = entryByName.get(fileName);
        LocalBitfield bf = bitfield;
        TorrentId id = torrentId();
        if (idx == null || bf == null || id == null) return;
        NarFile now = files.get(idx);
        if (now != null && !now.isClosed()) return; // downloading again (its pieces are marked as they verify)
        BundleLayout.Entry e = layout.entry(idx);
        BitSet gone = new BitSet();
        for (int p = layout.firstPiece(e); p < layout.endPiece(e); p++) if (bf.isVerified(p)) gone.set(p);
        if (!gone.isEmpty()) swarm.forgetPieces(id, bf, gone);
    }

    /** Whether Bt offers every piece of {@code e} to peers. */
    public boolean offers(BundleLayout.Entry e) {
        LocalBitfield bf = bitfield;
        if (bf == null) return false;
        for (int p = layout.firstPiece(e); p < layout.endPiece(e); p++) if (!bf.isVerified(p)) return false;
        return true;
    }

    BitSet wantedPieces() {
        synchronized (wanted) {
            return (BitSet) wanted.clone();
        }
    }

    /** The pieces of {@code e} still missing, in order. */
    public BitSet missingPieces(BundleLayout.Entry e) {
        NarFile f = files.get(e.index());
        BitSet out = new BitSet();
        int first = layout.firstPiece(e);
        for (int p = first; p < layout.endPiece(e); p++) if (f == null || !f.hasPiece(p - first)) out.set(p);
        return out;
    }

    /** Bt's start-up check: trusts the cache's accounting instead of re-hashing the bundle. */
    boolean initialVerify(LocalBitfield bf) {
        this.bitfield = bf;
        for (BundleLayout.Entry e : layout.entries()) {
            if (e.pad() || e.size() == 0 || !layout.isolated(e)) continue;
            int first = layout.firstPiece(e), end = layout.endPiece(e);
            NarFile f = files.get(e.index());
            if (f != null) {
                for (int p = first; p < end; p++) if (f.hasPiece(p - first)) bf.markLocalPieceVerified(p);
            } else if (cache.hasComplete(e.fileName())) {
                // a complete file this client holds for another reason: seed it, after checking it
                // against the torrent's own piece hashes (it may be from another run)
                if (verifiesAgainstTorrent(e)) for (int p = first; p < end; p++) bf.markLocalPieceVerified(p);
            }
        }
        return false; // never "done": the session seeds for as long as it lives
    }

    private boolean verifiesAgainstTorrent(BundleLayout.Entry e) {
        try (var ch = java.nio.channels.FileChannel.open(cache.narDir().resolve(e.fileName()))) {
            if (ch.size() != e.size()) return false;
            int first = layout.firstPiece(e);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) layout.pieceLength());
            for (int p = first; p < layout.endPiece(e); p++) {
                long start = (p - first) * layout.pieceLength();
                long len = Math.min(layout.pieceLength(), e.size() - start);
                buf.clear();
                buf.limit((int) len);
                while (buf.hasRemaining()) if (ch.read(buf, start + buf.position()) < 0) return false;
                java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
                buf.flip();
                sha1.update(buf);
                long pad = layout.pieceSize(p) - len;
                if (pad > 0) sha1.update(new byte[(int) pad]);
                if (!Arrays.equals(sha1.digest(), layout.pieceHash(p))) return false;
            }
            return true;
        } catch (IOException | java.security.NoSuchAlgorithmException ex) {
            return false;
        }
    }

    private static final ThreadLocal<byte[]> HASH_BUFFER = ThreadLocal.withInitial(() -> new byte[1 << 20]);
    private static final ThreadLocal<java.security.MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return java.security.MessageDigest.getInstance("SHA-1");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /**
     * SHA-1 of piece {@code rel} of {@code f} padded with zeros to {@code padTo}, as
     * {@link NarFile#hashPiece} computes it but with one buffer per thread: that allocated 1 MiB
     * per piece on Bt's data thread, 200 MB of garbage per 200 MB fetched.
     */
    private static byte[] hashPiece(NarFile f, int rel, long padTo) throws IOException {
        java.security.MessageDigest sha1 = SHA1.get();
        sha1.reset();
        byte[] buf = HASH_BUFFER.get();
        long start = rel * f.pieceLength(), len = f.pieceSize(rel);
        for (long pos = 0; pos < len; ) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, len - pos));
            int r = f.read(b, start + pos);
            if (r < 0) return new byte[20]; // short file: cannot match
            sha1.update(buf, 0, r);
            pos += r;
        }
        for (long z = len; z < padTo; ) {
            int k = (int) Math.min(buf.length, padTo - z);
            Arrays.fill(buf, 0, k, (byte) 0);
            sha1.update(buf, 0, k);
            z += k;
        }
        return sha1.digest();
    }

    /** Bt downloaded every block of {@code piece}: hash it and account for it. */
    boolean verifyDownloadedPiece(int piece) {
        int idx = entryOfPiece[piece];
        NarFile f = idx < 0 ? null : files.get(idx);
        if (f == null || f.isComplete()) return false;
        int rel = piece - layout.firstPiece(layout.entry(idx));
        try {
            boolean ok = Arrays.equals(hashPiece(f, rel, layout.pieceSize(piece)), layout.pieceHash(piece));
            TorrentId id = torrentId();
            if (ok) {
                org.nixswarm.client.net.Trace.mark(f.name(), "piece " + piece + " verified");
                if (!f.hasPiece(rel)) peerBytes.addAndGet(f.pieceSize(rel));
                f.markVerified(rel, NarFile.Source.PEER);
                if (id != null) swarm.bans().pieceVerified(id, piece);
            } else {
                LOG.warn("bundle {}: piece {} from peers failed its hash", layout.infohash(), piece);
                if (id != null) swarm.bans().pieceFailed(id, piece);
            }
            return ok;
        } catch (IOException e) {
            LOG.warn("bundle {}: cannot check piece {}: {}", layout.infohash(), piece, e.getMessage());
            return false;
        }
    }

    /**
     * A piece fetched elsewhere (the web seed): checks it against the torrent, stores it and tells
     * Bt so it stops asking peers for it and starts offering it. False when the bytes are wrong.
     */
    public boolean acceptPiece(int piece, byte[] fileBytes, NarFile.Source source) throws IOException {
        int idx = entryOfPiece[piece];
        NarFile f = idx < 0 ? null : files.get(idx);
        if (f == null) return false;
        int rel = piece - layout.firstPiece(layout.entry(idx));
        if (fileBytes.length != f.pieceSize(rel)) return false;
        java.security.MessageDigest sha1;
        try {
            sha1 = java.security.MessageDigest.getInstance("SHA-1");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha1.update(fileBytes);
        long pad = layout.pieceSize(piece) - fileBytes.length;
        if (pad > 0) sha1.update(new byte[(int) pad]);
        if (!Arrays.equals(sha1.digest(), layout.pieceHash(piece))) return false;
        if (f.hasPiece(rel)) return true;
        f.writeVerifiedPiece(rel, fileBytes, source);
        LocalBitfield bf = bitfield;
        if (bf != null) bf.markLocalPieceVerified(piece);
        return true;
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            try {
                client.stop();
            } catch (RuntimeException e) {
                LOG.debug("stopping bundle {}: {}", layout.infohash(), e.getMessage());
            }
            client = null;
        }
    }
}
