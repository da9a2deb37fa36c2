package org.nixswarm.planner.graph;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Depth-first post-order over the reference graph: every path comes after everything it
 * references, and a package's private dependencies sit right before it. Roots (paths nothing
 * references) are visited by name, so the order depends on the graph only.
 */
public final class ClosureOrder {
    private ClosureOrder() {}

    /** Path ids in post-order. */
    public static int[] postOrder(PathGraph g) {
        int n = g.n;
        boolean[] referenced = new boolean[n];
        for (int r : g.refs) referenced[r] = true;
        Integer[] roots = java.util.stream.IntStream.range(0, n).filter(p -> !referenced[p]).boxed()
                .toArray(Integer[]::new);
        Arrays.sort(roots, Comparator.<Integer, String>comparing(g::name).thenComparing(g::hash));
        int[] out = new int[n];
        int k = 0;
        boolean[] seen = new boolean[n];
        int[] stackNode = new int[Math.max(16, n)];
        int[] stackPos = new int[Math.max(16, n)];
        int[] starts = new int[roots.length + n];
        int ns = 0;
        for (Integer r : roots) starts[ns++] = r;
        for (int p = 0; p < n; p++) starts[ns++] = p; // paths on cycles (never in Nix, but never lost)
        for (int si = 0; si < ns; si++) {
            int root = starts[si];
            if (seen[root]) continue;
            int sp = 0;
            stackNode[sp] = root;
            stackPos[sp++] = g.refOff[root];
            seen[root] = true;
            while (sp > 0) {
                int v = stackNode[sp - 1];
                int i = stackPos[sp - 1];
                if (i < g.refOff[v + 1]) {
                    stackPos[sp - 1] = i + 1;
                    int c = g.refs[i];
                    if (!seen[c]) {
                        seen[c] = true;
                        stackNode[sp] = c;
                        stackPos[sp++] = g.refOff[c];
                    }
                } else {
                    out[k++] = v;
                    sp--;
                }
            }
        }
        return out;
    }

    /** rank[p] = position of p in {@link #postOrder}. */
    public static int[] ranks(int[] order) {
        int[] rank = new int[order.length];
        for (int i = 0; i < order.length; i++) rank[order[i]] = i;
        return rank;
    }
}
