package org.nixswarm.core.torrent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeDecoder;
import org.nixswarm.core.bencode.BencodeEncoder;

/**
 * A BitTorrent v1 metainfo file (BEP 3), single- or multi-file, read with strict validation since
 * a torrent is untrusted input. Understands BEP 12 {@code announce-list}, BEP 19 {@code url-list},
 * BEP 27 {@code private} and BEP 47 file attributes (pad files). Hybrid v1+v2 torrents are read as
 * their v1 part; v2-only torrents are rejected.
 *
 * <p>The bencode decoder accepts only the canonical encoding, so re-encoding the decoded value gives
 * back the original bytes: {@link #write()} returns them and {@link #infoHash()} is the SHA-1 of the
 * re-encoded info dictionary.
 */
public final class Torrent {
    public static final int MIN_PIECE_LENGTH = 16 * 1024;
    public static final int MAX_PIECE_LENGTH = 64 * 1024 * 1024;
    /** 1 TiB: far above any bundle, low enough that offsets and piece counts cannot overflow. */
    public static final long MAX_TOTAL_SIZE = 1L << 40;
    /** Refuse to read larger .torrent files (a 1 TiB torrent with 16 KiB pieces needs 1.3 GB of hashes; ours are tiny). */
    public static final int MAX_TORRENT_BYTES = 64 * 1024 * 1024;
    public static final int MAX_FILES = 1_000_000;
    private static final String ATTRIBUTES = "pxhl";

    private final BValue.BDict root;
    private final InfoHash infoHash;
    private final String name;
    private final int pieceLength;
    private final byte[] pieces;
    private final boolean multiFile;
    private final List<TorrentFile> files;
    private final long totalLength;
    private final Optional<String> announce;
    private final List<List<String>> announceList;
    private final List<String> urlList;
    private final Optional<String> comment;
    private final Optional<String> createdBy;
    private final OptionalLong creationDate;
    private final boolean isPrivate;

    private Torrent(BValue.BDict root) {
        this.root = root;
        BValue.BDict info = dict(root, "info", "");
        if (info.has("meta version") && !info.has("pieces")) {
            throw error("info: a v2-only torrent (no 'pieces'); only v1 and hybrid torrents are supported");
        }
        if (info.has("meta version")) {
            long version = integer(info, "meta version", "info.");
            if (version != 2) throw error("info.meta version: unsupported version " + version);
        }
        this.infoHash = InfoHash.sha1(BencodeEncoder.encode(info));
        this.name = component(bytes(info, "name", "info."), "info.name");
        long pl = integer(info, "piece length", "info.");
        if (pl < Integer.MIN_VALUE || pl > Integer.MAX_VALUE) throw error("info.piece length: " + pl + " is out of range");
        checkPieceLength((int) pl, "info.piece length");
        this.pieceLength = (int) pl;

        boolean hasLength = info.has("length");
        boolean hasFiles = info.has("files");
        if (hasLength == hasFiles) {
            throw error("info: must have exactly one of 'length' (single file) and 'files' (multi-file), has "
                    + (hasLength ? "both" : "neither"));
        }
        this.multiFile = hasFiles;
        this.files = multiFile ? readFiles(info) : List.of(singleFile(info));
        TorrentFile last = files.get(files.size() - 1);
        this.totalLength = last.end();
        if (totalLength == 0) throw error("info: the torrent holds no data (total length 0)");

        byte[] p = bytes(info, "pieces", "info.");
        if (p.length % 20 != 0) throw error("info.pieces: length " + p.length + " is not a multiple of 20");
        long expected = (totalLength + pieceLength - 1) / pieceLength;
        if (p.length / 20 != expected) {
            throw error("info.pieces: " + p.length / 20 + " piece hashes, but " + totalLength + " bytes in pieces of "
                    + pieceLength + " need " + expected);
        }
        this.pieces = p;

        this.announce = optionalString(root, "announce", "");
        this.announceList = readAnnounceList(root);
        this.urlList = readUrlList(root);
        this.comment = optionalString(root, "comment", "");
        this.createdBy = optionalString(root, "created by", "");
        this.creationDate = root.has("creation date") ? OptionalLong.of(integer(root, "creation date", "")) : OptionalLong.empty();
        if (info.has("private")) {
            long v = integer(info, "private", "info.");
            if (v != 0 && v != 1) throw error("info.private: must be 0 or 1, got " + v);
            this.isPrivate = v == 1;
        } else {
            this.isPrivate = false;
        }
    }

