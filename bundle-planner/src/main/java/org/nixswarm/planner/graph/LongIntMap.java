package org.nixswarm.planner.graph;

/** Open-addressing map from long keys to int values (missing = -1); no boxing for millions of keys. */
public final class LongIntMap {
    private final LongSlots slots;
    private int[] values;

    public LongIntMap(int expected) {
        slots = new LongSlots(expected, Long.MIN_VALUE);
        values = new int[slots.capacity()];
    }

    public int get(long key) {
        int i = slots.slot(key);
        return slots.isEmpty(i) ? -1 : values[i];
    }

    public void put(long key, int value) {
        int i = slots.slot(key);
        if (!slots.isEmpty(i)) {
            values[i] = value;
            return;
        }
        boolean full = slots.claim(i, key);
        values[i] = value;
        if (full) {
            int[] moved = slots.grow();
            int[] nv = new int[slots.capacity()];
            for (int j = 0; j < moved.length; j++) if (moved[j] >= 0) nv[moved[j]] = values[j];
            values = nv;
        }
    }

    public int size() {
        return slots.size();
    }
}
