package org.nixswarm.planner.cluster;

import java.util.Arrays;

/** Open-addressing int → float map (adds only): a cluster's adjacency while clusters merge. */
final class IntFloatMap {
    private static final int EMPTY = -1;
    int[] keys;
    float[] vals;
    private int size;
    private int mask;

    IntFloatMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new int[cap];
        Arrays.fill(keys, EMPTY);
        vals = new float[cap];
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    float get(int key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (keys[i] == key) return vals[i];
            if (keys[i] == EMPTY) return 0f;
        }
    }

    /** Adds {@code w} to the key's value and returns the new value. */
    float add(int key, float w) {
        int i = slot(key);
        while (keys[i] != EMPTY && keys[i] != key) i = (i + 1) & mask;
        if (keys[i] == key) return vals[i] += w;
        keys[i] = key;
        vals[i] = w;
        if (++size * 2 > keys.length) grow();
        return w;
    }

    private int slot(int key) {
        int h = key * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    private void grow() {
        int[] ok = keys;
        float[] ov = vals;
        keys = new int[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        vals = new float[ok.length * 2];
        mask = keys.length - 1;
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] == EMPTY) continue;
            int i = slot(ok[j]);
            while (keys[i] != EMPTY) i = (i + 1) & mask;
            keys[i] = ok[j];
            vals[i] = ov[j];
        }
    }
}
