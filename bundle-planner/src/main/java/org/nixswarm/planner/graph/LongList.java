package org.nixswarm.planner.graph;

import java.util.Arrays;

/** A growable long array. */
public final class LongList {
    private long[] a = new long[16];
    private int size;

    public void add(long v) {
        if (size == a.length) a = Arrays.copyOf(a, a.length + (a.length >> 1) + 1);
        a[size++] = v;
    }

    public long get(int i) {
        return a[i];
    }

    public int size() {
        return size;
    }

    public long[] toArray() {
        return Arrays.copyOf(a, size);
    }
}
