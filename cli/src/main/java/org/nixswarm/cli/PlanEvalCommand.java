package org.nixswarm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.nixswarm.planner.PlannerException;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.eval.GraphJson;
import org.nixswarm.planner.eval.PlanEval;
import org.nixswarm.planner.eval.SyntheticWorkload;
import org.nixswarm.planner.graph.PathGraph;
import org.nixswarm.planner.graph.Sessions;
import org.nixswarm.planner.io.BadInput;
import org.nixswarm.planner.logs.LogReader;
import org.nixswarm.planner.logs.SessionBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nix-swarm plan-eval}: the planner against baselines on held-out sessions. */
@Command(name = "plan-eval", mixinStandardHelpOptions = true,
        description = "Plan on the sessions of four fifths of the clients, replay the other fifth: bundles touched "
                + "per session and bytes moved, against closure post-order, name order, random packing and one "
                + "torrent per path. Real data (--graph, --sessions) or a synthetic nixpkgs-like workload.")
public final class PlanEvalCommand implements Callable<Integer> {
    @Option(names = "--graph", paramLabel = "F", description = "JSON of nix path-info --json --recursive")
    Path graph;

    @Option(names = "--sessions", paramLabel = "F", description = "download log (JSONL or CSV, see plan --help) over the graph's paths")
    List<Path> sessions = new ArrayList<>();

    @Option(names = "--synthetic", description = "generate a synthetic workload instead")
    boolean synthetic;

    @Option(names = "--paths", defaultValue = "200000", description = "synthetic: store paths of the first release (default: ${DEFAULT-VALUE})")
    int paths;

    @Option(names = "--session-count", defaultValue = "1000000", description = "synthetic: sessions of the first release (default: ${DEFAULT-VALUE})")
    int sessionCount;

    @Option(names = "--releases", defaultValue = "1", description = "synthetic: later releases, planned incrementally (default: ${DEFAULT-VALUE})")
    int releases;

    @Option(names = "--fit-sizes", paramLabel = "F", description = "synthetic: fit FileSize to these narinfos (.narinfo text, .xz allowed)")
    Path fitSizes;

    @Option(names = "--seed", defaultValue = "1", description = "seed of generator, split and clustering (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--held-out", defaultValue = "0.2", description = "fraction of clients held out (default: ${DEFAULT-VALUE})")
    double heldOut;

    @Option(names = "--min-bundle-mb", defaultValue = "50")
    double minMb;

    @Option(names = "--max-bundle-mb", defaultValue = "500")
    double maxMb;

    @Option(names = "--session-gap", defaultValue = "600", paramLabel = "SECONDS")
    long gapSeconds;

    @Override
    public Integer call() {
        ClusterSettings cs = ClusterSettings.defaults().withSizes((long) (minMb * 1e6), (long) (maxMb * 1e6)).withSeed(seed);
        PlanEval eval = new PlanEval(cs, heldOut);
        if (synthetic) {
            SyntheticWorkload.Params p = SyntheticWorkload.Params.of(paths, sessionCount, seed).withReleases(releases);
            if (fitSizes != null) {
                double[] fit = SyntheticWorkload.fitLogNormal(SizeSample.fileSizes(fitSizes));
                p = p.withSizes(fit[0], fit[1]);
            }
            long t0 = System.nanoTime();
            SyntheticWorkload w = SyntheticWorkload.generate(p);
            System.out.printf("synthetic workload: %d paths (%d in release 0), %d sessions in release 0 (%.1f paths each), "
                    + "generated in %.1f s%n", w.graph.n, w.releaseEnd[0], w.sessions[0].count(),
                    w.sessions[0].totalItems() / (double) Math.max(1, w.sessions[0].count()), (System.nanoTime() - t0) / 1e9);
            PlanEval.Result r = eval.evaluateReleases(w);
            PlanEval.print(System.out, "release 0: planned on training clients, measured on held-out clients", r.main());
            if (!r.incremental().isEmpty()) {
                System.out.println();
                PlanEval.print(System.out, "release 1: " + r.newPaths() + " new paths, " + r.reusedPaths()
                        + " reused in unchanged bundles", r.incremental());
            }
            return 0;
        }
        if (graph == null || sessions.isEmpty()) throw new PlannerException("give --graph F and --sessions F, or --synthetic");
        PathGraph g = GraphJson.read(graph);
        BadInput bad = new BadInput(false);
        SessionBuilder sb = new SessionBuilder(gapSeconds * 1000);
        LogReader lr = new LogReader(bad);
        for (Path f : sessions) {
            lr.read(f, rec -> sb.add(rec, t -> t.length() == 32 ? g.idOf(t)
                    : t.endsWith(".narinfo") && t.length() == 40 ? g.idOf(t.substring(0, 32)) : -1, bad, f.getFileName() + ": "));
        }
        Sessions s = sb.build();
        System.out.printf("graph: %d paths; %d log records, %d clients, %d sessions%n", g.n, sb.records(), sb.clients(), s.count());
        for (BadInput.Kind k : bad.kinds()) System.out.printf("ignored: %d %s, e.g. %s%n", k.count(), k.name(), k.examples().get(0));
        PlanEval.print(System.out, "planned on training clients, measured on held-out clients", eval.evaluate(g, s));
        return 0;
    }
}
