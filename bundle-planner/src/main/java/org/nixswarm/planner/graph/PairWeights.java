package org.nixswarm.planner.graph;

import java.util.Arrays;

/**
 * Accumulates symmetric edge weights keyed by an unordered pair of int ids (open addressing over
 * one long per pair), then turns them into a {@link WeightedGraph}. This is where the co-access
 * graph stays sparse: only pairs that ever occur are stored.
 */
public final class PairWeights {
    private static final long EMPTY = -1L;
    private long[] keys;
    private float[] weights;
    private int size;
    private int mask;

    public PairWeights(int expected) {
        int cap = Integer.highestOneBit(Math.max(8, expected * 2 - 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, EMPTY);
        weights = new float[cap];
        mask = cap - 1;
    }

    public void add(int a, int b, float w) {
        if (a == b) return;
        long key = a < b ? ((long) a << 32) | (b & 0xffffffffL) : ((long) b << 32) | (a & 0xffffffffL);
        int i = Mix.slot(key, mask);
        while (keys[i] != EMPTY && keys[i] != key) i = (i + 1) & mask;
        if (keys[i] == EMPTY) {
            keys[i] = key;
            weights[i] = w;
            if (++size * 2 > keys.length) grow();
            return;
        }
        weights[i] += w;
    }

    public int size() {
        return size;
    }

    /** The symmetric CSR graph over {@code n} vertices; neighbour lists sorted by id (deterministic). */
    public WeightedGraph toGraph(int n) {
        int[] deg = new int[n + 1];
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

    private void grow() {
        long[] ok = keys;
        float[] ow = weights;
        keys = new long[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        weights = new float[ok.length * 2];
        mask = keys.length - 1;
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] == EMPTY) continue;
            int i = Mix.slot(ok[j], mask);
            while (keys[i] != EMPTY) i = (i + 1) & mask;
            keys[i] = ok[j];
            weights[i] = ow[j];
        }
    }
}
