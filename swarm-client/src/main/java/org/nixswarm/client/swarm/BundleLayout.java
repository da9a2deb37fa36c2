package org.nixswarm.client.swarm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.nixswarm.client.ClientException;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeDecoder;
import org.nixswarm.core.bencode.BencodeEncoder;

/**
 * What the client needs to know of a bundle torrent: its pieces, which byte ranges are real files
 * (under {@code nar/}) and which are BEP 47 padding, its web seeds and trackers.
 *
 * <p>TODO(core): read through core's Torrent once it is on main.
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
    }

    public static BundleLayout parse(byte[] torrent) {
        BValue root;
        try {
            root = BencodeDecoder.decode(torrent);
        } catch (FormatException e) {
            throw new ClientException("torrent: " + e.getMessage());
        }
        if (!(root instanceof BValue.BDict top)) throw new ClientException("torrent: not a dictionary");
        if (!(top.get("info") instanceof BValue.BDict info)) throw new ClientException("torrent: no info dictionary");
        String infohash = HexFormat.of().formatHex(sha1(BencodeEncoder.encode(info)));
        long pieceLength = integer(info, "piece length");
        if (pieceLength <= 0 || pieceLength > (64 << 20)) throw new ClientException("torrent " + infohash + ": bad piece length " + pieceLength);
        if (!(info.get("pieces") instanceof BValue.BBytes pieces) || pieces.length() % 20 != 0) {
            throw new ClientException("torrent " + infohash + ": pieces is not a multiple of 20 bytes");
        }
        byte[] all = pieces.bytes();
        List<byte[]> hashes = new ArrayList<>(all.length / 20);
        for (int i = 0; i < all.length; i += 20) {
            byte[] h = new byte[20];
            System.arraycopy(all, i, h, 0, 20);
            hashes.add(h);
        }
        String name = text(info.get("name"), "info.name", infohash);
        if (!(info.get("files") instanceof BValue.BList files)) throw new ClientException("torrent " + infohash + ": not a multi-file torrent");
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        for (BValue f : files.values()) {
            if (!(f instanceof BValue.BDict fd)) throw new ClientException("torrent " + infohash + ": file entry is not a dictionary");
            long length = integer(fd, "length");
            if (length < 0) throw new ClientException("torrent " + infohash + ": negative file length");
            if (!(fd.get("path") instanceof BValue.BList path) || path.values().isEmpty()) {
                throw new ClientException("torrent " + infohash + ": file entry has no path");
            }
            List<String> parts = new ArrayList<>();
            for (BValue p : path.values()) parts.add(text(p, "path", infohash));
            boolean pad = fd.get("attr") instanceof BValue.BBytes attr && attr.utf8().contains("p")
                    || parts.get(0).equals(".pad");
            if (!pad) {
                if (parts.size() != 1 || parts.get(0).contains("/") || parts.get(0).startsWith(".") || parts.get(0).isEmpty()) {
                    throw new ClientException("torrent " + infohash + ": file path is not one plain name: " + parts);
                }
            }
            entries.add(new Entry(entries.size(), name + "/" + String.join("/", parts), offset, length, pad));
            offset += length;
        }
        long expectedPieces = (offset + pieceLength - 1) / pieceLength;
        if (expectedPieces != hashes.size()) {
            throw new ClientException("torrent " + infohash + ": " + hashes.size() + " piece hashes for " + expectedPieces + " pieces");
        }
        Set<String> seeds = new LinkedHashSet<>();
        BValue ul = top.get("url-list");
        if (ul instanceof BValue.BBytes b) seeds.add(b.utf8());
        else if (ul instanceof BValue.BList l) for (BValue v : l.values()) if (v instanceof BValue.BBytes b) seeds.add(b.utf8());
        Set<String> trackers = new LinkedHashSet<>();
        if (top.get("announce") instanceof BValue.BBytes a) trackers.add(a.utf8());
        if (top.get("announce-list") instanceof BValue.BList tiers) {
            for (BValue tier : tiers.values()) {
                if (tier instanceof BValue.BList t) for (BValue v : t.values()) if (v instanceof BValue.BBytes b) trackers.add(b.utf8());
            }
        }
        return new BundleLayout(infohash, torrent.clone(), pieceLength, List.copyOf(hashes), List.copyOf(entries), offset,
                List.copyOf(seeds), List.copyOf(trackers));
    }

    private static long integer(BValue.BDict d, String key) {
        if (d.get(key) instanceof BValue.BInt i) return i.value();
        throw new ClientException("torrent: '" + key + "' is missing or not an integer");
    }

    private static String text(BValue v, String what, String infohash) {
        if (v instanceof BValue.BBytes b) return b.utf8();
        throw new ClientException("torrent " + infohash + ": " + what + " is not a string");
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
        if (e.offset() % pieceLength != 0) return false;
        long end = Math.min((long) endPiece(e) * pieceLength, totalSize);
        for (Entry o : entries) {
            if (o == e || o.pad() || o.size() == 0) continue;
            if (o.offset() < end && o.offset() + o.size() > e.offset()) return false;
        }
        return true;
    }
}
