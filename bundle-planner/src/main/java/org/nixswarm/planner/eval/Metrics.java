package org.nixswarm.planner.eval;

/**
 * What one packing costs the held-out sessions.
 *
 * @param bytesRequested  sum of FileSize of the paths the sessions fetched
 * @param bytesDownloaded the same plus pad/piece overfetch and each joined bundle's metadata
 * @param sizeHistogram   bundle counts per {@link Evaluator#HISTOGRAM_EDGES_MB} bin
 * @param millis          wall time of planning
 * @param cpuMillis       CPU time of the planning thread (planning is single-threaded: on a shared
 *                        machine this is the figure that does not depend on other load)
 */
public record Metrics(String name, int bundles, int sessions, double meanTouched, int p50Touched, int p95Touched,
        double meanLowerBound, long bytesRequested, long bytesDownloaded, int[] sizeHistogram, long millis,
        long cpuMillis, long peakHeapBytes) {

    public double overheadPercent() {
        return bytesRequested == 0 ? 0 : 100.0 * (bytesDownloaded - bytesRequested) / bytesRequested;
    }

    public Metrics timed(long ms, long cpuMs, long heap) {
        return new Metrics(name, bundles, sessions, meanTouched, p50Touched, p95Touched, meanLowerBound,
                bytesRequested, bytesDownloaded, sizeHistogram, ms, cpuMs, heap);
    }
}
