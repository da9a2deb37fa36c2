package org.nixswarm.planner.graph;

/** An undirected weighted graph in CSR form: row {@code v} is {@code nbr[off[v] .. off[v+1])}. */
public final class WeightedGraph {
    public final int n;
    public final int[] off;
    public final int[] nbr;
    public final float[] w;

    WeightedGraph(int n, int[] off, int[] nbr, float[] w) {
        this.n = n;
        this.off = off;
        this.nbr = nbr;
        this.w = w;
    }

    public int edgeCount() {
        return nbr.length / 2;
    }

    /** Sum of the weights incident to {@code v}. */
    public double strength(int v) {
        double s = 0;
        for (int i = off[v]; i < off[v + 1]; i++) s += w[i];
        return s;
    }
}
