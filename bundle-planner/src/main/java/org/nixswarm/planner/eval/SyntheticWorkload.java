package org.nixswarm.planner.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.LogNormalDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.distribution.ZipfDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.nixswarm.planner.graph.IntList;
import org.nixswarm.planner.graph.PathGraph;
import org.nixswarm.planner.graph.Sessions;

/**
 * A nixpkgs-like cache and its download sessions, from Commons Math distributions.
 *
 * <p><b>Graph.</b> A small core every package references (glibc, gcc-lib, bash…); libraries that
 * reference the core and a Poisson number of earlier libraries picked by Zipf popularity (so a few
 * are referenced by almost everything and most by a handful); top-level applications that
 * reference core and libraries the same way; extra outputs: an application's {@code -man}
 * (installed with it but referenced by nothing: only logs reveal that pairing) and a library's
 * {@code -dev} (references the library; fetched by development shells). FileSize is log-normal,
 * fitted to the real cache.nixos.org sample (defaults: mu 9.96, sigma 2.91 of ln bytes).
 *
 * <p><b>Users.</b> Half the clients are fresh machines (CI runners, containers) that hold nothing;
 * the others run one of four base systems (the closure of ten popular applications, already on disk). A session installs 1–3 applications chosen by Zipf popularity
 * (their closures and man pages minus what the base system holds), or, one time in seven, opens
 * a development shell for one (the {@code -dev} outputs of its libraries and their closures).
 *
 * <p><b>Releases.</b> Release r rebuilds a random fraction of libraries and applications and
 * everything that depends on them (new store paths appended after the old ones; the old ones
 * stay in the cache); its sessions fetch the new versions.
 */
public final class SyntheticWorkload {
    /** Parameters; sizes are ln(FileSize) log-normal. */
    public record Params(int paths, int sessions, long seed, double zipf, int releases, double changeFraction,
            double sizeMu, double sizeSigma) {
        public static Params of(int paths, int sessions, long seed) {
            return new Params(paths, sessions, seed, 1.0, 1, 0.002, 9.96, 2.91);
        }

        public Params withSizes(double mu, double sigma) {
            return new Params(paths, sessions, seed, zipf, releases, changeFraction, mu, sigma);
        }

        public Params withReleases(int r) {
            return new Params(paths, sessions, seed, zipf, r, changeFraction, sizeMu, sizeSigma);
        }
    }

    public final PathGraph graph;
    /** {@code releaseEnd[r]}: paths of releases 0..r are ids {@code [0, releaseEnd[r])}. */
    public final int[] releaseEnd;
    /** Sessions of each release (release 0 gets {@code sessions}, later ones a quarter of it). */
    public final Sessions[] sessions;

    private SyntheticWorkload(PathGraph graph, int[] releaseEnd, Sessions[] sessions) {
        this.graph = graph;
        this.releaseEnd = releaseEnd;
        this.sessions = sessions;
    }

    /** mu and sigma of ln(size) over the positive sizes. */
    public static double[] fitLogNormal(long[] sizes) {
        org.apache.commons.math3.stat.descriptive.SummaryStatistics st =
                new org.apache.commons.math3.stat.descriptive.SummaryStatistics();
        for (long s : sizes) if (s > 0) st.addValue(Math.log(s));
        if (st.getN() < 2) throw new IllegalArgumentException("need at least two positive sizes to fit, got " + st.getN());
        return new double[] {st.getMean(), st.getStandardDeviation()};
    }

    private static final char[] B32 = "0123456789abcdfghijklmnpqrsvwxyz".toCharArray();
    private static final long MAX_FILE = 4_000_000_000L;

