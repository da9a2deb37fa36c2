package org.nixswarm.planner.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nixswarm.planner.graph.IntList;
import org.nixswarm.planner.graph.LongIntMap;
import org.nixswarm.planner.graph.Mix;
import org.nixswarm.planner.graph.PairWeights;
import org.nixswarm.planner.graph.PathGraph;
import org.nixswarm.planner.graph.Sessions;
import org.nixswarm.planner.graph.WeightedGraph;

/**
 * Cuts store paths into size-bounded bundles so that what sessions fetch together lands together.
 *
 * <ol>
 *   <li><b>Atoms.</b> Paths fetched by exactly the same sessions are always co-fetched: they are
 *       grouped first (a hash of each path's session set; chunks of at most {@code maxBundle}).</li>
 *   <li><b>Graph.</b> Each session adds weight {@code 1/(m-1)} between every pair of its m atoms
 *       (so a session contributes at most 1 to any atom's strength); sessions with many atoms
 *       link each atom to {@code d} successors on a seeded random cycle with weight {@code 1/(2d)},
 *       the same expectation with O(m) edges. Every References edge adds {@code closurePrior/outdeg}.
 *       Beyond 12 M session items a deterministic sample of sessions (weighted by the inverse of
 *       the sampling rate) stands for all of them, so time and memory stay linear and bounded.</li>
 *   <li><b>Agglomeration.</b> Clusters merge greedily by cosine association
 *       {@code W(A,B)/sqrt(s(A)s(B))} (s = strength: sessions touching, plus prior), largest first,
 *       while the merged size stays within {@code maxBundle}. The normalisation is what keeps
 *       glibc-like paths that every session fetches from gluing everything together: their
 *       strength is huge, so their association with any one package is small. Heap with lazy
 *       re-evaluation and small-into-large adjacency merges: O(E log E) overall.</li>
 *   <li><b>Leftovers.</b> Clusters under {@code minBundle} join the neighbour they share the
 *       most weight with (if it has room); what has no such neighbour is packed in closure
 *       post-order (or, when planning incrementally, next to other paths tied to the same old bundle).</li>
 * </ol>
 * <b>Order inside a bundle</b> follows the merge tree: when two clusters merge, the second's files
 * go right after the first's, so the pairs that merged first (strongest co-access) end up adjacent;
 * inside an atom, files are in closure post-order (dependencies first).
 * Frozen paths (already in an immutable bundle of a previous plan) are vertices that never merge:
 * they shape the weights and the leftover order but keep their bundle.
 * Deterministic: same input and seed, same bundles.
 */
public final class Clusterer {
    private final PathGraph g;
    private final Sessions sessions;
    private final ClusterSettings cfg;
    private final int[] frozenOf; // path -> previous bundle index, or -1
    private final int frozenCount;
    private final int[] rank; // closure post-order rank of each path

    // atoms
    private int atomCount;
    private int[] vertexOf; // path -> vertex (atom or frozen vertex)
    private int[] atomHead; // atom -> first path (paths chained by pathNext)
    private int[] pathNext;
    private int[] atomTail;

    // clusters over vertices
    private int nv;
    private long[] size;
    private double[] strength;
    private int[] parent;
    private boolean[] frozen;
    private int[] head; // cluster -> first atom (atoms chained by atomNext)
    private int[] tail;
    private int[] atomNext;
    private IntFloatMap[] adj;
    private WeightedGraph graph;
    private MaxHeap heap;

    private Clusterer(PathGraph g, Sessions sessions, int[] frozenOf, int frozenCount, ClusterSettings cfg, int[] rank) {
        this.g = g;
        this.sessions = sessions;
        this.cfg = cfg;
        this.frozenOf = frozenOf;
        this.frozenCount = frozenCount;
        this.rank = rank;
    }

    /**
     * Bundles for every path not frozen. {@code frozenOf} (may be null) maps a path to its
     * previous bundle (0..frozenCount-1) or -1; {@code rank} is the closure post-order rank.
     * Each result is the ordered member list of one new bundle.
     */
    public static List<int[]> cluster(PathGraph g, Sessions sessions, int[] frozenOf, int frozenCount,
            ClusterSettings cfg, int[] rank) {
        if (frozenOf == null) {
            frozenOf = new int[g.n];
            Arrays.fill(frozenOf, -1);
            frozenCount = 0;
        }
        return new Clusterer(g, sessions, frozenOf, frozenCount, cfg, rank).run();
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Clusterer.class);

