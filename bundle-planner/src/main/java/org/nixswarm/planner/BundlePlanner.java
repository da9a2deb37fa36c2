package org.nixswarm.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nixswarm.planner.cluster.Assignment;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.cluster.Clusterer;
import org.nixswarm.planner.graph.ClosureOrder;
import org.nixswarm.planner.graph.PathGraph;
import org.nixswarm.planner.graph.Sessions;

/**
 * The planning step shared by {@code nix-swarm plan} and {@code plan-eval}: graph and sessions in,
 * bundles with their file order and piece sizes out. With a previous assignment its bundles are
 * kept unchanged, first and in the same order (a torrent is immutable), and only paths in none of
 * them are clustered into new bundles.
 */
public final class BundlePlanner {
    private BundlePlanner() {}

    public static Assignment plan(PathGraph g, Sessions training, ClusterSettings cfg) {
        return plan(g, training, cfg, List.of(), new int[0]);
    }

    /**
     * @param previous   member lists of the previous plan's bundles (ids in {@code g}), kept as they are
     * @param prevPieces their piece sizes
     */
    public static Assignment plan(PathGraph g, Sessions training, ClusterSettings cfg, List<int[]> previous,
            int[] prevPieces) {
        int[] frozenOf = new int[g.n];
        Arrays.fill(frozenOf, -1);
        for (int b = 0; b < previous.size(); b++) {
            for (int p : previous.get(b)) frozenOf[p] = b;
        }
        int[] rank = ClosureOrder.ranks(ClosureOrder.postOrder(g));
        List<int[]> fresh = Clusterer.cluster(g, training, frozenOf, previous.size(), cfg, rank);
        int[] fetch = new int[g.n];
        for (int p : training.items) fetch[p]++;
        List<int[]> all = new ArrayList<>(previous);
        all.addAll(fresh);
        int[] pieces = Arrays.copyOf(prevPieces, all.size());
        for (int b = previous.size(); b < all.size(); b++) pieces[b] = Assignment.pieceSizeFor(g, all.get(b), fetch);
        return new Assignment(g, all, pieces);
    }
}
