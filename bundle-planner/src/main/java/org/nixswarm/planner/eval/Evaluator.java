package org.nixswarm.planner.eval;

import java.util.Arrays;
import org.nixswarm.planner.cluster.Assignment;
import org.nixswarm.planner.cluster.PieceSize;
import org.nixswarm.planner.graph.PathGraph;
import org.nixswarm.planner.graph.Sessions;

/**
 * Replays held-out sessions against a packing: bundles touched per session against the lower
 * bound ceil(session bytes / max bundle), and bytes moved. A fetched file costs its size plus
 * the pad after it (its last piece is whole unless it ends the torrent); each bundle a session
 * touches costs its metadata once (20 bytes per piece and about 60 per file entry).
 */
public final class Evaluator {
    public static final long[] HISTOGRAM_EDGES_MB = {0, 50, 100, 200, 300, 400, 500};

    private Evaluator() {}

    public static Metrics evaluate(String name, PathGraph g, Assignment a, Sessions held, long maxBundle) {
        int nb = a.count();
        long[] metadata = new long[nb];
        int[] lastOf = new int[nb];
        int[] hist = new int[HISTOGRAM_EDGES_MB.length];
        for (int b = 0; b < nb; b++) {
            int[] m = a.bundles.get(b);
            long[] sizes = new long[m.length];
            for (int i = 0; i < m.length; i++) sizes[i] = g.fileSize[m[i]];
            long pieces = PieceSize.pieces(sizes, a.pieceSize[b]);
            long pads = 0;
            for (int i = 0; i < m.length - 1; i++) if (PieceSize.pad(sizes[i], a.pieceSize[b]) > 0) pads++;
            metadata[b] = 20 * pieces + 60 * (m.length + pads);
            lastOf[b] = m[m.length - 1];
            hist[bin(a.bundleBytes(g, b))]++;
        }
        int sessions = held.count();
        int[] touched = new int[sessions];
        int[] stamp = new int[nb];
        Arrays.fill(stamp, -1);
        long requested = 0, downloaded = 0;
        double lowerSum = 0;
        for (int s = 0; s < sessions; s++) {
            long bytes = 0;
            int t = 0;
            for (int i = held.off[s]; i < held.off[s + 1]; i++) {
                int p = held.items[i];
                int b = a.bundleOf[p];
                long fs = g.fileSize[p];
                bytes += fs;
                if (b < 0) { // not bundled: fetched from the cache directly
                    downloaded += fs;
                    continue;
                }
                downloaded += fs + (p == lastOf[b] ? 0 : PieceSize.pad(fs, a.pieceSize[b]));
                if (stamp[b] != s) {
                    stamp[b] = s;
                    t++;
                    downloaded += metadata[b];
                }
            }
            requested += bytes;
            touched[s] = t;
            lowerSum += Math.max(1, (bytes + maxBundle - 1) / maxBundle);
        }
        int[] sorted = touched.clone();
        Arrays.sort(sorted);
        double mean = sessions == 0 ? 0 : Arrays.stream(touched).asLongStream().sum() / (double) sessions;
        return new Metrics(name, nb, sessions, mean, percentile(sorted, 50), percentile(sorted, 95),
                sessions == 0 ? 0 : lowerSum / sessions, requested, downloaded, hist, 0, 0, 0);
    }

    static int percentile(int[] sorted, int pct) {
        if (sorted.length == 0) return 0;
        int idx = (int) Math.ceil(pct / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    /** Bins [0,50) [50,100) [100,200) [200,300) [300,400) [400,500] and over 500 MB. */
    static int bin(long bytes) {
        double mb = bytes / 1e6;
        int last = HISTOGRAM_EDGES_MB.length - 1;
        for (int i = 1; i < last; i++) if (mb < HISTOGRAM_EDGES_MB[i]) return i - 1;
        return mb <= HISTOGRAM_EDGES_MB[last] ? last - 1 : last;
    }
}
