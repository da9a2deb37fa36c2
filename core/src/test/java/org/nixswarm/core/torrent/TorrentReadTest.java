package org.nixswarm.core.torrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeEncoder;

class TorrentReadTest {
    static final byte[] NOT_UTF8 = {'a', (byte) 0xc3, '(', 'b'};

    /** A small valid multi-file torrent as mutable maps: files a (20000 bytes) and d/b (100), 2 pieces of 16 KiB. */
    static final class Meta {
        final Map<String, BValue> root = new LinkedHashMap<>();
        final Map<String, BValue> info = new LinkedHashMap<>();
        final List<Map<String, BValue>> files = new ArrayList<>();

        Meta() {
            info.put("name", BValue.of("nar"));
            info.put("piece length", BValue.of(16384));
            info.put("pieces", BValue.of(new byte[40]));
            files.add(file(20000, "a"));
            files.add(file(100, "d", "b"));
            root.put("announce", BValue.of("http://127.0.0.1:6969/announce"));
        }

        static Map<String, BValue> file(long length, String... path) {
            Map<String, BValue> f = new LinkedHashMap<>();
            f.put("length", BValue.of(length));
            f.put("path", strings(path));
            return f;
        }

        static BValue strings(String... s) {
            List<BValue> l = new ArrayList<>();
            for (String x : s) l.add(BValue.of(x));
            return new BValue.BList(l);
        }

        byte[] bytes() {
            Map<String, BValue> i = new LinkedHashMap<>(info);
            if (!files.isEmpty() && !i.containsKey("files")) {
                i.put("files", new BValue.BList(files.stream().map(f -> (BValue) new BValue.BDict(f)).toList()));
            }
            Map<String, BValue> r = new LinkedHashMap<>(root);
            if (!r.containsKey("info")) r.put("info", new BValue.BDict(i));
            r.values().removeIf(v -> v == null);
            return BencodeEncoder.encode(new BValue.BDict(r));
        }
    }

