package org.nixswarm.core.torrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.bencode.BencodeEncoder;
import org.nixswarm.core.magnet.MagnetUri;
import org.nixswarm.core.testing.Fuzz;

/** Coverage-guided fuzzing of torrent metainfo (from peers via ut_metadata, from the index) and infohashes. */
class TorrentFuzzTest {
    private static final Fuzz.Budget BUDGET = Fuzz.Budget.of(8 << 20, 64);

    /**
     * Reads or fails cleanly. What reads writes back byte for byte, reads again to the same torrent,
     * and has a consistent layout: contiguous files, the right number of pieces, no path escaping
     * the download directory.
     */
    @FuzzTest
    void read(byte[] input) throws Exception {
        Torrent t = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class), () -> Torrent.read(input));
        if (t == null) return;
        assertArrayEquals(input, t.write(), "write(read(x)) != x");
        Torrent again = Torrent.read(t.write());
        assertEquals(t.infoHash(), again.infoHash());
        assertEquals(InfoHash.sha1(BencodeEncoder.encode(t.metainfo().get("info"))), t.infoHash());
        assertEquals(t.files(), again.files());

        long offset = 0;
        for (int i = 0; i < t.files().size(); i++) {
            TorrentFile f = t.files().get(i);
            assertEquals(i, f.index());
            assertEquals(offset, f.offset(), "file " + i + " does not follow the previous one");
            assertTrue(f.length() >= 0);
            for (String c : f.path()) {
                assertFalse(c.isEmpty() || c.equals(".") || c.equals("..") || c.contains("/") || c.contains("\0"), c);
            }
            PieceSpan span = t.pieces(f);
            assertTrue(span.end() <= t.pieceCount(), "file " + i + " reaches past the last piece");
            offset = f.end();
        }
        assertEquals(offset, t.totalLength());
        assertTrue(t.totalLength() > 0 && t.totalLength() <= Torrent.MAX_TOTAL_SIZE);
        long sum = 0;
        for (int p = 0; p < t.pieceCount(); p++) sum += t.pieceSize(p);
        assertEquals(t.totalLength(), sum, "piece sizes do not add up to the total length");

        MagnetUri m = MagnetUri.of(t);
        assertEquals(m, MagnetUri.parse(m.toString()));
    }

    /** 40 hex or 32 base32 characters, either case; the canonical forms parse back to the same hash. */
    @FuzzTest
    void infoHash(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        InfoHash h = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class), () -> InfoHash.parse(text));
        if (h == null) return;
        assertEquals(h, InfoHash.parse(h.hex()));
        assertEquals(h, InfoHash.parse(h.base32()));
        String lower = text.toLowerCase(Locale.ROOT);
        assertTrue(lower.equals(h.hex()) || lower.equals(h.base32().toLowerCase(Locale.ROOT)),
                "'" + text + "' parsed to " + h.hex() + " but is neither its hex nor its base32 form");
    }
}
