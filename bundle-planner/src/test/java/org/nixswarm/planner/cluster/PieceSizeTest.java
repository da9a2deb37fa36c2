package org.nixswarm.planner.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PieceSizeTest {
    @Test
    void smallFilesGetSmallPiecesBigOnesBigPieces() {
        long[] small = new long[2000];
        java.util.Arrays.fill(small, 15_000); // pad 1384 bytes at 16 KiB, 17768 at 32 KiB
        assertEquals(16 * 1024, PieceSize.choose(small, null, 1));
        assertEquals(1 << 24, PieceSize.choose(new long[] {2_000_000_000L}, null, 1), "one file: no pad, fewest pieces");
    }

    @Test
    void fileSizesThatArePieceMultiplesHaveNoPad() {
        long[] sizes = {1 << 20, 1 << 20, 1 << 20, 12345};
        int p = PieceSize.choose(sizes, null, 1);
        assertTrue(p <= 1 << 20 && (1 << 20) % p == 0, "piece " + p);
        assertEquals(0, PieceSize.pad(1 << 20, p));
    }

    @Test
    void padAndPieceArithmetic() {
        assertEquals(16384 - 100, PieceSize.pad(100, 16384));
        assertEquals(0, PieceSize.pad(32768, 16384));
        // two files of 100 bytes: the first padded to 16 KiB, the second ends the torrent
        assertEquals(2, PieceSize.pieces(new long[] {100, 100}, 16384));
    }

    @Test
    void choiceMinimisesTheStatedCost() {
        java.util.Random r = new java.util.Random(2);
        long[] sizes = new long[300];
        for (int i = 0; i < sizes.length; i++) sizes[i] = (long) Math.exp(11 + 2 * r.nextGaussian()) + 1;
        int chosen = PieceSize.choose(sizes, null, 1);
        double best = cost(sizes, chosen);
        for (int lg = PieceSize.MIN_LOG2; lg <= PieceSize.MAX_LOG2; lg++) assertTrue(best <= cost(sizes, 1L << lg));
    }

    private static double cost(long[] sizes, long p) {
        double c = 20.0 * PieceSize.pieces(sizes, p);
        for (int i = 0; i < sizes.length - 1; i++) c += PieceSize.pad(sizes[i], p);
        return c;
    }
}