    static Arguments bad(String expected, Consumer<Meta> mutation) {
        return Arguments.of(expected, mutation);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("info: missing 'name'", m -> m.info.remove("name")),
                bad("info.name: must be a byte string", m -> m.info.put("name", BValue.of(1))),
                bad("info.name: empty path component", m -> m.info.put("name", BValue.of(""))),
                bad("info.name: path component '..' is not allowed", m -> m.info.put("name", BValue.of(".."))),
                bad("info.name: path component 'a/b' contains '/'", m -> m.info.put("name", BValue.of("a/b"))),
                bad("info.name: not valid UTF-8", m -> m.info.put("name", BValue.of(NOT_UTF8))),
                bad("info: missing 'piece length'", m -> m.info.remove("piece length")),
                bad("info.piece length: must be an integer", m -> m.info.put("piece length", BValue.of("16384"))),
                bad("info.piece length: 20000 is not a power of two between 16384 and 67108864",
                        m -> m.info.put("piece length", BValue.of(20000))),
                bad("info.piece length: 8192 is not a power of two", m -> m.info.put("piece length", BValue.of(8192))),
                bad("info.piece length: 134217728 is not a power of two", m -> m.info.put("piece length", BValue.of(1 << 27))),
                bad("info.piece length: 1099511627776 is out of range", m -> m.info.put("piece length", BValue.of(1L << 40))),
                bad("info.piece length: -16384 is not a power of two", m -> m.info.put("piece length", BValue.of(-16384))),
                bad("info: missing 'pieces'", m -> m.info.remove("pieces")),
                bad("info.pieces: must be a byte string", m -> m.info.put("pieces", Meta.strings("x"))),
                bad("info.pieces: length 39 is not a multiple of 20", m -> m.info.put("pieces", BValue.of(new byte[39]))),
                bad("info.pieces: 3 piece hashes, but 20100 bytes in pieces of 16384 need 2",
                        m -> m.info.put("pieces", BValue.of(new byte[60]))),
                bad("info.pieces: 0 piece hashes", m -> m.info.put("pieces", BValue.of(new byte[0]))),
                bad("info: must have exactly one of 'length' (single file) and 'files' (multi-file), has both",
                        m -> m.info.put("length", BValue.of(20100))),
                bad("has neither", m -> m.files.clear()),
                bad("info.files: must be a list", m -> m.info.put("files", BValue.of("a"))),
                bad("info.files: empty list", m -> m.info.put("files", new BValue.BList(List.of()))),
                bad("info.files[1]: must be a dictionary",
                        m -> m.info.put("files", new BValue.BList(List.of(new BValue.BDict(m.files.get(0)), BValue.of(1))))),
                bad("info.files[0]: missing 'length'", m -> m.files.get(0).remove("length")),
                bad("info.files[0].length: must be an integer", m -> m.files.get(0).put("length", BValue.of("1"))),
                bad("info.files[1].length: negative (-1)", m -> m.files.get(1).put("length", BValue.of(-1))),
                bad("info.files[1]: missing 'path'", m -> m.files.get(1).remove("path")),
                bad("info.files[1].path: must be a list", m -> m.files.get(1).put("path", BValue.of("d/b"))),
                bad("info.files[1].path: empty list", m -> m.files.get(1).put("path", Meta.strings())),
                bad("info.files[1].path[1]: empty path component", m -> m.files.get(1).put("path", Meta.strings("d", ""))),
                bad("info.files[1].path[0]: path component '..' is not allowed",
                        m -> m.files.get(1).put("path", Meta.strings("..", "b"))),
                bad("info.files[1].path[1]: path component '.' is not allowed",
                        m -> m.files.get(1).put("path", Meta.strings("d", "."))),
                bad("info.files[1].path[0]: path component '/etc' contains '/'",
                        m -> m.files.get(1).put("path", Meta.strings("/etc", "b"))),
                bad("info.files[1].path[1]: path component 'b\\x00.sh' contains NUL",
                        m -> m.files.get(1).put("path", Meta.strings("d", "b\0.sh"))),
                bad("info.files[1].path[1]: not valid UTF-8",
                        m -> m.files.get(1).put("path", new BValue.BList(List.of(BValue.of("d"), BValue.of(NOT_UTF8))))),
                bad("info.files[1].path[0]: must be a byte string",
                        m -> m.files.get(1).put("path", new BValue.BList(List.of(BValue.of(7))))),
                bad("info.files[1].path: 'a' is already used by another file or directory",
                        m -> m.files.get(1).put("path", Meta.strings("a"))),
                bad("info.files[1].path: directory 'a' is also a file",
                        m -> m.files.get(1).put("path", Meta.strings("a", "b"))),
                bad("info.files[1].path: 'd' is already used by another file or directory", m -> {
                    m.files.get(0).put("path", Meta.strings("d", "x"));
                    m.files.get(1).put("path", Meta.strings("d"));
                }),
                bad("info.files[0].attr: unknown attribute 'z' (BEP 47 defines p, x, h, l)",
                        m -> m.files.get(0).put("attr", BValue.of("xz"))),
                bad("info.files[0].attr: must be a byte string", m -> m.files.get(0).put("attr", BValue.of(1))),
                bad("info.files[0].symlink path: elements must be byte strings", m -> {
                    m.files.get(0).put("attr", BValue.of("l"));
                    m.files.get(0).put("symlink path", new BValue.BList(List.of(BValue.of(1))));
                }),
                bad("info: the torrent holds no data (total length 0)", m -> {
                    m.files.get(0).put("length", BValue.of(0));
                    m.files.get(1).put("length", BValue.of(0));
                    m.info.put("pieces", BValue.of(new byte[0]));
                }),
                bad("info.files[1].length: total size exceeds the limit of 1099511627776 bytes",
                        m -> m.files.get(1).put("length", BValue.of(1L << 40))),
                bad("info.length: negative (-5)", m -> {
                    m.files.clear();
                    m.info.put("length", BValue.of(-5));
                }),
                bad("info.length: 1099511627777 exceeds the limit", m -> {
                    m.files.clear();
                    m.info.put("length", BValue.of((1L << 40) + 1));
                }),
                bad("info.length: must be an integer", m -> {
                    m.files.clear();
                    m.info.put("length", BValue.of("20100"));
                }),
                bad("announce: must be a byte string", m -> m.root.put("announce", BValue.of(1))),
                bad("announce: not valid UTF-8", m -> m.root.put("announce", BValue.of(NOT_UTF8))),
                bad("announce-list: must be a list", m -> m.root.put("announce-list", BValue.of("http://x/"))),
                bad("announce-list[1]: a tier must be a list",
                        m -> m.root.put("announce-list", new BValue.BList(List.of(Meta.strings("http://x/"), BValue.of("y"))))),
                bad("announce-list[0][1]: must be a byte string", m -> m.root.put("announce-list",
                        new BValue.BList(List.of(new BValue.BList(List.of(BValue.of("http://x/"), BValue.of(2))))))),
                bad("url-list: must be a string or a list of strings", m -> m.root.put("url-list", BValue.of(1))),
                bad("url-list[1]: must be a byte string",
                        m -> m.root.put("url-list", new BValue.BList(List.of(BValue.of("http://x/"), Meta.strings("y"))))),
                bad("url-list: not valid UTF-8", m -> m.root.put("url-list", BValue.of(NOT_UTF8))),
                bad("info.private: must be 0 or 1, got 2", m -> m.info.put("private", BValue.of(2))),
                bad("info.private: must be an integer", m -> m.info.put("private", BValue.of("1"))),
                bad("creation date: must be an integer", m -> m.root.put("creation date", BValue.of("2026-11-22"))),
                bad("comment: not valid UTF-8", m -> m.root.put("comment", BValue.of(NOT_UTF8))),
                bad("created by: must be a byte string", m -> m.root.put("created by", Meta.strings("x"))),
                bad("info: a v2-only torrent (no 'pieces'); only v1 and hybrid torrents are supported", m -> {
                    m.info.remove("pieces");
                    m.info.put("meta version", BValue.of(2));
                }),
                bad("info.meta version: unsupported version 3", m -> m.info.put("meta version", BValue.of(3))),
                bad("missing 'info'", m -> m.root.put("info", null)),
                bad("info: must be a dictionary", m -> m.root.put("info", Meta.strings("x"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedTorrentsWithAClearMessage(String expected, Consumer<Meta> mutation) {
        Meta m = new Meta();
        Torrent.read(m.bytes()); // the base is valid
        mutation.accept(m);
        byte[] data = m.bytes();
        FormatException e = assertThrows(FormatException.class, () -> Torrent.read(data));
        assertTrue(e.getMessage().startsWith("torrent: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void rejectsNonBencodeAndNonCanonicalInput() {
        String[][] cases = {
            {"le", "torrent: the top level must be a dictionary"},
            {"i3e", "torrent: the top level must be a dictionary"},
            {"", "torrent: bencode: unexpected end of input at byte 0"},
            {"d4:infod", "torrent: bencode: unterminated dictionary"},
            {"d4:infode8:announce1:xe", "torrent: bencode: dictionary keys out of order"},
            {"d4:infodei01ee", "torrent: bencode:"},
            {"d4:infodee", "torrent: info: missing 'name'"},
            {"de", "torrent: missing 'info'"},
            {"d4:infodeeXYZ", "torrent: bencode: trailing data"},
        };
        for (String[] c : cases) {
            FormatException e = assertThrows(FormatException.class,
                    () -> Torrent.read(c[0].getBytes(StandardCharsets.ISO_8859_1)), c[0]);
            assertTrue(e.getMessage().startsWith(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void readsTheBaseTorrent() {
        Torrent t = Torrent.read(new Meta().bytes());
        assertEquals("nar", t.name());
        assertEquals(2, t.files().size());
        assertEquals(List.of("d", "b"), t.file(1).path());
        assertEquals(20000, t.file(1).offset());
        assertEquals("nar/d/b", t.fullPath(t.file(1)));
        assertEquals(20100, t.totalLength());
        assertEquals(2, t.pieceCount());
        assertEquals(new PieceSpan(1, 2), t.pieces(t.file(1)));
        assertEquals(new PieceSpan(0, 2), t.pieces(t.file(0)));
        assertEquals(List.of("http://127.0.0.1:6969/announce"), t.trackers());
        assertTrue(t.announceList().isEmpty());
        assertTrue(t.urlList().isEmpty());
        assertFalse(t.isPrivate());
    }

    @Test
    void readsSingleFileTorrents() {
        Meta m = new Meta();
        m.files.clear();
        m.info.put("length", BValue.of(20100));
        Torrent t = Torrent.read(m.bytes());
        assertFalse(t.isMultiFile());
        assertEquals(1, t.files().size());
        assertEquals(List.of("nar"), t.file(0).path());
        assertEquals("nar", t.fullPath(t.file(0)));
        assertEquals(20100, t.file(0).length());
    }

    @Test
    void acceptsWhatTheBepsAllow() {
        Meta m = new Meta();
        m.root.put("url-list", BValue.of("http://127.0.0.1:8080/"));
        m.root.put("creation date", BValue.of(1_700_000_000));
        m.root.put("comment", BValue.of("ünïcode"));
        m.root.put("x-unknown", BValue.of("kept")); // unknown keys are kept and written back
        m.info.put("source", BValue.of("elsewhere"));
        m.info.put("private", BValue.of(0));
        m.files.get(0).put("attr", BValue.of("xh"));
        m.files.get(1).put("attr", BValue.of("l"));
        m.files.get(1).put("symlink path", Meta.strings("..", "a"));
        // Two pad files at the same path (libtorrent names them .pad/<size>, so equal sizes share one).
        m.files.add(1, padFile(12768));
        m.files.add(padFile(16284));
        m.files.add(Meta.file(1, "z"));
        byte[] data = m.bytes();
        FormatException notYet = assertThrows(FormatException.class, () -> Torrent.read(data));
        assertTrue(notYet.getMessage().contains("piece hashes"), notYet.getMessage());
        m.info.put("pieces", BValue.of(new byte[20 * 4]));
        byte[] fixed = m.bytes();
        Torrent t = Torrent.read(fixed);
        assertEquals(List.of("http://127.0.0.1:8080/"), t.urlList());
        assertEquals(1_700_000_000L, t.creationDate().getAsLong());
        assertEquals("ünïcode", t.comment().orElseThrow());
        assertTrue(t.file(0).isExecutable() && t.file(0).isHidden() && !t.file(0).isPad());
        assertTrue(t.file(1).isPad());
        assertTrue(t.file(2).isSymlink());
        assertEquals(List.of(0L, 20000L, 32768L, 32868L, 49152L),
                t.files().stream().map(TorrentFile::offset).toList());
        assertEquals(List.of("a", "d/b", "z"), t.realFiles().stream().map(TorrentFile::pathString).toList());
        assertArrayEquals(fixed, t.write(), "write() gives back the bytes read, unknown keys included");
        m.root.put("url-list", BValue.of(""));
        assertTrue(Torrent.read(m.bytes()).urlList().isEmpty(), "an empty url-list string means none");
        m.root.put("url-list", new BValue.BList(List.of(BValue.of(""), BValue.of("http://a/"))));
        assertEquals(List.of("http://a/"), Torrent.read(m.bytes()).urlList());
        m.info.put("meta version", BValue.of(2)); // hybrid v1+v2: read as v1
        assertEquals(49153, Torrent.read(m.bytes()).totalLength());
    }

    static Map<String, BValue> padFile(long length) {
        Map<String, BValue> f = Meta.file(length, ".pad", "same");
        f.put("attr", BValue.of("p"));
        return f;
    }

    @Test
    void readingAFileNamesItInTheMessage(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("broken.torrent");
        Files.write(f, "d4:infodee".getBytes(StandardCharsets.US_ASCII));
        FormatException e = assertThrows(FormatException.class, () -> Torrent.read(f));
        assertEquals(f + ": torrent: info: missing 'name'", e.getMessage());
        Path ok = dir.resolve("ok.torrent");
        Files.write(ok, new Meta().bytes());
        assertEquals(Torrent.read(new Meta().bytes()).infoHash(), Torrent.read(ok).infoHash());
    }

    @Test
    void rejectsOversizedInputBeforeParsing() {
        byte[] huge = new byte[Torrent.MAX_TORRENT_BYTES + 1];
        FormatException e = assertThrows(FormatException.class, () -> Torrent.read(huge));
        assertTrue(e.getMessage().contains("larger than the limit"), e.getMessage());
    }
}