    private List<int[]> run() {
        long t = System.nanoTime();
        buildAtoms();
        t = trace("atoms " + atomCount, t);
        buildGraph();
        t = trace("graph " + graph.edgeCount() + " edges", t);
        agglomerate();
        t = trace("agglomerate " + pushes + " pushes", t);
        mergeLeftovers();
        trace("leftovers", t);
        return collect();
    }

    private long pushes;
    private static final int CANDIDATES = 6;
    /** Session items the co-access graph is built from at most (a sample beyond). */
    static final long SAMPLE_ITEMS = 12_000_000L;

    private static long trace(String what, long t0) {
        long now = System.nanoTime();
        if (LOG.isDebugEnabled()) LOG.debug("clusterer: {} in {} ms", what, (now - t0) / 1_000_000);
        return now;
    }

    // ---- 1. atoms -------------------------------------------------------------------------------

    private void buildAtoms() {
        int n = g.n;
        long[] sig = new long[n];
        int[] cnt = new int[n];
        for (int s = 0; s < sessions.count(); s++) {
            long h = Mix.mix(cfg.seed(), s + 1L);
            for (int i = sessions.off[s]; i < sessions.off[s + 1]; i++) {
                sig[sessions.items[i]] += h;
                cnt[sessions.items[i]]++;
            }
        }
        int[] byRank = new int[n];
        for (int p = 0; p < n; p++) byRank[rank[p]] = p;
        vertexOf = new int[n];
        pathNext = new int[n];
        Arrays.fill(pathNext, -1);
        IntList heads = new IntList(), tails = new IntList();
        LongList atomSizes = new LongList();
        LongIntMap open = new LongIntMap(Math.max(16, n / 4));
        for (int p : byRank) {
            if (frozenOf[p] >= 0) continue;
            long fs = g.fileSize[p];
            int atom = -1;
            long key = 0;
            if (cnt[p] > 0) {
                key = Mix.mix(sig[p], cnt[p]);
                if (key == Long.MIN_VALUE) key = 0;
                atom = open.get(key);
                if (atom >= 0 && atomSizes.get(atom) + fs > cfg.maxBundle()) atom = -1;
            }
            if (atom < 0) {
                atom = heads.size();
                heads.add(p);
                tails.add(p);
                atomSizes.add(fs);
                if (cnt[p] > 0) open.put(key, atom);
            } else {
                pathNext[tails.get(atom)] = p;
                tails.set(atom, p);
                atomSizes.set(atom, atomSizes.get(atom) + fs);
            }
            vertexOf[p] = atom;
        }
        atomCount = heads.size();
        atomHead = heads.toArray();
        atomTail = tails.toArray();
        nv = atomCount + frozenCount;
        size = new long[nv];
        for (int a = 0; a < atomCount; a++) size[a] = atomSizes.get(a);
        for (int p = 0; p < n; p++) {
            if (frozenOf[p] >= 0) vertexOf[p] = atomCount + frozenOf[p];
        }
    }

    // ---- 2. weighted graph ----------------------------------------------------------------------

