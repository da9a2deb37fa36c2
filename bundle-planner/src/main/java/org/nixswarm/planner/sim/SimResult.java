package org.nixswarm.planner.sim;

import java.util.Arrays;
import java.util.List;

/** Everything one run measured: hourly series and time-to-first-byte samples (milliseconds). */
public record SimResult(VolunteerPolicy policy, int bundles, List<HourStats> hours, float[] ttfbMs,
        float[] directTtfbMs, long sessions, double wallSeconds) {

    public long peerBytes() {
        return hours.stream().mapToLong(HourStats::peerBytes).sum();
    }

    public long originBytes() {
        return hours.stream().mapToLong(HourStats::originBytes).sum();
    }

    public long fillOriginBytes() {
        return hours.stream().mapToLong(HourStats::fillOriginBytes).sum();
    }

    public long fillPeerBytes() {
        return hours.stream().mapToLong(HourStats::fillPeerBytes).sum();
    }

    public long requestedBytes() {
        return peerBytes() + originBytes();
    }

    /** Share of client bytes served by peers over hours {@code [from, to)}. */
    public double offload(int from, int to) {
        long p = 0, o = 0;
        for (HourStats h : hours.subList(Math.max(0, from), Math.min(to, hours.size()))) {
            p += h.peerBytes();
            o += h.originBytes();
        }
        return p + o == 0 ? 0 : p / (double) (p + o);
    }

    /** Share of all bytes (client and volunteer fill) that did not come from the origin. */
    public double offloadWithFill() {
        long o = originBytes() + fillOriginBytes();
        long all = requestedBytes() + fillOriginBytes() + fillPeerBytes();
        return all == 0 ? 0 : 1 - o / (double) all;
    }

    public double meanZeroSeeders(int from, int to) {
        List<HourStats> l = hours.subList(Math.max(0, from), Math.min(to, hours.size()));
        return l.stream().mapToInt(HourStats::zeroSeederBundles).average().orElse(0);
    }

    public static double percentile(float[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static float[] sorted(float[] a, int n) {
        float[] s = Arrays.copyOf(a, n);
        Arrays.sort(s);
        return s;
    }
}
