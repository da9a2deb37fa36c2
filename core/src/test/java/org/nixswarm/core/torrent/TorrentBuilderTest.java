package org.nixswarm.core.torrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeDecoder;
import org.nixswarm.core.bencode.BencodeEncoder;

class TorrentBuilderTest {
    static final int PIECE = 16 * 1024;
    /** Sizes chosen to hit every case: mid-piece end, exact multiple, empty, smaller than a piece, several pieces. */
    static final long[] SIZES = {40_000, 2 * PIECE, 0, 5_000, 70_001, 1};

    @TempDir
    Path dir;

    static byte[] content(int index, long size) {
        byte[] b = new byte[(int) size];
        new Random(1000 + index).nextBytes(b);
        return b;
    }

    /** Writes the sample files and returns a builder over them, paths nar/<i>.nar.xz. */
    static TorrentBuilder sampleBuilder(Path dir, boolean pads) throws IOException {
        TorrentBuilder b = new TorrentBuilder("nar").pieceLength(PIECE).padFiles(pads);
        for (int i = 0; i < SIZES.length; i++) {
            Path f = dir.resolve("nar").resolve("f" + i + ".nar.xz");
            Files.createDirectories(f.getParent());
            Files.write(f, content(i, SIZES[i]));
            b.addFile(List.of("f" + i + ".nar.xz"), f);
        }
        return b.announce("http://127.0.0.1:6969/announce")
                .addAnnounceTier(List.of("http://127.0.0.1:6969/announce"))
                .addAnnounceTier(List.of("udp://127.0.0.1:6970/announce", "http://127.0.0.1:6971/announce"))
                .addWebSeed("http://127.0.0.1:8080/")
                .createdBy("nix-swarm test");
    }