    private void buildGraph() {
        strength = new double[nv];
        // start modest and grow: distinct pairs are far fewer than pair additions
        PairWeights pw = new PairWeights((int) Math.min(1 << 21,
                Math.max(1024, Math.min(sessions.totalItems(), SAMPLE_ITEMS) / 4 + g.refs.length)));
        // distinct vertex sets per session, deduplicated across sessions with a weight
        int[] stamp = new int[nv];
        Arrays.fill(stamp, -1);
        LongIntMap seen = new LongIntMap(Math.max(16, sessions.count() / 4));
        IntList uOff = new IntList();
        uOff.add(0);
        IntList uItems = new IntList(1 << 16);
        IntList uWeight = new IntList();
        IntList buf = new IntList();
        // past a budget of session items, co-access is estimated from a deterministic sample of
        // sessions (each kept with probability keep, weighted 1/keep): linear time and memory
        double keep = Math.min(1.0, (double) SAMPLE_ITEMS / Math.max(1, sessions.totalItems()));
        for (int s = 0; s < sessions.count(); s++) {
            if (keep < 1.0 && Mix.unit(Mix.mix(cfg.seed() ^ 0x5A3E1L, s)) >= keep) continue;
            buf.clear();
            for (int i = sessions.off[s]; i < sessions.off[s + 1]; i++) {
                int v = vertexOf[sessions.items[i]];
                if (stamp[v] != s) {
                    stamp[v] = s;
                    buf.add(v);
                }
            }
            int[] vs = buf.toArray();
            Arrays.sort(vs);
            long h = 0x51ed27L;
            for (int v : vs) h = Mix.mix(h, v);
            if (h == Long.MIN_VALUE) h = 0;
            int u = seen.get(h);
            if (u >= 0 && sameItems(uItems, uOff.get(u), uOff.get(u + 1), vs)) {
                uWeight.set(u, uWeight.get(u) + 1);
                continue;
            }
            if (u < 0) seen.put(h, uWeight.size());
            for (int v : vs) uItems.add(v);
            uOff.add(uItems.size());
            uWeight.add(1);
        }
        int d = cfg.sparsifyDegree();
        int fullMax = 2 * d + 1;
        for (int u = 0; u < uWeight.size(); u++) {
            int from = uOff.get(u), to = uOff.get(u + 1), m = to - from;
            float wt = (float) (uWeight.get(u) / keep);
            for (int i = from; i < to; i++) strength[uItems.get(i)] += wt;
            if (m < 2) continue;
            if (m <= fullMax) {
                float w = wt / (m - 1);
                for (int i = from; i < to; i++) {
                    for (int j = i + 1; j < to; j++) pw.add(uItems.get(i), uItems.get(j), w);
                }
            } else {
                // seeded Fisher-Yates shuffle of the (sorted, so input-order independent) members
                int[] cyc = new int[m];
                for (int i = 0; i < m; i++) cyc[i] = uItems.get(from + i);
                long sh = Mix.mix(cfg.seed(), u * 0x9E3779B97F4A7C15L + m);
                for (int i = m - 1; i > 0; i--) {
                    sh = Mix.mix(sh + i);
                    int j = (int) ((sh >>> 33) % (i + 1));
                    int t = cyc[i];
                    cyc[i] = cyc[j];
                    cyc[j] = t;
                }
                float w = wt / (2f * d);
                for (int i = 0; i < m; i++) {
                    for (int k = 1; k <= d; k++) pw.add(cyc[i], cyc[(i + k) % m], w);
                }
            }
        }
        // closure prior: a path's references share closurePrior between them
        float prior = cfg.closurePrior();
        if (prior > 0) {
            for (int p = 0; p < g.n; p++) {
                int od = g.refOff[p + 1] - g.refOff[p];
                if (od == 0) continue;
                float w = prior / od;
                int a = vertexOf[p];
                for (int i = g.refOff[p]; i < g.refOff[p + 1]; i++) {
                    int b = vertexOf[g.refs[i]];
                    if (a == b || (a >= atomCount && b >= atomCount)) continue;
                    pw.add(a, b, w);
                    strength[a] += w;
                    strength[b] += w;
                }
            }
        }
        graph = pw.toGraph(nv);
        // a vertex with no weight at all still needs a positive strength for the cosine
        for (int v = 0; v < nv; v++) if (strength[v] <= 0) strength[v] = 1e-9;
    }

    private static boolean sameItems(IntList items, int from, int to, int[] vs) {
        if (to - from != vs.length) return false;
        for (int i = 0; i < vs.length; i++) if (items.get(from + i) != vs[i]) return false;
        return true;
    }

    // ---- 3. agglomeration -----------------------------------------------------------------------

