package org.nixswarm.planner.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nixswarm.planner.BundlePlanner;
import org.nixswarm.planner.graph.ClosureOrder;
import org.nixswarm.planner.graph.NixHashes;
import org.nixswarm.planner.graph.PathGraph;
import org.nixswarm.planner.graph.Sessions;

class ClustererTest {
    static final long MB = 1_000_000;

    /** glibc (fetched by everyone) + packages of private libraries; sessions install one package each. */
    record World(PathGraph g, Sessions sessions, int[][] packages) {}

    static World world(int packages, int libs, long libSize, int sessionsPerPackage, long seed) {
        Random r = new Random(seed);
        PathGraph.Builder b = PathGraph.builder();
        List<String> hashes = new ArrayList<>();
        String glibc = NixHashes.random(r);
        hashes.add(glibc);
        b.add(glibc, "glibc", 5 * MB, 20 * MB, List.of());
        int[][] pk = new int[packages][libs + 1];
        for (int p = 0; p < packages; p++) {
            List<String> refs = new ArrayList<>(List.of(glibc));
            for (int i = 0; i < libs; i++) {
                String h = NixHashes.random(r);
                pk[p][i] = b.add(h, "lib" + p + "-" + i, libSize, libSize * 3, List.of(glibc));
                refs.add(h);
            }
            pk[p][libs] = b.add(NixHashes.random(r), "app" + p, libSize, libSize * 3, refs);
        }
        PathGraph g = b.build();
        Sessions.Builder sb = new Sessions.Builder();
        int client = 0;
        for (int p = 0; p < packages; p++) {
            for (int s = 0; s < sessionsPerPackage; s++) {
                sb.item(0);
                for (int x : pk[p]) sb.item(x);
                sb.endSession(client++);
            }
        }
        return new World(g, sb.build(), pk);
    }

    static int[] rank(PathGraph g) {
        return ClosureOrder.ranks(ClosureOrder.postOrder(g));
    }

    @Test
    void coFetchedPackagesStayTogetherAndGlibcDoesNotGlueThem() {
        World w = world(12, 6, 6 * MB, 5, 1); // a package is 42 MB; bundles 50-200 MB hold ~4
        ClusterSettings cfg = ClusterSettings.defaults().withSizes(50 * MB, 200 * MB);
        Assignment a = BundlePlanner.plan(w.g(), w.sessions(), cfg);
        for (int[] p : w.packages()) {
            Set<Integer> bundles = new HashSet<>();
            for (int x : p) bundles.add(a.bundleOf[x]);
            assertEquals(1, bundles.size(), "a package is split over " + bundles);
        }
        for (int b = 0; b < a.count(); b++) {
            assertTrue(a.bundleBytes(w.g(), b) <= 200 * MB);
        }
        assertTrue(a.count() >= 3, "glibc must not glue everything: " + a.count());
    }

    @Test
    void everyPathExactlyOnceWithinSizeBoundsAndBigPathsAlone() {
        Random r = new Random(7);
        PathGraph.Builder b = PathGraph.builder();
        List<String> hs = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String h = NixHashes.random(r);
            List<String> refs = new ArrayList<>();
            for (int k = 0; k < 3 && i > 0; k++) refs.add(hs.get(r.nextInt(i)));
            long size = i % 500 == 7 ? 700 * MB : (long) Math.exp(10 + 2.5 * r.nextGaussian());
            b.add(h, "p" + i, Math.max(100, Math.min(size, 900 * MB)), size, refs);
            hs.add(h);
        }
        PathGraph g = b.build();
        Sessions.Builder sb = new Sessions.Builder();
        for (int s = 0; s < 2000; s++) {
            int start = r.nextInt(2900);
            for (int k = 0; k < 20; k++) sb.item(start + r.nextInt(100));
            sb.endSession(s % 300);
        }
        ClusterSettings cfg = ClusterSettings.defaults();
        Assignment a = BundlePlanner.plan(g, sb.build(), cfg);
        int[] seen = new int[g.n];
        int small = 0;
        for (int bi = 0; bi < a.count(); bi++) {
            int[] m = a.bundles.get(bi);
            for (int p : m) seen[p]++;
            long bytes = a.bundleBytes(g, bi);
            if (m.length > 1) assertTrue(bytes <= cfg.maxBundle(), "bundle of " + bytes);
            for (int p : m) if (g.fileSize[p] > cfg.maxBundle()) assertEquals(1, m.length, "big path shares a bundle");
            if (bytes < cfg.minBundle()) small++;
        }
        for (int p = 0; p < g.n; p++) assertEquals(1, seen[p], "path " + p);
        assertTrue(small <= 1, "leftovers under the minimum are merged, found " + small);
    }

    @Test
    void deterministicForASeed() {
        World w = world(20, 5, 3 * MB, 3, 3);
        ClusterSettings cfg = ClusterSettings.defaults().withSizes(20 * MB, 60 * MB);
        Assignment a = BundlePlanner.plan(w.g(), w.sessions(), cfg);
        Assignment b = BundlePlanner.plan(w.g(), w.sessions(), cfg);
        assertEquals(a.count(), b.count());
        for (int i = 0; i < a.count(); i++) assertTrue(Arrays.equals(a.bundles.get(i), b.bundles.get(i)));
        assertTrue(Arrays.equals(a.pieceSize, b.pieceSize));
    }

    @Test
    void withoutLogsTheClosureGraphStillGroupsPackages() {
        World w = world(10, 6, 6 * MB, 0, 4);
        Assignment a = BundlePlanner.plan(w.g(), Sessions.empty(), ClusterSettings.defaults().withSizes(40 * MB, 100 * MB));
        int together = 0;
        for (int[] p : w.packages()) {
            Set<Integer> bundles = new HashSet<>();
            for (int x : p) bundles.add(a.bundleOf[x]);
            if (bundles.size() == 1) together++;
        }
        assertTrue(together >= 8, "packages kept whole from references alone: " + together);
    }

    @Test
    void incrementalKeepsOldBundlesAndPlansOnlyNewPaths() {
        World w = world(10, 4, 5 * MB, 3, 5);
        ClusterSettings cfg = ClusterSettings.defaults().withSizes(20 * MB, 60 * MB);
        PathGraph g0 = w.g().prefix(1 + 6 * 5);
        Assignment first = BundlePlanner.plan(g0, Sessions.empty(), cfg);
        Assignment next = BundlePlanner.plan(w.g(), w.sessions(), cfg, first.bundles, first.pieceSize);
        for (int i = 0; i < first.count(); i++) {
            assertTrue(Arrays.equals(first.bundles.get(i), next.bundles.get(i)));
            assertEquals(first.pieceSize[i], next.pieceSize[i]);
        }
        for (int p = g0.n; p < w.g().n; p++) assertTrue(next.bundleOf[p] >= first.count());
    }
}
