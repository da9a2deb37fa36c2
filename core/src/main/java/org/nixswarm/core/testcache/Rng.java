package org.nixswarm.core.testcache;

/**
 * SplitMix64, written out here so that a test cache's bytes depend on the seed alone, never on
 * how a Java release implements its random generators.
 */
final class Rng {
    private long state;

    Rng(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound), without modulo bias. */
    int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive");
        long limit = (1L << 32) - ((1L << 32) % bound);
        while (true) {
            long v = nextLong() >>> 32;
            if (v < limit) return (int) (v % bound);
        }
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    boolean nextBoolean() {
        return nextLong() < 0;
    }

    void nextBytes(byte[] b) {
        for (int i = 0; i < b.length; i += 8) {
            long v = nextLong();
            for (int j = 0; j < 8 && i + j < b.length; j++) b[i + j] = (byte) (v >>> (8 * j));
        }
    }
}