    private void agglomerate() {
        parent = new int[nv];
        frozen = new boolean[nv];
        head = new int[nv];
        tail = new int[nv];
        atomNext = new int[nv];
        Arrays.fill(atomNext, -1);
        for (int v = 0; v < nv; v++) {
            parent[v] = v;
            head[v] = v;
            tail[v] = v;
            frozen[v] = v >= atomCount;
        }
        adj = new IntFloatMap[nv];
        heap = new MaxHeap();
        long max = cfg.maxBundle();
        // initial candidates: each atom's strongest few associations (the rest would mostly be
        // popped stale); later candidates come from the edges a merge changes
        double[] best = new double[CANDIDATES];
        int[] bestNbr = new int[CANDIDATES];
        for (int a = 0; a < atomCount; a++) {
            int k = 0;
            for (int i = graph.off[a]; i < graph.off[a + 1]; i++) {
                int b = graph.nbr[i];
                if (frozen[b] || size[a] + size[b] > max) continue;
                double r = graph.w[i] / Math.sqrt(strength[a] * strength[b]);
                if (k < CANDIDATES) {
                    best[k] = r;
                    bestNbr[k++] = b;
                } else {
                    int lo = 0;
                    for (int j = 1; j < k; j++) if (best[j] < best[lo]) lo = j;
                    if (r > best[lo]) {
                        best[lo] = r;
                        bestNbr[lo] = b;
                    }
                }
            }
            for (int j = 0; j < k; j++) push(best[j], pair(Math.min(a, bestNbr[j]), Math.max(a, bestNbr[j])));
        }
        while (!heap.isEmpty()) {
            double r = heap.topKey();
            long pv = heap.topVal();
            heap.pop();
            int a = find((int) (pv >>> 32)), b = find((int) pv);
            if (a == b || frozen[a] || frozen[b] || size[a] + size[b] > max) continue;
            double now = weight(a, b) / Math.sqrt(strength[a] * strength[b]);
            if (now < r * (1 - 1e-9)) {
                if (now > 0) push(now, pair(Math.min(a, b), Math.max(a, b)));
                continue;
            }
            merge(a, b, true);
        }
        heap = null;
    }

