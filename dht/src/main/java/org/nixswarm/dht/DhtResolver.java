package org.nixswarm.dht;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.core.torrent.PieceSpan;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentFile;

/**
 * Finds a store path's index entry with nothing but the publisher's ed25519 public key and the
 * DHT: the publisher's BEP 44 item names the current index torrent (BEP 46); its peers (BEP 5)
 * give its metadata and the one shard that covers the hash; the shard's pieces are checked against
 * the torrent, and the entry's planner signature against the planner keys the torrent carries
 * (and, when given, against the keys the caller trusts). Chain of trust: publisher key → BEP 44
 * signature → infohash → piece hashes → planner-keys.txt and shard → planner signature.
 */
public final class DhtResolver {
    private final DhtNode node;
    private final IndexTorrentSource source;
    private final Duration timeout;
    private final long pointerTtlNanos;
    private final Map<String, Located> located = new ConcurrentHashMap<>();

    /** The publisher's current index torrent and its peers, as last looked up. */
    private record Located(Pointer pointer, Set<InetSocketAddress> peers, long expires) {}

    public DhtResolver(DhtNode node, IndexTorrentSource source, Duration timeout) {
        this(node, source, timeout, Duration.ZERO);
    }

    /**
     * @param pointerTtl how long the publisher's pointer and the index torrent's peers are reused
     *     before they are looked up again (two DHT lookups per resolve otherwise); dropped at once
     *     when a fetch or a check fails
     */
    public DhtResolver(DhtNode node, IndexTorrentSource source, Duration timeout, Duration pointerTtl) {
        this.node = node;
        this.source = source;
        this.timeout = timeout;
        this.pointerTtlNanos = pointerTtl.toNanos();
    }

    /** The index torrent the publisher points to now, with the item's sequence number. */
    public record Pointer(InfoHash infohash, long seq) {}

    /** Lookups that come back empty are tried again: a lookup can miss while nodes time out. */
    static final int ATTEMPTS = 3;

    public Optional<Pointer> currentIndex(byte[] publisherKey) {
        Optional<MutableItem> item = Optional.empty();
        for (int i = 0; i < ATTEMPTS && item.isEmpty(); i++) {
            item = DhtNode.await(node.getMutable(publisherKey, IndexTorrentLayout.SALT), timeout);
        }
        if (item.isEmpty()) return Optional.empty();
        MutableItem found = item.get();
        return IndexTorrentLayout.pointedTo(found.value()).map(ih -> new Pointer(ih, found.seq()));
    }

    /** The index torrent's peers, as the DHT knows them. */
    public Set<InetSocketAddress> peers(InfoHash infohash) {
        Set<InetSocketAddress> peers = Set.of();
        for (int i = 0; i < ATTEMPTS && peers.isEmpty(); i++) {
            peers = DhtNode.await(node.getPeers(infohash.bytes(), 0), timeout);
        }
        return peers;
    }

    /**
     * The verified entry for {@code storeHash} (20 bytes), or empty when the published index does
     * not have it. Throws {@link DhtException} when the index cannot be reached or fails a check.
     *
     * @param trustedPlanners if not empty, the entry must be signed by one of these as well
     */
    public Optional<IndexEntry> resolve(byte[] publisherKey, byte[] storeHash, List<PublicKey> trustedPlanners) {
        String key = HexFormat.of().formatHex(publisherKey);
        Located l = located.get(key);
        if (l == null || l.expires() - System.nanoTime() <= 0) {
            Pointer pointer = currentIndex(publisherKey)
                    .orElseThrow(() -> new DhtException("no index published in the DHT under this publisher key"));
            Set<InetSocketAddress> peers = peers(pointer.infohash());
            if (peers.isEmpty()) throw new DhtException("index torrent " + pointer.infohash().hex() + " has no peers in the DHT");
            l = new Located(pointer, peers, System.nanoTime() + pointerTtlNanos);
            if (pointerTtlNanos > 0) located.put(key, l);
        }
        try {
            return resolve(l.pointer(), l.peers(), storeHash, trustedPlanners);
        } catch (RuntimeException e) {
            located.remove(key);
            throw e;
        }
    }

