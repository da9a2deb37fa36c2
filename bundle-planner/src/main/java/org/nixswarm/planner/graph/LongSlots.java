package org.nixswarm.planner.graph;

import java.util.Arrays;

/**
 * The key half of an open-addressing table over long keys (linear probing, load ≤ 1/2): the maps
 * keep their values in arrays parallel to {@link #keys}, so millions of entries cost no boxing.
 */
final class LongSlots {
    private final long empty;
    long[] keys;
    private int mask;
    private int size;

    LongSlots(int expected, long empty) {
        this.empty = empty;
        int cap = Integer.highestOneBit(Math.max(8, expected * 2 - 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, empty);
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    int capacity() {
        return keys.length;
    }

    boolean isEmpty(int slot) {
        return keys[slot] == empty;
    }

    /** The slot holding {@code key}, or the empty slot where it would go. */
    int slot(long key) {
        if (key == empty) throw new IllegalArgumentException("reserved key");
        int i = Mix.slot(key, mask);
        while (keys[i] != empty && keys[i] != key) i = (i + 1) & mask;
        return i;
    }

    /** Puts {@code key} in the empty {@code slot} found by {@link #slot}; true when the table must now grow. */
    boolean claim(int slot, long key) {
        keys[slot] = key;
        return ++size * 2 > keys.length;
    }

    /**
     * Doubles the table; returns, for every old slot, its new slot (-1 where it was empty) so the
     * caller can move its values.
     */
    int[] grow() {
        long[] old = keys;
        keys = new long[old.length * 2];
        Arrays.fill(keys, empty);
        mask = keys.length - 1;
        int[] moved = new int[old.length];
        for (int j = 0; j < old.length; j++) {
            if (old[j] == empty) {
                moved[j] = -1;
                continue;
            }
            int i = Mix.slot(old[j], mask);
            while (keys[i] != empty) i = (i + 1) & mask;
            keys[i] = old[j];
            moved[j] = i;
        }
        return moved;
    }
}