    /** Reads a torrent from its bencoded bytes. */
    public static Torrent read(byte[] data) {
        if (data.length > MAX_TORRENT_BYTES) {
            throw error("file of " + data.length + " bytes is larger than the limit of " + MAX_TORRENT_BYTES);
        }
        BValue v;
        try {
            v = BencodeDecoder.decode(data);
        } catch (FormatException e) {
            throw new FormatException("torrent: " + e.getMessage(), e);
        }
        if (!(v instanceof BValue.BDict d)) throw error("the top level must be a dictionary");
        return new Torrent(d);
    }

    /** Reads a .torrent file; the message of a {@link FormatException} names the file. */
    public static Torrent read(Path file) throws IOException {
        byte[] data;
        try (InputStream in = Files.newInputStream(file)) {
            data = in.readNBytes(MAX_TORRENT_BYTES + 1);
        }
        try {
            return read(data);
        } catch (FormatException e) {
            throw new FormatException(file + ": " + e.getMessage(), e);
        }
    }

    /** The bencoded torrent, byte for byte what was read (or built). */
    public byte[] write() {
        return BencodeEncoder.encode(root);
    }

    /** The whole decoded metainfo, for fields this class does not interpret. */
    public BValue.BDict metainfo() {
        return root;
    }

    public InfoHash infoHash() {
        return infoHash;
    }

    public String name() {
        return name;
    }

    public int pieceLength() {
        return pieceLength;
    }

    public int pieceCount() {
        return pieces.length / 20;
    }

    /** The SHA-1 of piece {@code index}. */
    public byte[] pieceHash(int index) {
        checkPiece(index);
        byte[] h = new byte[20];
        System.arraycopy(pieces, index * 20, h, 0, 20);
        return h;
    }

    /** Where piece {@code index} starts in the concatenated data. */
    public long pieceOffset(int index) {
        checkPiece(index);
        return (long) index * pieceLength;
    }

    /** The length of piece {@code index}: the piece length, except for a shorter last piece. */
    public int pieceSize(int index) {
        checkPiece(index);
        return (int) Math.min(pieceLength, totalLength - (long) index * pieceLength);
    }

    /** Whether the info dictionary has a {@code files} list (even with a single entry). */
    public boolean isMultiFile() {
        return multiFile;
    }

    /** Every entry of the file list, pad files included, in torrent order. */
    public List<TorrentFile> files() {
        return files;
    }

    /** The files that are not pad files. */
    public List<TorrentFile> realFiles() {
        return files.stream().filter(f -> !f.isPad()).toList();
    }

    public TorrentFile file(int index) {
        if (index < 0 || index >= files.size()) {
            throw new IndexOutOfBoundsException("file " + index + " of " + files.size());
        }
        return files.get(index);
    }

    /**
     * The file's path as a client stores it: {@code name/path} for a multi-file torrent, the name for
     * a single-file one. For our bundles this is {@code nar/<filehash>.nar.xz}, the narinfo's URL.
     */
    public String fullPath(TorrentFile f) {
        return multiFile ? name + "/" + f.pathString() : name;
    }

    /** The non-pad file whose {@link #fullPath} is {@code path}, if any. */
    public Optional<TorrentFile> findFile(String path) {
        return files.stream().filter(f -> !f.isPad() && fullPath(f).equals(path)).findFirst();
    }

    /** The pieces holding some byte of this file. */
    public PieceSpan pieces(TorrentFile f) {
        return PieceSpan.of(f.offset(), f.length(), pieceLength);
    }

    /** The length of the concatenated data, pad files included. */
    public long totalLength() {
        return totalLength;
    }

    public Optional<String> announce() {
        return announce;
    }

    /** BEP 12 tiers, as written (empty when absent). */
    public List<List<String>> announceList() {
        return announceList;
    }

    /**
     * Every tracker: the {@code announce-list} tiers flattened when present (BEP 12 says it then
     * replaces {@code announce}), else {@code announce}.
     */
    public List<String> trackers() {
        if (!announceList.isEmpty()) {
            List<String> all = new ArrayList<>();
            for (List<String> tier : announceList) {
                for (String t : tier) {
                    if (!all.contains(t)) all.add(t);
                }
            }
            return List.copyOf(all);
        }
        return announce.map(List::of).orElse(List.of());
    }

    /** BEP 19 web seeds (empty when absent). */
    public List<String> urlList() {
        return urlList;
    }

    public Optional<String> comment() {
        return comment;
    }

    public Optional<String> createdBy() {
        return createdBy;
    }

    /** Seconds since the epoch, as written. */
    public OptionalLong creationDate() {
        return creationDate;
    }

    public boolean isPrivate() {
        return isPrivate;
    }

    @Override
    public String toString() {
        return "Torrent[" + infoHash.hex() + " " + name + ", " + files.size() + " files, " + totalLength + " bytes]";
    }

