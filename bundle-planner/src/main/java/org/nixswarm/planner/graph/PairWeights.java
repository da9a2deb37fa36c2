package org.nixswarm.planner.graph;

import java.util.Arrays;

/**
 * Accumulates symmetric edge weights keyed by an unordered pair of int ids (open addressing over
 * one long per pair), then turns them into a {@link WeightedGraph}. This is where the co-access
 * graph stays sparse: only pairs that ever occur are stored.
 */
public final class PairWeights {
    private static final long EMPTY = -1L;
    private final LongSlots slots;
    private float[] weights;

    public PairWeights(int expected) {
        slots = new LongSlots(expected, EMPTY);
        weights = new float[slots.capacity()];
    }

    public void add(int a, int b, float w) {
        if (a == b) return;
        long key = a < b ? ((long) a << 32) | (b & 0xffffffffL) : ((long) b << 32) | (a & 0xffffffffL);
        int i = slots.slot(key);
        if (!slots.isEmpty(i)) {
            weights[i] += w;
            return;
        }
        boolean full = slots.claim(i, key);
        weights[i] = w;
        if (full) {
            int[] moved = slots.grow();
            float[] nw = new float[slots.capacity()];
            for (int j = 0; j < moved.length; j++) if (moved[j] >= 0) nw[moved[j]] = weights[j];
            weights = nw;
        }
    }

    public int size() {
        return slots.size();
    }

    /** The symmetric CSR graph over {@code n} vertices; neighbour lists sorted by id (deterministic). */
    public WeightedGraph toGraph(int n) {
        int[] deg = new int[n + 1];
        long[] keys = slots.keys;
        for (long k : keys) {
            if (k == EMPTY) continue;
            deg[(int) (k >>> 32)]++;
            deg[(int) k]++;
        }
        int[] off = new int[n + 1];
        for (int i = 0; i < n; i++) off[i + 1] = off[i] + deg[i];
        int[] pos = Arrays.copyOf(off, n);
        int[] nbr = new int[off[n]];
        float[] w = new float[off[n]];
        for (int j = 0; j < keys.length; j++) {
            long k = keys[j];
            if (k == EMPTY) continue;
            int a = (int) (k >>> 32), b = (int) k;
            nbr[pos[a]] = b;
            w[pos[a]++] = weights[j];
            nbr[pos[b]] = a;
            w[pos[b]++] = weights[j];
        }
        // sort each row by neighbour id so that iteration order never depends on hash layout
        for (int v = 0; v < n; v++) sortRow(nbr, w, off[v], off[v + 1]);
        return new WeightedGraph(n, off, nbr, w);
    }

    private static void sortRow(int[] nbr, float[] w, int from, int to) {
        int len = to - from;
        if (len < 2) return;
        long[] packed = new long[len];
        for (int i = 0; i < len; i++) {
            packed[i] = ((long) nbr[from + i] << 32) | (Float.floatToRawIntBits(w[from + i]) & 0xffffffffL);
        }
        Arrays.sort(packed);
        for (int i = 0; i < len; i++) {
            nbr[from + i] = (int) (packed[i] >>> 32);
            w[from + i] = Float.intBitsToFloat((int) packed[i]);
        }
    }
}