    private Optional<IndexEntry> resolve(Pointer pointer, Set<InetSocketAddress> peers, byte[] storeHash,
            List<PublicKey> trustedPlanners) {
        IndexTorrentSource.Fetched fetched;
        try {
            fetched = source.fetch(pointer.infohash(), peers, t -> {
                int digits = IndexTorrentLayout.prefixDigits(t);
                if (digits == 0) return List.of();
                String shard = IndexTorrentLayout.shardPath(storeHash, digits);
                if (IndexTorrentLayout.file(t, shard).isEmpty()) return List.of();
                return List.of(IndexTorrentLayout.PLANNER_KEYS, shard);
            });
        } catch (Exception e) {
            throw new DhtException("cannot fetch from index torrent " + pointer.infohash().hex() + ": " + e, e);
        }
        Torrent torrent = fetched.torrent();
        if (!torrent.infoHash().equals(pointer.infohash())) {
            throw new DhtException("metadata for " + pointer.infohash().hex() + " has infohash " + torrent.infoHash().hex());
        }
        int digits = IndexTorrentLayout.prefixDigits(torrent);
        if (digits == 0) return Optional.empty();
        Optional<TorrentFile> shard = IndexTorrentLayout.file(torrent, IndexTorrentLayout.shardPath(storeHash, digits));
        if (shard.isEmpty()) return Optional.empty();
        TorrentFile keysFile = IndexTorrentLayout.file(torrent, IndexTorrentLayout.PLANNER_KEYS)
                .orElseThrow(() -> new DhtException("index torrent has no " + IndexTorrentLayout.PLANNER_KEYS));
        List<PublicKey> planners = new ArrayList<>();
        for (String line : new String(verified(torrent, keysFile, fetched), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) planners.add(PublicKey.parse(line.strip()));
        }
        byte[] shardBytes = verified(torrent, shard.get(), fetched);
        for (String line : new String(shardBytes, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            IndexEntry e;
            try {
                e = IndexEntry.parse(line);
            } catch (FormatException ex) {
                throw new DhtException("shard " + shard.get().pathString() + " holds a malformed entry: " + ex.getMessage(), ex);
            }
            if (!Arrays.equals(e.storePath().hashBytes(), storeHash)) continue;
            if (planners.stream().noneMatch(e::verify)) {
                throw new DhtException("entry for " + e.storePath() + " is not signed by the index's planner keys");
            }
            if (!trustedPlanners.isEmpty() && trustedPlanners.stream().noneMatch(e::verify)) {
                throw new DhtException("entry for " + e.storePath() + " is not signed by a trusted planner key");
            }
            return Optional.of(e);
        }
        return Optional.empty();
    }

    private static byte[] verified(Torrent torrent, TorrentFile file, IndexTorrentSource.Fetched fetched) {
        byte[] data = fetched.files().get(file.pathString());
        if (data == null) throw new DhtException("the source did not deliver " + file.pathString());
        verifyPieces(torrent, file, data);
        return data;
    }

    /** Checks a file's bytes against the piece hashes; with pads its pieces hold only it and zeros. */
    static void verifyPieces(Torrent torrent, TorrentFile file, byte[] data) {
        if (data.length != file.length()) {
            throw new DhtException(file.pathString() + ": got " + data.length + " bytes, the torrent says " + file.length());
        }
        if (file.offset() % torrent.pieceLength() != 0) {
            throw new DhtException(file.pathString() + " does not start on a piece boundary");
        }
        PieceSpan span = torrent.pieces(file);
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (int p = span.first(); p < span.end(); p++) {
            int size = torrent.pieceSize(p);
            long start = torrent.pieceOffset(p) - file.offset();
            byte[] piece = new byte[size];
            int n = (int) Math.min(size, data.length - start);
            System.arraycopy(data, (int) start, piece, 0, n);
            if (n < size && !padFollows(torrent, file)) {
                throw new DhtException(file.pathString() + " shares its last piece with another file");
            }
            if (!Arrays.equals(sha1.digest(piece), torrent.pieceHash(p))) {
                throw new DhtException(file.pathString() + ": piece " + p + " does not match the index torrent");
            }
        }
    }

    private static boolean padFollows(Torrent torrent, TorrentFile file) {
        int next = file.index() + 1;
        return next >= torrent.files().size() || torrent.file(next).isPad();
    }
}
