package org.nixswarm.planner.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nixswarm.planner.cluster.ClusterSettings;

class PlanEvalTest {
    @Test
    void plannerBeatsTheBaselinesOnASmallSyntheticWorkload() {
        SyntheticWorkload w = SyntheticWorkload.generate(SyntheticWorkload.Params.of(4000, 8000, 3));
        assertEquals(2, w.sessions.length);
        assertTrue(w.releaseEnd[1] > w.releaseEnd[0], "release 1 adds paths");
        // small bundles so that 4000 paths make enough of them for the comparison to mean something
        ClusterSettings cfg = ClusterSettings.defaults().withSizes(10_000_000, 100_000_000);
        PlanEval.Result r = new PlanEval(cfg, 0.2).evaluateReleases(w);
        Metrics planner = r.main().get(0), post = r.main().get(1), random = r.main().get(3), single = r.main().get(4);
        assertTrue(planner.meanTouched() < post.meanTouched(), planner + " vs " + post);
        assertTrue(post.meanTouched() < random.meanTouched());
        assertTrue(planner.meanTouched() >= planner.meanLowerBound());
        assertEquals(w.releaseEnd[0], single.bundles());
        assertTrue(planner.sessions() > 1000 && planner.sessions() < 2500, "about a fifth held out: " + planner.sessions());
        Metrics inc = r.incremental().get(0);
        assertTrue(inc.meanTouched() < r.incremental().get(2).meanTouched(), "incremental planner beats incremental post-order");
        assertEquals(w.releaseEnd[0], r.reusedPaths());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PlanEval.print(new PrintStream(out, true, StandardCharsets.UTF_8), "t", r.main());
        String table = out.toString(StandardCharsets.UTF_8);
        for (String name : List.of("planner", "closure post-order", "random packing", "one torrent per path", "lower bound")) {
            assertTrue(table.contains(name), table);
        }
    }

    @Test
    void generatorIsDeterministicAndFitsSizes() {
        SyntheticWorkload a = SyntheticWorkload.generate(SyntheticWorkload.Params.of(500, 300, 9));
        SyntheticWorkload b = SyntheticWorkload.generate(SyntheticWorkload.Params.of(500, 300, 9));
        assertEquals(a.graph.n, b.graph.n);
        for (int p = 0; p < a.graph.n; p++) assertEquals(a.graph.hash(p), b.graph.hash(p));
        assertTrue(java.util.Arrays.equals(a.sessions[0].items, b.sessions[0].items));
        double[] fit = SyntheticWorkload.fitLogNormal(new long[] {1000, 10000, 100000});
        assertEquals(Math.log(10000), fit[0], 1e-9);
    }
}
