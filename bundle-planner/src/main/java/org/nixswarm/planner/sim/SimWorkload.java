package org.nixswarm.planner.sim;

import org.nixswarm.planner.BundlePlanner;
import org.nixswarm.planner.cluster.Assignment;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.eval.SyntheticWorkload;
import org.nixswarm.planner.graph.PathGraph;
import org.nixswarm.planner.graph.Sessions;

/**
 * What the simulated peers fetch and how it is bundled: the planner's synthetic nixpkgs-like
 * workload, planned on the sessions of even-numbered clients; the sessions of odd-numbered
 * clients are the pool that simulated fetches draw from (Zipf-popular closures the planner has
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
        Assignment a = BundlePlanner.plan(g, all.filterClients(c -> c % 2 == 0), cs.withSeed(seed));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new SimWorkload(g, a, all.filterClients(c -> c % 2 == 1), ms);
    }

    public long catalogueBytes() {
        return graph.totalFileSize();
    }
}
