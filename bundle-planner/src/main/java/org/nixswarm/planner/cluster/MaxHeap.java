package org.nixswarm.planner.cluster;

import java.util.Arrays;

/** A binary max-heap of (double key, long payload) in two primitive arrays: millions of candidate merges, no objects. */
final class MaxHeap {
    private double[] keys = new double[1024];
    private long[] vals = new long[1024];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void push(double key, long val) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            vals = Arrays.copyOf(vals, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!greater(key, val, keys[p], vals[p])) break;
            keys[i] = keys[p];
            vals[i] = vals[p];
            i = p;
        }
        keys[i] = key;
        vals[i] = val;
    }

    double topKey() {
        return keys[0];
    }

    long topVal() {
        return vals[0];
    }

    void pop() {
        double key = keys[--size];
        long val = vals[size];
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) break;
            if (c + 1 < size && greater(keys[c + 1], vals[c + 1], keys[c], vals[c])) c++;
            if (!greater(keys[c], vals[c], key, val)) break;
            keys[i] = keys[c];
            vals[i] = vals[c];
            i = c;
        }
        keys[i] = key;
        vals[i] = val;
    }

    // ties broken by payload so that the order never depends on insertion history
    private static boolean greater(double k1, long v1, double k2, long v2) {
        return k1 > k2 || (k1 == k2 && v1 < v2);
    }
}