    public static SyntheticWorkload generate(Params prm) {
        if (prm.paths() < 100) throw new IllegalArgumentException("synthetic graph needs at least 100 paths");
        RandomGenerator rng = new Well19937c(prm.seed());
        int n = prm.paths();
        int core = Math.max(8, Math.min(48, n / 2000));
        int libs = (int) (0.40 * n);
        int apps = (int) (0.35 * n);
        int outs = n - core - libs - apps;
        int libBase = core, appBase = core + libs, outBase = core + libs + apps;

        LogNormalDistribution size = new LogNormalDistribution(rng, prm.sizeMu(), prm.sizeSigma());
        LogNormalDistribution narRatio = new LogNormalDistribution(rng, Math.log(1 / 0.24), 0.5);
        PoissonDistribution libRefs = new PoissonDistribution(rng, 3.5, 1e-12, 10_000);
        PoissonDistribution appRefs = new PoissonDistribution(rng, 10.0, 1e-12, 10_000);
        ZipfDistribution libPick = new ZipfDistribution(rng, libs, 1.1);
        ZipfDistribution appPick = new ZipfDistribution(rng, apps, prm.zipf());
        int[] libByRank = permutation(rng, libs, libBase);
        int[] appByRank = permutation(rng, apps, appBase);

        // logical graph of release 0 (ids are topological: references point to lower ids)
        List<int[]> refs = new ArrayList<>(n);
        String[] names = new String[n];
        long[] fsz = new long[n];
        int[] manOf = new int[n];
        int[] devOf = new int[n];
        Arrays.fill(manOf, -1);
        Arrays.fill(devOf, -1);
        IntList buf = new IntList();
        for (int i = 0; i < n; i++) {
            buf.clear();
            if (i < libBase) {
                names[i] = "core" + i + "-1.0";
                if (i > 0) buf.add(0);
                if (i > 1) buf.add(1 + rng.nextInt(i - 1));
            } else if (i < appBase) {
                names[i] = "lib" + (i - libBase) + "-" + (1 + rng.nextInt(9)) + "." + rng.nextInt(20);
                buf.add(0);
                buf.add(rng.nextInt(core));
                int k = libRefs.sample();
                for (int j = 0; j < k; j++) {
                    for (int t = 0; t < 4; t++) {
                        int cand = libByRank[libPick.sample() - 1];
                        if (cand < i) {
                            buf.add(cand);
                            break;
                        }
                    }
                }
            } else if (i < outBase) {
                names[i] = "app" + (i - appBase) + "-" + (1 + rng.nextInt(9)) + "." + rng.nextInt(20);
                buf.add(0);
                buf.add(rng.nextInt(core));
                int k = 1 + appRefs.sample();
                for (int j = 0; j < k; j++) buf.add(libByRank[libPick.sample() - 1]);
            } else {
                boolean forApp = rng.nextBoolean();
                int parent = forApp ? appBase + rng.nextInt(apps) : libBase + rng.nextInt(libs);
                if (forApp && manOf[parent] < 0) {
                    names[i] = names[parent] + "-man";
                    manOf[parent] = i;
                } else if (!forApp && devOf[parent] < 0) {
                    names[i] = names[parent] + "-dev";
                    devOf[parent] = i;
                    buf.add(parent);
                } else {
                    names[i] = names[parent] + "-doc";
                }
            }
            fsz[i] = Math.max(64, Math.min(MAX_FILE, (long) size.sample()));
            refs.add(Arrays.stream(buf.toArray()).distinct().toArray());
        }

        // releases: logical node -> current path id
        List<String> hashes = new ArrayList<>();
        List<String> allNames = new ArrayList<>();
        List<long[]> sizes = new ArrayList<>();
        List<int[]> pathRefs = new ArrayList<>();
        int[] cur = new int[n];
        for (int i = 0; i < n; i++) {
            cur[i] = i;
            hashes.add(randomHash(rng));
            allNames.add(names[i]);
            sizes.add(new long[] {fsz[i], (long) (fsz[i] * narRatio.sample())});
            pathRefs.add(refs.get(i));
        }
        int[] releaseEnd = new int[prm.releases() + 1];
        releaseEnd[0] = n;
        int[][] curByRelease = new int[prm.releases() + 1][];
        curByRelease[0] = cur.clone();
        LogNormalDistribution drift = new LogNormalDistribution(rng, 0, 0.1);
        for (int r = 1; r <= prm.releases(); r++) {
            boolean[] changed = new boolean[n];
            for (int i = libBase; i < outBase; i++) changed[i] = rng.nextDouble() < prm.changeFraction();
            // everything above a rebuilt path is rebuilt (ids are topological); outputs follow their parent
            for (int i = 0; i < n; i++) {
                if (changed[i]) continue;
                for (int x : refs.get(i)) {
                    if (changed[x]) {
                        changed[i] = true;
                        break;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                if (manOf[i] >= 0 && changed[i]) changed[manOf[i]] = true;
                if (devOf[i] >= 0 && changed[i]) changed[devOf[i]] = true;
            }
            for (int i = 0; i < n; i++) {
                if (!changed[i]) continue;
                int id = hashes.size();
                hashes.add(randomHash(rng));
                allNames.add(names[i] + "-r" + r);
                long f = Math.max(64, Math.min(MAX_FILE, (long) (fsz[i] * drift.sample())));
                sizes.add(new long[] {f, (long) (f * narRatio.sample())});
                int[] lr = refs.get(i);
                int[] pr = new int[lr.length];
                for (int j = 0; j < lr.length; j++) pr[j] = cur[lr[j]];
                pathRefs.add(pr);
                cur[i] = id;
            }
            releaseEnd[r] = hashes.size();
            curByRelease[r] = cur.clone();
        }
        PathGraph.Builder gb = PathGraph.builder();
        for (int p = 0; p < hashes.size(); p++) {
            int[] pr = pathRefs.get(p);
            List<String> rh = new ArrayList<>(pr.length);
            for (int x : pr) rh.add(hashes.get(x));
            gb.add(hashes.get(p), allNames.get(p), sizes.get(p)[0], sizes.get(p)[1], rh);
        }
        PathGraph graph = gb.build();

        // users and sessions
        Closures closures = new Closures(refs, n);
        int profiles = 4;
        boolean[][] held = new boolean[profiles][n];
        for (int b = 0; b < profiles; b++) {
            for (int c = 0; c < core; c++) held[b][c] = true;
            for (int j = 0; j < 10; j++) {
                for (int x : closures.of(appByRank[appPick.sample() - 1])) held[b][x] = true;
            }
        }
        int users = Math.max(1, prm.sessions() / 5);
        boolean[] nothing = new boolean[n];
        Sessions[] out = new Sessions[prm.releases() + 1];
        int[] stamp = new int[n];
        Arrays.fill(stamp, -1);
        int stampGen = 0;
        for (int r = 0; r <= prm.releases(); r++) {
            int target = r == 0 ? prm.sessions() : Math.max(1, prm.sessions() / 4);
            int[] cr = curByRelease[r];
            Sessions.Builder sb = new Sessions.Builder();
            int made = 0, attempts = 0;
            while (made < target && attempts++ < target * 20) {
                int user = rng.nextInt(users);
                // half the clients are fresh machines (CI runners, containers) holding nothing yet
                boolean[] h = user % 2 == 0 ? nothing : held[(user / 2) % profiles];
                int gen = stampGen++;
                IntList items = new IntList();
                if (rng.nextInt(7) == 0) { // development shell
                    int app = appByRank[appPick.sample() - 1];
                    for (int lib : refs.get(app)) {
                        if (devOf[lib] < 0) continue;
                        for (int x : closures.of(devOf[lib])) addItem(x, h, stamp, gen, items);
                    }
                } else {
                    int k = 1 + (rng.nextDouble() < 0.3 ? 1 : 0) + (rng.nextDouble() < 0.1 ? 1 : 0);
                    for (int j = 0; j < k; j++) {
                        int app = appByRank[appPick.sample() - 1];
                        for (int x : closures.of(app)) addItem(x, h, stamp, gen, items);
                        if (manOf[app] >= 0 && rng.nextDouble() < 0.8) addItem(manOf[app], h, stamp, gen, items);
                    }
                }
                if (items.size() == 0) continue;
                for (int i = 0; i < items.size(); i++) sb.item(cr[items.get(i)]);
                sb.endSession(user);
                made++;
            }
            out[r] = sb.build();
        }
        return new SyntheticWorkload(graph, releaseEnd, out);
    }

    private static void addItem(int x, boolean[] held, int[] stamp, int gen, IntList items) {
        if (held[x] || stamp[x] == gen) return;
        stamp[x] = gen;
        items.add(x);
    }

    private static int[] permutation(RandomGenerator rng, int n, int base) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = base + i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private static String randomHash(RandomGenerator rng) {
        char[] c = new char[32];
        for (int i = 0; i < 32; i++) c[i] = B32[rng.nextInt(32)];
        return new String(c);
    }

    /** Memoised closures on the logical graph (ids of release 0). */
    private static final class Closures {
        private final List<int[]> refs;
        private final Map<Integer, int[]> memo = new HashMap<>();
        private final int[] stamp;
        private int gen;

        Closures(List<int[]> refs, int n) {
            this.refs = refs;
            this.stamp = new int[n];
            Arrays.fill(stamp, -1);
        }

        int[] of(int root) {
            int[] c = memo.get(root);
            if (c != null) return c;
            int g = gen++;
            IntList out = new IntList();
            IntList stack = new IntList();
            stack.add(root);
            stamp[root] = g;
            while (stack.size() > 0) {
                int v = stack.get(stack.size() - 1);
                stack.truncate(stack.size() - 1);
                out.add(v);
                for (int x : refs.get(v)) {
                    if (stamp[x] != g) {
                        stamp[x] = g;
                        stack.add(x);
                    }
                }
            }
            c = out.toArray();
            memo.put(root, c);
            return c;
        }
    }
}
