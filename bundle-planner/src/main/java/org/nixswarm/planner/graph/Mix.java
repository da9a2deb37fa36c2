package org.nixswarm.planner.graph;

/** 64-bit mixing (SplitMix64 finaliser): hashing for primitive maps and deterministic pseudo-random keys. */
public final class Mix {
    private Mix() {}

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public static long mix(long a, long b) {
        return mix(a * 0x9e3779b97f4a7c15L + b);
    }

    static int slot(long key, int mask) {
        return (int) mix(key) & mask;
    }

    /** A uniform double in [0,1) from a 64-bit hash. */
    public static double unit(long h) {
        return (mix(h) >>> 11) * 0x1.0p-53;
    }
}
