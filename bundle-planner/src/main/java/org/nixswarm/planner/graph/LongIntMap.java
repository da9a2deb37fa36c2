package org.nixswarm.planner.graph;

import java.util.Arrays;

/** Open-addressing map from long keys to int values (missing = -1); no boxing for millions of keys. */
public final class LongIntMap {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    public LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(8, expected * 2 - 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, EMPTY);
        values = new int[cap];
        mask = cap - 1;
    }

    public int get(long key) {
        if (key == EMPTY) throw new IllegalArgumentException("reserved key");
        for (int i = Mix.slot(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == EMPTY) return -1;
        }
    }

    public void put(long key, int value) {
        if (key == EMPTY) throw new IllegalArgumentException("reserved key");
        int i = Mix.slot(key, mask);
        while (keys[i] != EMPTY && keys[i] != key) i = (i + 1) & mask;
        if (keys[i] == EMPTY) {
            keys[i] = key;
            if (++size * 2 > keys.length) {
                values[i] = value;
                grow();
                return;
            }
        }
        values[i] = value;
    }

    public int size() {
        return size;
    }

    private void grow() {
        long[] ok = keys;
        int[] ov = values;
        keys = new long[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        values = new int[ok.length * 2];
        mask = keys.length - 1;
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] == EMPTY) continue;
            int i = Mix.slot(ok[j], mask);
            while (keys[i] != EMPTY) i = (i + 1) & mask;
            keys[i] = ok[j];
            values[i] = ov[j];
        }
    }
}