    /** The torrent's concatenated data: files in order, pads as zeros. */
    static byte[] concatenated(Torrent t, Path root) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TorrentFile f : t.files()) {
            if (f.isPad()) {
                out.write(new byte[(int) f.length()]);
            } else {
                out.write(Files.readAllBytes(root.resolve(t.fullPath(f))));
            }
        }
        return out.toByteArray();
    }

    static void assertPiecesVerify(Torrent t, byte[] data) throws Exception {
        assertEquals(t.totalLength(), data.length);
        for (int i = 0; i < t.pieceCount(); i++) {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(data, (int) t.pieceOffset(i), t.pieceSize(i));
            assertArrayEquals(sha1.digest(), t.pieceHash(i), "piece " + i);
        }
    }

    @Test
    void padFilesAlignEveryRealFileOnAPieceBoundary() throws Exception {
        Torrent t = sampleBuilder(dir, true).build();
        List<TorrentFile> real = t.realFiles();
        assertEquals(SIZES.length, real.size());
        for (int i = 0; i < real.size(); i++) {
            TorrentFile f = real.get(i);
            assertEquals(List.of("f" + i + ".nar.xz"), f.path());
            assertEquals("nar/f" + i + ".nar.xz", t.fullPath(f));
            assertEquals(SIZES[i], f.length());
            assertEquals(0, f.offset() % PIECE, "file " + i + " starts on a piece boundary");
        }
        // Pads: after 40000 (mid-piece) and 5000 and 70001; none after the exact multiple, the empty file, or the last file.
        List<TorrentFile> pads = t.files().stream().filter(TorrentFile::isPad).toList();
        assertEquals(List.of(PIECE * 3L - 40_000, PIECE - 5_000L, PIECE * 5L - 70_001),
                pads.stream().map(TorrentFile::length).toList());
        for (TorrentFile p : pads) {
            assertEquals(List.of(".pad", Long.toString(p.length())), p.path());
            assertEquals("p", p.attributes());
        }
        assertFalse(t.files().get(t.files().size() - 1).isPad(), "no pad after the last file");
        for (int i = 0; i < t.files().size(); i++) assertEquals(i, t.files().get(i).index());
        assertPiecesVerify(t, concatenated(t, dir));
        assertEquals(t.totalLength(), real.get(real.size() - 1).end());
    }

    @Test
    void fileIndexesAndPieceSpans() throws Exception {
        Torrent t = sampleBuilder(dir, true).build();
        // files: f0(0) pad(1) f1(2) f2(3, empty) f3(4) pad(5) f4(6) pad(7) f5(8)
        assertEquals(9, t.files().size());
        assertEquals(new PieceSpan(0, 3), t.pieces(t.file(0)));
        assertEquals(new PieceSpan(3, 5), t.pieces(t.file(2)));
        assertTrue(t.pieces(t.file(3)).isEmpty());
        assertEquals(new PieceSpan(5, 6), t.pieces(t.file(4)));
        assertEquals(new PieceSpan(6, 11), t.pieces(t.file(6)));
        assertEquals(new PieceSpan(11, 12), t.pieces(t.file(8)));
        assertEquals(12, t.pieceCount());
        assertEquals(1, t.pieceSize(11));
        assertEquals(PIECE, t.pieceSize(10));
        assertEquals(t.file(6), t.findFile("nar/f4.nar.xz").orElseThrow());
        assertTrue(t.findFile("nar/nothing").isEmpty());
        assertThrows(IndexOutOfBoundsException.class, () -> t.pieceHash(12));
    }

    @Test
    void withoutPadsFilesAreContiguousAndPiecesSpanFiles() throws Exception {
        Torrent t = sampleBuilder(dir, false).build();
        assertEquals(SIZES.length, t.files().size());
        long offset = 0;
        for (int i = 0; i < SIZES.length; i++) {
            assertEquals(offset, t.file(i).offset());
            offset += SIZES[i];
        }
        assertEquals(offset, t.totalLength());
        assertPiecesVerify(t, concatenated(t, dir));
    }

    @Test
    void metadataFieldsAreWrittenAndReadBack() throws Exception {
        Torrent t = sampleBuilder(dir, true).comment("bundle 7").privateFlag(true).build();
        assertEquals("nar", t.name());
        assertEquals(PIECE, t.pieceLength());
        assertTrue(t.isMultiFile());
        assertEquals("http://127.0.0.1:6969/announce", t.announce().orElseThrow());
        assertEquals(List.of(List.of("http://127.0.0.1:6969/announce"),
                List.of("udp://127.0.0.1:6970/announce", "http://127.0.0.1:6971/announce")), t.announceList());
        assertEquals(List.of("http://127.0.0.1:6969/announce", "udp://127.0.0.1:6970/announce",
                "http://127.0.0.1:6971/announce"), t.trackers());
        assertEquals(List.of("http://127.0.0.1:8080/"), t.urlList());
        assertEquals("nix-swarm test", t.createdBy().orElseThrow());
        assertEquals("bundle 7", t.comment().orElseThrow());
        assertTrue(t.isPrivate());
        assertTrue(t.creationDate().isEmpty(), "no creation date unless asked for");
        Torrent dated = sampleBuilder(dir, true).creationDate(Instant.ofEpochSecond(1_700_000_000)).build();
        assertEquals(1_700_000_000L, dated.creationDate().getAsLong());
    }

    @Test
    void buildIsDeterministicAndTheInfohashCoversTheInfoDictionaryOnly() throws Exception {
        Torrent a = sampleBuilder(dir, true).build();
        Torrent b = sampleBuilder(dir, true).build();
        assertArrayEquals(a.write(), b.write());
        Torrent dated = sampleBuilder(dir, true).creationDate(Instant.now()).comment("other").build();
        assertEquals(a.infoHash(), dated.infoHash(), "creation date and comment are outside the info dictionary");
        Torrent otherPiece = sampleBuilder(dir, true).pieceLength(2 * PIECE).build();
        assertNotEquals(a.infoHash(), otherPiece.infoHash());
    }

    @Test
    void infohashIsTheSha1OfTheInfoBytesAsTheyAppearInTheFile() throws Exception {
        Torrent t = sampleBuilder(dir, true).build();
        byte[] file = t.write();
        // Find the raw info value in the file independently of our encoder: it follows "4:info" in the
        // top-level dictionary and, being the only dictionary there, ends where "e" closes it before the next key.
        byte[] info = BencodeEncoder.encode(((BValue.BDict) BencodeDecoder.decode(file)).get("info"));
        int at = indexOf(file, "4:infod".getBytes()) + 6;
        byte[] raw = java.util.Arrays.copyOfRange(file, at, at + info.length);
        assertArrayEquals(raw, info, "the canonical re-encoding equals the bytes in the file");
        assertEquals(InfoHash.sha1(raw), t.infoHash());
        assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(raw), t.infoHash().bytes());
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void parallelAndSequentialHashingAgree() throws Exception {
        Torrent one = sampleBuilder(dir, true).threads(1).build();
        Torrent many = sampleBuilder(dir, true).threads(4).build();
        Torrent bounded = sampleBuilder(dir, true).threads(4).memoryLimit(PIECE).build();
        assertEquals(one.infoHash(), many.infoHash());
        assertEquals(one.infoHash(), bounded.infoHash());
        Torrent noPads = sampleBuilder(dir, false).threads(4).build();
        assertPiecesVerify(noPads, concatenated(noPads, dir));
    }

    @Test
    void streamsFromInputStreamSuppliersAndOpensEachSourceOnce() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        TorrentBuilder b = new TorrentBuilder("nar").pieceLength(PIECE);
        for (int i = 0; i < SIZES.length; i++) {
            byte[] c = content(i, SIZES[i]);
            b.addFile(List.of("f" + i + ".nar.xz"), SIZES[i], () -> {
                opens.incrementAndGet();
                return new ByteArrayInputStream(c);
            });
        }
        Torrent fromStreams = b.build();
        assertEquals(SIZES.length, opens.get());
        Path sub = dir.resolve("x");
        Torrent fromFiles = sampleBuilder(sub, true).build();
        assertEquals(fromFiles.infoHash(), fromStreams.infoHash());
    }

    @Test
    void aSourceOfTheWrongSizeFailsTheBuild() {
        TorrentBuilder shorter = new TorrentBuilder("nar").pieceLength(PIECE)
                .addFile(List.of("a"), 100, () -> new ByteArrayInputStream(new byte[99]));
        IOException e = assertThrows(IOException.class, shorter::build);
        assertTrue(e.getMessage().contains("a has 99 bytes, expected 100"), e.getMessage());
        TorrentBuilder longer = new TorrentBuilder("nar").pieceLength(PIECE)
                .addFile(List.of("a"), 100, () -> new ByteArrayInputStream(new byte[101]));
        e = assertThrows(IOException.class, longer::build);
        assertTrue(e.getMessage().contains("more than the expected 100 bytes"), e.getMessage());
    }

    @Test
    void anIoErrorInAParallelWorkerReachesTheCaller() {
        TorrentBuilder b = new TorrentBuilder("nar").pieceLength(PIECE).threads(3);
        for (int i = 0; i < 6; i++) {
            int n = i;
            b.addFile(List.of("f" + i), PIECE, () -> {
                if (n == 4) throw new IOException("disk on fire");
                return new ByteArrayInputStream(new byte[PIECE]);
            });
        }
        IOException e = assertThrows(IOException.class, b::build);
        assertEquals("disk on fire", e.getMessage());
    }

    @Test
    void rejectsBadBuilderInput() {
        assertThrows(FormatException.class, () -> new TorrentBuilder(".."));
        assertThrows(FormatException.class, () -> new TorrentBuilder("a/b"));
        TorrentBuilder b = new TorrentBuilder("nar");
        TorrentBuilder.Source none = InputStream::nullInputStream;
        assertThrows(FormatException.class, () -> b.pieceLength(3000));
        assertThrows(FormatException.class, () -> b.pieceLength(8192));
        assertThrows(FormatException.class, () -> b.addFile(List.of(), 0, none));
        FormatException e = assertThrows(FormatException.class, () -> b.addFile(List.of("ok", ".."), 0, none));
        assertTrue(e.getMessage().contains("path[1]"), e.getMessage());
        assertThrows(FormatException.class, () -> b.addFile(List.of("a\0b"), 0, none));
        assertThrows(FormatException.class, () -> b.addFile(List.of("a"), -1, none));
        assertThrows(FormatException.class, b::build, "no files");
        b.addFile(List.of("a"), 0, none).addFile(List.of("a"), 0, none);
        e = assertThrows(FormatException.class, b::build);
        assertTrue(e.getMessage().contains("two files at a"), e.getMessage());
        TorrentBuilder empty = new TorrentBuilder("nar").addFile(List.of("a"), 0, none);
        assertThrows(FormatException.class, empty::build, "no data at all");
    }

    @Test
    void layoutMatchesTheBuiltTorrentWithoutHashing() throws Exception {
        List<Long> sizes = new ArrayList<>();
        for (long s : SIZES) sizes.add(s);
        for (boolean pads : new boolean[] {true, false}) {
            TorrentLayout layout = TorrentBuilder.layout(sizes, PIECE, pads);
            Torrent t = sampleBuilder(dir, pads).build();
            assertEquals(t.files().size(), layout.entries().size());
            for (TorrentFile f : t.files()) {
                TorrentLayout.Entry e = layout.entries().get(f.index());
                assertEquals(f.offset(), e.offset());
                assertEquals(f.length(), e.length());
                assertEquals(f.isPad(), e.isPad());
                assertEquals(t.pieces(f), layout.pieces(e));
            }
            assertEquals(t.totalLength(), layout.totalSize());
            assertEquals(t.pieceCount(), layout.pieceCount());
            assertEquals(SIZES.length, layout.realFiles().size());
            assertEquals(3, layout.realFiles().get(3).realIndex());
            assertEquals(t.files().stream().filter(TorrentFile::isPad).mapToLong(TorrentFile::length).sum(),
                    layout.padBytes());
        }
    }

    @Test
    void layoutOfLargeFilesNeedsNoData() {
        // 3 files of 2 GB each at 4 MiB pieces: computed instantly, offsets beyond 2^31.
        long gb2 = 2L << 30;
        TorrentLayout l = TorrentBuilder.layout(List.of(gb2 + 1, gb2, 7L), 4 << 20, true);
        assertEquals(List.of(0L, gb2 + 1, gb2 + (4 << 20), 2 * gb2 + (4 << 20)),
                l.entries().stream().map(TorrentLayout.Entry::offset).toList());
        assertEquals(List.of(0, -1, 1, 2), l.entries().stream().map(TorrentLayout.Entry::realIndex).toList());
        assertEquals(2 * gb2 + (4 << 20) + 7, l.totalSize());
        assertEquals(1 + (2 * gb2 + (4 << 20)) / (4 << 20), l.pieceCount());
        assertThrows(FormatException.class, () -> TorrentBuilder.layout(List.of(Torrent.MAX_TOTAL_SIZE, 1L), 1 << 20, false));
        assertThrows(FormatException.class, () -> TorrentBuilder.layout(List.of(), 1 << 20, false));
        assertThrows(FormatException.class, () -> TorrentBuilder.layout(List.of(-1L), 1 << 20, false));
    }
}
