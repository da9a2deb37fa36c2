package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.torrent.TorrentBuilder;

class BundleLayoutTest {
    /** The definition: no other real file has a byte in the pieces {@code e} touches. */
    private static boolean isolatedByDefinition(BundleLayout l, BundleLayout.Entry e) {
        if (e.offset() % l.pieceLength() != 0) return false;
        long end = Math.min((long) l.endPiece(e) * l.pieceLength(), l.totalSize());
        for (BundleLayout.Entry o : l.entries()) {
            if (o.index() == e.index() || o.pad() || o.size() == 0) continue;
            if (o.offset() < end && o.offset() + o.size() > e.offset()) return false;
        }
        return true;
    }

    private static BundleLayout layout(long seed, boolean pad) throws Exception {
        Random rnd = new Random(seed);
        TorrentBuilder b = new TorrentBuilder("nar").pieceLength(16384).padFiles(pad);
        for (int i = 0; i < 60; i++) {
            // sizes around the piece length, some empty, some exact multiples
            long size = switch (rnd.nextInt(5)) {
                case 0 -> 0;
                case 1 -> 16384L * (1 + rnd.nextInt(3));
                default -> 1 + rnd.nextInt(60_000);
            };
            b.addFile(List.of("f" + i + ".nar.xz"), size, () -> new ByteArrayInputStream(new byte[(int) size]));
        }
        return BundleLayout.parse(b.build().write());
    }

    @Test
    void isolationMatchesItsDefinitionWithAndWithoutPadFiles() throws Exception {
        int isolated = 0, shared = 0;
        for (long seed = 1; seed <= 20; seed++) {
            for (boolean pad : new boolean[] {true, false}) {
                BundleLayout l = layout(seed, pad);
                for (BundleLayout.Entry e : l.entries()) {
                    boolean expected = isolatedByDefinition(l, e);
                    assertEquals(expected, l.isolated(e), "seed " + seed + " pad " + pad + " entry " + e);
                    if (!e.pad() && e.size() > 0) {
                        if (expected) isolated++;
                        else shared++;
                    }
                }
            }
        }
        assertTrue(isolated > 100 && shared > 100, "both cases exercised: " + isolated + " / " + shared);
    }
}
