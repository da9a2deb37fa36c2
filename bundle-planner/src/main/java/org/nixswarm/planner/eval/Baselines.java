package org.nixswarm.planner.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.nixswarm.planner.cluster.Assignment;
import org.nixswarm.planner.graph.ClosureOrder;
import org.nixswarm.planner.graph.Mix;
import org.nixswarm.planner.graph.PathGraph;

/**
 * The reference packings plan-eval compares against. All but the first fill bundles up to the
 * maximum size in some order of paths (a path over the maximum is a bundle of its own).
 */
public final class Baselines {
    private Baselines() {}

    public static Assignment onePerPath(PathGraph g, int[] paths) {
        List<int[]> bundles = new ArrayList<>();
        for (int p : paths) bundles.add(new int[] {p});
        return Assignment.withPieceSizes(g, bundles, null);
    }

    public static Assignment random(PathGraph g, int[] paths, long max, long seed) {
        long[] keyed = new long[paths.length];
        for (int i = 0; i < paths.length; i++) keyed[i] = (Mix.mix(seed, paths[i]) & 0xffffffff00000000L) | paths[i];
        Arrays.sort(keyed);
        int[] order = new int[paths.length];
        for (int i = 0; i < order.length; i++) order[i] = (int) keyed[i];
        return Assignment.withPieceSizes(g, pack(g, order, max), null);
    }

    public static Assignment nameOrder(PathGraph g, int[] paths, long max) {
        Integer[] boxed = Arrays.stream(paths).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, Comparator.<Integer, String>comparing(g::name).thenComparing(g::hash));
        return Assignment.withPieceSizes(g, pack(g, Arrays.stream(boxed).mapToInt(Integer::intValue).toArray(), max), null);
    }

    /** The strong graph-only baseline: closure depth-first post-order, packed. */
    public static Assignment closurePostOrder(PathGraph g, int[] paths, long max) {
        int[] rank = ClosureOrder.ranks(ClosureOrder.postOrder(g));
        return Assignment.withPieceSizes(g, pack(g, sortedBy(paths, rank), max), null);
    }

    static int[] sortedBy(int[] paths, int[] rank) {
        long[] keyed = new long[paths.length];
        for (int i = 0; i < paths.length; i++) keyed[i] = ((long) rank[paths[i]] << 32) | paths[i];
        Arrays.sort(keyed);
        int[] out = new int[paths.length];
        for (int i = 0; i < out.length; i++) out[i] = (int) keyed[i];
        return out;
    }

    /** Fills bundles in the given order up to {@code max} bytes. */
    public static List<int[]> pack(PathGraph g, int[] order, long max) {
        List<int[]> bundles = new ArrayList<>();
        int start = 0;
        long cur = 0;
        for (int i = 0; i < order.length; i++) {
            long s = g.fileSize[order[i]];
            if (i > start && cur + s > max) {
                bundles.add(Arrays.copyOfRange(order, start, i));
                start = i;
                cur = 0;
            }
            cur += s;
        }
        if (start < order.length) bundles.add(Arrays.copyOfRange(order, start, order.length));
        return bundles;
    }
}
