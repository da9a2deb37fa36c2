package org.nixswarm.planner.graph;

/**
 * A 64-bit key for a 32-character Nix base32 hash part (the first 12 characters, 5 bits each, plus
 * a mix of the rest): callers still compare the full string, this only makes lookups boxing-free.
 */
final class HashKey {
    static final long INVALID = Long.MIN_VALUE;
    private static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

    private HashKey() {}

    static long of(String h) {
        if (h == null || h.length() != 32) return INVALID;
        long k = 0;
        for (int i = 0; i < 32; i++) {
            int d = ALPHABET.indexOf(h.charAt(i));
            if (d < 0) return INVALID;
            k = k * 31 + d;
        }
        long m = Mix.mix(k);
        return m == INVALID || m == -1L ? 0 : m;
    }
}
