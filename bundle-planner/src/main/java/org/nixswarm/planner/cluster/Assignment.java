package org.nixswarm.planner.cluster;

import java.util.Arrays;
import java.util.List;
import org.nixswarm.planner.graph.PathGraph;

/**
 * Which bundle holds each path and in what order: bundles as ordered member lists, their piece
 * sizes, and the inverse map. Paths in no bundle have {@code bundleOf = -1}.
 */
public final class Assignment {
    public final List<int[]> bundles;
    public final int[] pieceSize;
    public final int[] bundleOf;
    public final int[] positionOf;

    public Assignment(PathGraph g, List<int[]> bundles, int[] pieceSize) {
        this.bundles = List.copyOf(bundles);
        this.pieceSize = pieceSize;
        this.bundleOf = new int[g.n];
        this.positionOf = new int[g.n];
        Arrays.fill(bundleOf, -1);
        for (int b = 0; b < bundles.size(); b++) {
            int[] m = bundles.get(b);
            for (int i = 0; i < m.length; i++) {
                if (bundleOf[m[i]] >= 0) throw new IllegalStateException("path " + g.baseName(m[i]) + " in two bundles");
                bundleOf[m[i]] = b;
                positionOf[m[i]] = i;
            }
        }
    }

    /** Chooses each bundle's piece size from file sizes and, when given, how often files are fetched. */
    public static Assignment withPieceSizes(PathGraph g, List<int[]> bundles, int[] fetchCount) {
        int[] ps = new int[bundles.size()];
        for (int b = 0; b < ps.length; b++) ps[b] = pieceSizeFor(g, bundles.get(b), fetchCount);
        return new Assignment(g, bundles, ps);
    }

    public static int pieceSizeFor(PathGraph g, int[] members, int[] fetchCount) {
        long[] sizes = new long[members.length];
        double[] f = new double[members.length];
        double join = 1;
        for (int i = 0; i < members.length; i++) {
            sizes[i] = g.fileSize[members[i]];
            f[i] = 1 + (fetchCount == null ? 0 : fetchCount[members[i]]);
            join = Math.max(join, f[i]);
        }
        return PieceSize.choose(sizes, f, join);
    }

    public int count() {
        return bundles.size();
    }

    public long bundleBytes(PathGraph g, int b) {
        long s = 0;
        for (int p : bundles.get(b)) s += g.fileSize[p];
        return s;
    }
}