    private void push(double r, long pv) {
        pushes++;
        heap.push(r, pv);
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private int find(int v) {
        while (parent[v] != v) {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        return v;
    }

    private boolean alive(int v) {
        return parent[v] == v;
    }

    /** W(a,b) between two live clusters. A cluster without a map has never been touched by a merge. */
    private float weight(int a, int b) {
        if (adj[a] != null) return adj[a].get(b);
        if (adj[b] != null) return adj[b].get(a);
        int lo = graph.off[a], hi = graph.off[a + 1] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int x = graph.nbr[mid];
            if (x == b) return graph.w[mid];
            if (x < b) lo = mid + 1;
            else hi = mid - 1;
        }
        return 0f;
    }

    private IntFloatMap map(int v) {
        IntFloatMap m = adj[v];
        if (m == null) {
            int deg = graph.off[v + 1] - graph.off[v];
            m = new IntFloatMap(deg + 4);
            for (int i = graph.off[v]; i < graph.off[v + 1]; i++) m.add(graph.nbr[i], graph.w[i]);
            adj[v] = m;
        }
        return m;
    }

    private int degree(int v) {
        return adj[v] != null ? adj[v].size() : graph.off[v + 1] - graph.off[v];
    }

    /** Merges the smaller adjacency into the larger; the survivor keeps the first cluster's atoms first. */
    private int merge(int a, int b, boolean pushCandidates) {
        int s = degree(a) >= degree(b) ? a : b;
        int t = s == a ? b : a;
        parent[t] = s;
        size[s] += size[t];
        strength[s] += strength[t];
        // member order follows the merge tree: a's atoms, then b's
        if (s == a) {
            atomNext[tail[a]] = head[b];
            tail[a] = tail[b];
        } else {
            atomNext[tail[a]] = head[b];
            head[b] = head[a];
        }
        IntFloatMap ms = map(s);
        long max = cfg.maxBundle();
        candK = 0;
        if (adj[t] != null) {
            IntFloatMap mt = adj[t];
            for (int i = 0; i < mt.keys.length; i++) {
                int c = mt.keys[i];
                if (c >= 0) absorbEdge(ms, s, c, mt.vals[i], pushCandidates, max);
            }
        } else {
            for (int i = graph.off[t]; i < graph.off[t + 1]; i++) {
                absorbEdge(ms, s, graph.nbr[i], graph.w[i], pushCandidates, max);
            }
        }
        for (int j = 0; j < candK; j++) push(candR[j], pair(Math.min(s, candC[j]), Math.max(s, candC[j])));
        adj[t] = null;
        return s;
    }

    private final double[] candR = new double[CANDIDATES];
    private final int[] candC = new int[CANDIDATES];
    private int candK;

    /** Moves one edge of the absorbed cluster to the survivor; keeps the strongest few as new candidates. */
    private void absorbEdge(IntFloatMap ms, int s, int c, float w, boolean push, long max) {
        if (c == s || !alive(c)) return;
        float total = ms.add(c, w);
        map(c).add(s, w);
        if (push && !frozen[c] && size[s] + size[c] <= max) {
            double r = total / Math.sqrt(strength[s] * strength[c]);
            if (candK < CANDIDATES) {
                candR[candK] = r;
                candC[candK++] = c;
            } else {
                int lo = 0;
                for (int j = 1; j < candK; j++) if (candR[j] < candR[lo]) lo = j;
                if (r > candR[lo]) {
                    candR[lo] = r;
                    candC[lo] = c;
                }
            }
        }
    }

    // ---- 4. leftovers ---------------------------------------------------------------------------

    private void mergeLeftovers() {
        long min = cfg.minBundle(), max = cfg.maxBundle();
        List<Integer> small = new ArrayList<>();
        for (int v = 0; v < atomCount; v++) if (alive(v) && size[v] < min) small.add(v);
        small.sort((x, y) -> size[x] != size[y] ? Long.compare(size[x], size[y]) : Integer.compare(x, y));
        List<Integer> orphans = new ArrayList<>();
        for (int v0 : small) {
            int v = find(v0);
            if (size[v] >= min) continue;
            int best = -1;
            float bestW = 0;
            for (int c : neighbours(v)) {
                if (frozen[c] || size[v] + size[c] > max) continue;
                float w = weight(v, c);
                if (w > bestW || (w == bestW && best >= 0 && c < best)) {
                    bestW = w;
                    best = c;
                }
            }
            if (best >= 0 && bestW > 0) merge(v, best, false);
            else orphans.add(v);
        }
        // what is still small: pack by (old bundle it is most tied to, closure order)
        List<Integer> rest = new ArrayList<>();
        boolean[] taken = new boolean[nv];
        for (int v : orphans) {
            if (alive(v) && size[v] < min && !taken[v]) {
                taken[v] = true;
                rest.add(v);
            }
        }
        if (rest.isEmpty()) return;
        int[] tie = new int[nv];
        int[] firstRank = new int[nv];
        for (int v : rest) {
            tie[v] = Integer.MAX_VALUE;
            float bw = 0;
            for (int c : neighbours(v)) {
                if (!frozen[c]) continue;
                float w = weight(v, c);
                if (w > bw) {
                    bw = w;
                    tie[v] = c;
                }
            }
            firstRank[v] = Integer.MAX_VALUE;
            for (int a = head[v]; a >= 0; a = atomNext[a]) firstRank[v] = Math.min(firstRank[v], rank[atomHead[a]]);
        }
        rest.sort((x, y) -> tie[x] != tie[y] ? Integer.compare(tie[x], tie[y]) : Integer.compare(firstRank[x], firstRank[y]));
        int cur = -1;
        int prev = -1;
        for (int v : rest) {
            if (cur >= 0 && size[cur] + size[v] <= max) {
                cur = merge(cur, v, false);
            } else {
                prev = cur;
                cur = v;
            }
        }
        if (cur >= 0 && size[cur] < min && prev >= 0 && size[prev] + size[cur] <= max) merge(prev, cur, false);
    }

    /** Live neighbour clusters of a live cluster, ascending id. */
    private int[] neighbours(int v) {
        IntList out = new IntList();
        if (adj[v] != null) {
            for (int k : adj[v].keys) if (k >= 0 && k != v && alive(k)) out.add(k);
        } else {
            for (int i = graph.off[v]; i < graph.off[v + 1]; i++) out.add(find(graph.nbr[i]));
        }
        int[] a = out.toArray();
        Arrays.sort(a);
        return Arrays.stream(a).distinct().filter(c -> c != v).toArray();
    }

    // ---- 5. result ------------------------------------------------------------------------------

    private List<int[]> collect() {
        List<int[]> bundles = new ArrayList<>();
        for (int v = 0; v < atomCount; v++) {
            if (!alive(v)) continue;
            IntList members = new IntList();
            for (int a = head[v]; a >= 0; a = atomNext[a]) {
                for (int p = atomHead[a]; p >= 0; p = pathNext[p]) {
                    members.add(p);
                    if (p == atomTail[a]) break;
                }
            }
            bundles.add(members.toArray());
        }
        // bundles in closure order of their first member: stable across runs, readable manifests
        bundles.sort((x, y) -> Integer.compare(minRank(x), minRank(y)));
        return bundles;
    }

    private int minRank(int[] members) {
        int m = Integer.MAX_VALUE;
        for (int p : members) m = Math.min(m, rank[p]);
        return m;
    }

    /** A growable long array local to atom building. */
    private static final class LongList {
        private long[] a = new long[64];
        private int size;

        void add(long v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        long get(int i) {
            return a[i];
        }

        void set(int i, long v) {
            a[i] = v;
        }
    }
}
