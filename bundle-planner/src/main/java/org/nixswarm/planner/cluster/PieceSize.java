package org.nixswarm.planner.cluster;

/**
 * Chooses a bundle's piece size: the power of two between 16 KiB and 16 MiB that minimises
 * the expected bytes a client transfers beyond what it asked for,
 * <pre>
 *   cost(P) = sum over files i (but the last) of f_i * pad_i(P)  +  M * 20 * pieces(P)
 * </pre>
 * where pad_i = ceil(size_i / P) * P - size_i is the BEP 47 pad after file i (a client fetching
 * file i alone gets its whole last piece), 20 bytes per piece is the SHA-1 in the metadata every
 * client of the bundle downloads once, f_i is how often file i is fetched and M how often the
 * bundle is joined (both 1 without logs). Small files favour small pieces; the metadata term
 * stops the piece count from exploding on big bundles. Ties go to the larger piece.
 */
public final class PieceSize {
    public static final int MIN_LOG2 = 14;
    public static final int MAX_LOG2 = 24;
    /** Keeps the info dictionary of the largest single-path bundles well under clients' metadata limits. */
    public static final long MAX_PIECES = 200_000;

    private PieceSize() {}

    public static int choose(long[] sizes, double[] fetchWeight, double joinWeight) {
        double bestCost = Double.MAX_VALUE;
        int best = 1 << MAX_LOG2;
        for (int lg = MAX_LOG2; lg >= MIN_LOG2; lg--) {
            long p = 1L << lg;
            long pieces = pieces(sizes, p);
            if (pieces > MAX_PIECES) continue;
            double cost = joinWeight * 20.0 * pieces;
            for (int i = 0; i < sizes.length - 1; i++) {
                cost += (fetchWeight == null ? 1.0 : fetchWeight[i]) * pad(sizes[i], p);
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = (int) p;
            }
        }
        return best;
    }

    public static long pad(long size, long piece) {
        long r = size % piece;
        return r == 0 ? 0 : piece - r;
    }

    /** Pieces of the torrent: every file but the last padded to a piece boundary. */
    public static long pieces(long[] sizes, long piece) {
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            total += sizes[i];
            if (i < sizes.length - 1) total += pad(sizes[i], piece);
        }
        return (total + piece - 1) / piece;
    }
}