    static void checkPieceLength(int pl, String what) {
        if (pl < MIN_PIECE_LENGTH || pl > MAX_PIECE_LENGTH || Integer.bitCount(pl) != 1) {
            throw error(what + ": " + pl + " is not a power of two between " + MIN_PIECE_LENGTH + " and " + MAX_PIECE_LENGTH);
        }
    }

    /**
     * Checks one path component (also {@code info.name}): UTF-8, not empty, not {@code .} or
     * {@code ..}, no {@code /} and no NUL, so that joining components can never escape the download
     * directory.
     */
    static String component(byte[] raw, String where) {
        return component(raw, () -> where);
    }

    private static String component(byte[] raw, Supplier<String> at) {
        String s = utf8(raw, at);
        String problem = null;
        if (s.isEmpty()) problem = "empty path component";
        else if (s.equals(".") || s.equals("..")) problem = "path component '" + s + "' is not allowed";
        else if (s.indexOf('/') >= 0) problem = "path component '" + printable(s) + "' contains '/'";
        else if (s.indexOf('\0') >= 0) problem = "path component '" + printable(s) + "' contains NUL";
        if (problem != null) throw error(at.get() + ": " + problem);
        return s;
    }

    private TorrentFile singleFile(BValue.BDict info) {
        long length = integer(info, "length", "info.");
        if (length < 0) throw error("info.length: negative (" + length + ")");
        if (length > MAX_TOTAL_SIZE) throw error("info.length: " + length + " exceeds the limit of " + MAX_TOTAL_SIZE + " bytes");
        return new TorrentFile(0, List.of(name), length, 0, attributes(info, "info."));
    }

    private List<TorrentFile> readFiles(BValue.BDict info) {
        List<BValue> list = list(info, "files", "info.");
        if (list.isEmpty()) throw error("info.files: empty list");
        if (list.size() > MAX_FILES) throw error("info.files: " + list.size() + " files, more than the limit of " + MAX_FILES);
        List<TorrentFile> out = new ArrayList<>(list.size());
        Set<String> filePaths = new HashSet<>();
        Set<String> dirPaths = new HashSet<>();
        long offset = 0;
        for (int i = 0; i < list.size(); i++) {
            // Messages are built only on failure: a bundle may list a hundred thousand files.
            int fi = i;
            Supplier<String> where = () -> "info.files[" + fi + "]";
            if (!(list.get(i) instanceof BValue.BDict f)) throw error(where.get() + ": must be a dictionary");
            BValue lengthValue = f.get("length");
            if (!(lengthValue instanceof BValue.BInt lengthInt)) {
                throw error(where.get() + (lengthValue == null ? ": missing 'length'" : ".length: must be an integer"));
            }
            long length = lengthInt.value();
            if (length < 0) throw error(where.get() + ".length: negative (" + length + ")");
            if (length > MAX_TOTAL_SIZE - offset) {
                throw error(where.get() + ".length: total size exceeds the limit of " + MAX_TOTAL_SIZE + " bytes");
            }
            BValue pathValue = f.get("path");
            if (!(pathValue instanceof BValue.BList rawPath)) {
                throw error(where.get() + (pathValue == null ? ": missing 'path'" : ".path: must be a list"));
            }
            if (rawPath.values().isEmpty()) throw error(where.get() + ".path: empty list");
            List<String> path = new ArrayList<>(rawPath.values().size());
            for (int j = 0; j < rawPath.values().size(); j++) {
                int pj = j;
                Supplier<String> at = () -> where.get() + ".path[" + pj + "]";
                if (!(rawPath.values().get(j) instanceof BValue.BBytes b)) throw error(at.get() + ": must be a byte string");
                path.add(component(b.bytes(), at));
            }
            String attr = f.has("attr") ? attributes(f, where.get() + ".") : "";
            TorrentFile file = new TorrentFile(i, path, length, offset, attr);
            // Pads may share a path (libtorrent names them .pad/<size>); clients never write them out.
            if (!file.isPad()) checkNoClash(file, filePaths, dirPaths, where);
            out.add(file);
            offset += length;
        }
        return Collections.unmodifiableList(out);
    }

    /** Two files at one path, or a file where another needs a directory, would overwrite each other. */
    private static void checkNoClash(TorrentFile f, Set<String> filePaths, Set<String> dirPaths, Supplier<String> where) {
        String full = f.pathString();
        if (dirPaths.contains(full) || !filePaths.add(full)) {
            throw error(where.get() + ".path: '" + printable(full) + "' is already used by another file or directory");
        }
        StringBuilder dir = new StringBuilder();
        for (int j = 0; j < f.path().size() - 1; j++) {
            if (j > 0) dir.append('/');
            dir.append(f.path().get(j));
            String d = dir.toString();
            if (filePaths.contains(d)) throw error(where.get() + ".path: directory '" + printable(d) + "' is also a file");
            dirPaths.add(d);
        }
    }

