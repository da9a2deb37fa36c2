package org.nixswarm.planner.sim;

import org.nixswarm.planner.BundlePlanner;
import org.nixswarm.planner.cluster.Assignment;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.eval.SyntheticWorkload;
import org.nixswarm.planner.graph.Mix;
import org.nixswarm.planner.graph.PathGraph;
import org.nixswarm.planner.graph.Sessions;

/**
 * What the simulated peers fetch and how it is bundled: the planner's synthetic nixpkgs-like
 * workload, planned on the sessions of half the clients (chosen by a hash); the sessions of the
 * other half are the pool that simulated fetches draw from (Zipf-popular closures the planner has
 * not seen).
 */
public final class SimWorkload {
    public final PathGraph graph;
    public final Assignment plan;
    public final Sessions requests;
    public final long planMillis;

    public SimWorkload(PathGraph graph, Assignment plan, Sessions requests, long planMillis) {
        if (requests.count() == 0) throw new org.nixswarm.planner.PlannerException("simulation: the request pool has no sessions");
        for (int p : requests.items) {
            if (p < 0 || p >= graph.n || plan.bundleOf[p] < 0) {
                throw new org.nixswarm.planner.PlannerException("simulation: requested path id " + p + " is in no bundle");
            }
        }
        this.graph = graph;
        this.plan = plan;
        this.requests = requests;
        this.planMillis = planMillis;
    }

    public static SimWorkload synthetic(int paths, int sessions, long seed, ClusterSettings cs) {
        SyntheticWorkload w = SyntheticWorkload.generate(SyntheticWorkload.Params.of(paths, sessions, seed).withReleases(0));
        PathGraph g = w.graph;
        Sessions all = w.sessions[0];
        long t0 = System.nanoTime();
        // split clients by a hash, not by parity: the generator makes even clients fresh machines
        java.util.function.IntPredicate train = c -> Mix.unit(Mix.mix(seed ^ 0x51bL, c)) < 0.5;
        Assignment a = BundlePlanner.plan(g, all.filterClients(train), cs.withSeed(seed));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new SimWorkload(g, a, all.filterClients(train.negate()), ms);
    }

    /** Bundles no volunteer can seed: larger than the budget (single paths over the maximum bundle size). */
    public int bundlesLargerThan(long bytes) {
        int c = 0;
        for (int b = 0; b < plan.count(); b++) if (plan.bundleBytes(graph, b) > bytes) c++;
        return c;
    }

    public long catalogueBytes() {
        return graph.totalFileSize();
    }
}
