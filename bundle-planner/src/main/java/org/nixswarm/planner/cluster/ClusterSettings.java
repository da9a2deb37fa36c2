package org.nixswarm.planner.cluster;

/**
 * Knobs of the clustering. Sizes are FileSize bytes (what a torrent holds).
 *
 * @param minBundle      bundles smaller than this are merged into their best neighbour (50 MB)
 * @param maxBundle      no bundle grows past this; a single larger path is a bundle of its own (500 MB)
 * @param seed           the only source of randomness (session sparsification)
 * @param closurePrior   weight of one References edge, in units of "fetched together once"
 * @param sparsifyDegree a session with many distinct groups links each to this many successors
 *                       on both sides of a seeded random cycle instead of to all others
 */
public record ClusterSettings(long minBundle, long maxBundle, long seed, float closurePrior, int sparsifyDegree) {
    public static final long MB = 1_000_000L;

    public ClusterSettings {
        if (minBundle < 0 || maxBundle <= 0 || minBundle > maxBundle) {
            throw new IllegalArgumentException("bundle sizes: need 0 <= min <= max, got " + minBundle + ", " + maxBundle);
        }
        if (sparsifyDegree < 1) throw new IllegalArgumentException("sparsifyDegree must be >= 1");
    }

    public static ClusterSettings defaults() {
        return new ClusterSettings(50 * MB, 500 * MB, 1L, 0.5f, 2);
    }

    public ClusterSettings withSizes(long min, long max) {
        return new ClusterSettings(min, max, seed, closurePrior, sparsifyDegree);
    }

    public ClusterSettings withSeed(long s) {
        return new ClusterSettings(minBundle, maxBundle, s, closurePrior, sparsifyDegree);
    }
}
