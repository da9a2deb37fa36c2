package org.nixswarm.tracker;

import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;

/**
 * An immutable set of infohashes, looked up without allocating: the 20 bytes are split into three
 * primitives and kept in arrays sorted by the first, searched by bisection.
 */
public final class AllowList {
    private final long[] h0;
    private final long[] h1;
    private final int[] h2;

    private AllowList(long[] h0, long[] h1, int[] h2) {
        this.h0 = h0;
        this.h1 = h1;
        this.h2 = h2;
    }

    /** From 20-byte infohashes (duplicates are fine). */
    public static AllowList of(Collection<byte[]> infoHashes) {
        long[][] rows = new long[infoHashes.size()][];
        int n = 0;
        for (byte[] ih : infoHashes) {
            if (ih.length != 20) throw new IllegalArgumentException("an infohash is 20 bytes, got " + ih.length);
            rows[n++] = new long[] {SwarmStore.getLong(ih, 0), SwarmStore.getLong(ih, 8), SwarmStore.getInt(ih, 16)};
        }
        Arrays.sort(rows, (x, y) -> {
            for (int i = 0; i < 3; i++) {
                int c = Long.compare(x[i], y[i]);
                if (c != 0) return c;
            }
            return 0;
        });
        long[] a = new long[n];
        long[] b = new long[n];
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = rows[i][0];
            b[i] = rows[i][1];
            c[i] = (int) rows[i][2];
        }
        return new AllowList(a, b, c);
    }

    public int size() {
        return h0.length;
    }

    public boolean contains(byte[] infoHash) {
        long a = SwarmStore.getLong(infoHash, 0);
        long b = SwarmStore.getLong(infoHash, 8);
        int c = SwarmStore.getInt(infoHash, 16);
        int i = Arrays.binarySearch(h0, a);
        if (i < 0) return false;
        while (i > 0 && h0[i - 1] == a) i--;
        for (; i < h0.length && h0[i] == a; i++) {
            if (h1[i] == b && h2[i] == c) return true;
        }
        return false;
    }

    public static String hex(byte[] infoHash) {
        return HexFormat.of().formatHex(infoHash);
    }
}