    private static String attributes(BValue.BDict d, String where) {
        if (!d.has("attr")) return "";
        String attr = utf8(bytes(d, "attr", where), where + "attr");
        for (int i = 0; i < attr.length(); i++) {
            if (ATTRIBUTES.indexOf(attr.charAt(i)) < 0) {
                throw error(where + "attr: unknown attribute '" + printable(attr.substring(i, i + 1))
                        + "' (BEP 47 defines p, x, h, l)");
            }
        }
        if (attr.indexOf('l') >= 0 && d.has("symlink path")) {
            for (BValue v : list(d, "symlink path", where)) {
                if (!(v instanceof BValue.BBytes)) throw error(where + "symlink path: elements must be byte strings");
            }
        }
        return attr;
    }

    private static List<List<String>> readAnnounceList(BValue.BDict root) {
        if (!root.has("announce-list")) return List.of();
        List<BValue> tiers = list(root, "announce-list", "");
        List<List<String>> out = new ArrayList<>(tiers.size());
        for (int i = 0; i < tiers.size(); i++) {
            if (!(tiers.get(i) instanceof BValue.BList tier)) throw error("announce-list[" + i + "]: a tier must be a list");
            List<String> urls = new ArrayList<>(tier.values().size());
            for (int j = 0; j < tier.values().size(); j++) {
                String where = "announce-list[" + i + "][" + j + "]";
                if (!(tier.values().get(j) instanceof BValue.BBytes b)) throw error(where + ": must be a byte string");
                urls.add(utf8(b.bytes(), where));
            }
            out.add(List.copyOf(urls));
        }
        return List.copyOf(out);
    }

    /** BEP 19 allows one URL as a string or a list of them; empty strings (seen in the wild) are skipped. */
    private static List<String> readUrlList(BValue.BDict root) {
        BValue v = root.get("url-list");
        if (v == null) return List.of();
        if (v instanceof BValue.BBytes b) {
            String url = utf8(b.bytes(), "url-list");
            return url.isEmpty() ? List.of() : List.of(url);
        }
        if (!(v instanceof BValue.BList l)) throw error("url-list: must be a string or a list of strings");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.values().size(); i++) {
            if (!(l.values().get(i) instanceof BValue.BBytes b)) throw error("url-list[" + i + "]: must be a byte string");
            String url = utf8(b.bytes(), "url-list[" + i + "]");
            if (!url.isEmpty()) out.add(url);
        }
        return List.copyOf(out);
    }

    private static BValue get(BValue.BDict d, String key, String prefix) {
        BValue v = d.get(key);
        if (v == null) throw error((prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1) + ": ") + "missing '" + key + "'");
        return v;
    }

    private static BValue.BDict dict(BValue.BDict d, String key, String prefix) {
        if (get(d, key, prefix) instanceof BValue.BDict r) return r;
        throw error(prefix + key + ": must be a dictionary");
    }

    private static List<BValue> list(BValue.BDict d, String key, String prefix) {
        if (get(d, key, prefix) instanceof BValue.BList r) return r.values();
        throw error(prefix + key + ": must be a list");
    }

    private static long integer(BValue.BDict d, String key, String prefix) {
        if (get(d, key, prefix) instanceof BValue.BInt r) return r.value();
        throw error(prefix + key + ": must be an integer");
    }

    private static byte[] bytes(BValue.BDict d, String key, String prefix) {
        if (get(d, key, prefix) instanceof BValue.BBytes r) return r.bytes();
        throw error(prefix + key + ": must be a byte string");
    }

    private static Optional<String> optionalString(BValue.BDict d, String key, String prefix) {
        if (!d.has(key)) return Optional.empty();
        return Optional.of(utf8(bytes(d, key, prefix), prefix + key));
    }

    private static String utf8(byte[] raw, String where) {
        return utf8(raw, () -> where);
    }

    private static String utf8(byte[] raw, Supplier<String> where) {
        boolean ascii = true;
        for (byte b : raw) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) return new String(raw, StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw error(where.get() + ": not valid UTF-8");
        }
    }

    private void checkPiece(int index) {
        if (index < 0 || index >= pieceCount()) {
            throw new IndexOutOfBoundsException("piece " + index + " of " + pieceCount());
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        String t = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        for (char ch : t.toCharArray()) {
            b.append(ch < 0x20 || ch == 0x7f ? String.format("\\x%02x", (int) ch) : String.valueOf(ch));
        }
        return b.toString();
    }

    private static FormatException error(String what) {
        return new FormatException("torrent: " + what);
    }
}
