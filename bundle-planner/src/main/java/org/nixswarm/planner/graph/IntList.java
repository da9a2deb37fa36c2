package org.nixswarm.planner.graph;

import java.util.Arrays;

/** A growable int array: the planner keeps millions of ids and never boxes them. */
public final class IntList {
    private int[] a;
    private int size;

    public IntList() {
        this(16);
    }

    public IntList(int capacity) {
        a = new int[Math.max(4, capacity)];
    }

    public void add(int v) {
        if (size == a.length) a = Arrays.copyOf(a, a.length + (a.length >> 1) + 1);
        a[size++] = v;
    }

    public int get(int i) {
        return a[i];
    }

    public void set(int i, int v) {
        a[i] = v;
    }

    public int size() {
        return size;
    }

    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) throw new IndexOutOfBoundsException(newSize);
        size = newSize;
    }

    public void clear() {
        size = 0;
    }

    public int[] toArray() {
        return Arrays.copyOf(a, size);
    }
}
