package org.nixswarm.client.swarm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.nixswarm.client.ClientException;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeDecoder;
import org.nixswarm.core.bencode.BencodeEncoder;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentFile;

/**
 * What the client needs to know of a bundle torrent: its pieces, which byte ranges are real files
 * (under {@code nar/}) and which are BEP 47 padding, its web seeds and trackers.
 * Read and validated by core's {@link Torrent}.
 */
public final class BundleLayout {
    /** One entry of {@code info.files}; {@code index} counts pad files, as BEP 53 {@code so=} does. */
    public record Entry(int index, String path, long offset, long size, boolean pad) {
        public String fileName() {
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    private final String infohash;
    private final byte[] torrentBytes;
    private final long pieceLength;
    private final List<byte[]> pieceHashes;
    private final List<Entry> entries;
    private final long totalSize;
    private final List<String> webSeeds;
    private final List<String> trackers;
    private final boolean[] isolated;

    private BundleLayout(String infohash, byte[] torrentBytes, long pieceLength, List<byte[]> pieceHashes,
                         List<Entry> entries, long totalSize, List<String> webSeeds, List<String> trackers) {
        this.infohash = infohash;
        this.torrentBytes = torrentBytes;
        this.pieceLength = pieceLength;
        this.pieceHashes = pieceHashes;
        this.entries = entries;
        this.totalSize = totalSize;
        this.webSeeds = webSeeds;
        this.trackers = trackers;
        this.isolated = isolatedEntries();
    }

    /**
     * Files lie one after the other in torrent order, so only the next real file (not padding, not
     * empty) can share a piece with {@code e}: one backward pass decides every entry (a bundle may
     * hold thousands of files, and the check runs for each at every session start).
     */
    private boolean[] isolatedEntries() {
        boolean[] out = new boolean[entries.size()];
        long nextReal = Long.MAX_VALUE;
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            long end = Math.min((long) endPiece(e) * pieceLength, totalSize);
            out[i] = e.offset() % pieceLength == 0 && nextReal >= end;
            if (!e.pad() && e.size() > 0) nextReal = e.offset();
        }
        return out;
    }

    public static BundleLayout parse(byte[] bytes) {
        Torrent t;
        try {
            t = Torrent.read(bytes);
        } catch (FormatException e) {
            throw new ClientException("torrent: " + e.getMessage());
        }
        String infohash = t.infoHash().hex();
        if (!t.isMultiFile()) throw new ClientException("torrent " + infohash + ": not a multi-file torrent");
        List<byte[]> hashes = new ArrayList<>(t.pieceCount());
        for (int i = 0; i < t.pieceCount(); i++) hashes.add(t.pieceHash(i));
        List<Entry> entries = new ArrayList<>();
        for (TorrentFile f : t.files()) {
            if (!f.isPad() && (f.path().size() != 1 || f.path().get(0).startsWith("."))) {
                throw new ClientException("torrent " + infohash + ": file path is not one plain name: " + f.path());
            }
            entries.add(new Entry(f.index(), t.fullPath(f), f.offset(), f.length(), f.isPad()));
        }
        return new BundleLayout(infohash, bytes.clone(), t.pieceLength(), List.copyOf(hashes), List.copyOf(entries),
                t.totalLength(), List.copyOf(new LinkedHashSet<>(t.urlList())), List.copyOf(new LinkedHashSet<>(t.trackers())));
    }

    /**
     * The torrent with {@code extra} trackers appended as one more BEP 12 tier. The announce keys
     * sit outside the info dictionary, so the infohash (and the swarm) stay the same.
     */
    public byte[] torrentBytesWithTrackers(List<String> extra) {
        return torrentBytesWithSources(extra, List.of());
    }

    /**
     * The torrent with the {@code extraTrackers} it lacks appended as one more BEP 12 tier and the
     * {@code extraWebSeeds} it lacks appended to its BEP 19 {@code url-list}. Both keys sit outside
     * the info dictionary, so the infohash (and the swarm) stay the same. For a torrent that came
     * from peers (BEP 9 metadata is the info dictionary alone) this gives back trackers and web seeds.
     */
    public byte[] torrentBytesWithSources(List<String> extraTrackers, List<String> extraWebSeeds) {
        List<String> missing = extraTrackers.stream().filter(t -> !trackers.contains(t)).distinct().toList();
        List<String> seeds = extraWebSeeds.stream().filter(w -> !webSeeds.contains(w)).distinct().toList();
        if (missing.isEmpty() && seeds.isEmpty()) return torrentBytes.clone();
        BValue.BDict top = (BValue.BDict) BencodeDecoder.decode(torrentBytes);
        java.util.Map<String, BValue> m = new java.util.TreeMap<>(top.entries());
        if (!missing.isEmpty()) {
            List<BValue> tiers = new ArrayList<>();
            if (top.get("announce-list") instanceof BValue.BList l) tiers.addAll(l.values());
            else if (top.get("announce") instanceof BValue.BBytes a) tiers.add(new BValue.BList(List.of(a)));
            tiers.add(new BValue.BList(missing.stream().map(t -> (BValue) BValue.BBytes.of(t)).toList()));
            m.put("announce-list", new BValue.BList(tiers));
            if (!m.containsKey("announce")) m.put("announce", BValue.BBytes.of(missing.get(0)));
        }
        if (!seeds.isEmpty()) {
            List<BValue> urls = new ArrayList<>();
            for (String w : webSeeds) urls.add(BValue.BBytes.of(w));
            for (String w : seeds) urls.add(BValue.BBytes.of(w));
            m.put("url-list", new BValue.BList(urls));
        }
        return BencodeEncoder.encode(new BValue.BDict(m));
    }

    static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String infohash() { return infohash; }
    public byte[] torrentBytes() { return torrentBytes.clone(); }
    public long pieceLength() { return pieceLength; }
    public int pieceCount() { return pieceHashes.size(); }
    public byte[] pieceHash(int piece) { return pieceHashes.get(piece); }
    public List<Entry> entries() { return entries; }
    public long totalSize() { return totalSize; }
    public List<String> webSeeds() { return webSeeds; }
    public List<String> trackers() { return trackers; }

    public long pieceSize(int piece) {
        return Math.min(pieceLength, totalSize - piece * pieceLength);
    }

    public int firstPiece(Entry e) {
        return (int) (e.offset() / pieceLength);
    }

    /** One past the last piece holding bytes of {@code e} (the first piece for an empty file). */
    public int endPiece(Entry e) {
        if (e.size() == 0) return firstPiece(e);
        return (int) ((e.offset() + e.size() + pieceLength - 1) / pieceLength);
    }

    public Entry entry(int index) {
        if (index < 0 || index >= entries.size()) throw new ClientException("torrent " + infohash + ": no file index " + index);
        return entries.get(index);
    }

    /**
     * True when every piece touching {@code e} holds only {@code e} and padding: then the file can be
     * fetched, verified and seeded on its own. The planner pads every file so; other torrents may not.
     */
    public boolean isolated(Entry e) {
        return e.index() >= 0 && e.index() < isolated.length && entries.get(e.index()).equals(e) && isolated[e.index()];
    }
}
