package org.nixswarm.core.testcache;


/**
 * NarSize as cache.nixos.org has it: the inverse CDF of the 978 real narinfos in
 * {@code ../shared/data/cache-nixos-org-sample.narinfo.xz} (median 111 KB, 90th percentile 7.2 MB,
 * 99th 147 MB, largest 2.06 GB), interpolated log-linearly between its quantiles so that draws
 * follow the heavy tail rather than repeat the sample's values.
 */
final class NarSizeDistribution {
    private static final double[] Q = {
        0.00, 0.01, 0.02, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60,
        0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 1.00,
    };
    private static final double[] SIZE = {
        96, 96, 176, 616, 1304, 1968, 2696, 7224, 15600, 31232, 51360, 80232, 110816, 155824, 218064,
        303136, 456104, 814120, 1340840, 2895776, 7205568, 10956680, 15130168, 17834648, 22303816,
        49084424, 79741912, 146791616, 275559008, 2061030632,
    };

    private NarSizeDistribution() {}

    /** The NarSize at quantile {@code u} in [0, 1]. */
    static long quantile(double u) {
        if (u <= 0) return (long) SIZE[0];
        if (u >= 1) return (long) SIZE[SIZE.length - 1];
        int i = 1;
        while (Q[i] < u) i++;
        double t = (u - Q[i - 1]) / (Q[i] - Q[i - 1]);
        double log = Math.log(SIZE[i - 1]) + t * (Math.log(SIZE[i]) - Math.log(SIZE[i - 1]));
        return Math.round(Math.exp(log));
    }

    static long draw(Rng r) {
        return quantile(r.nextDouble());
    }
}
