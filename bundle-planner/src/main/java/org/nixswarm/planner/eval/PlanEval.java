package org.nixswarm.planner.eval;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.nixswarm.planner.BundlePlanner;
import org.nixswarm.planner.cluster.Assignment;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.graph.ClosureOrder;
import org.nixswarm.planner.graph.Mix;
import org.nixswarm.planner.graph.PathGraph;
import org.nixswarm.planner.graph.Sessions;

/**
 * plan-eval: splits sessions by client into training and held-out sets (a fifth held out), plans
 * on training, and replays held-out sessions against the plan and the baselines computed in the
 * same run. With a second release, also measures incremental planning: the first plan's bundles
 * kept, the new release's paths planned around them.
 */
public final class PlanEval {
    public record Result(List<Metrics> main, List<Metrics> incremental, int newPaths, int reusedPaths) {}

    private final ClusterSettings cfg;
    private final double heldOutFraction;

    public PlanEval(ClusterSettings cfg, double heldOutFraction) {
        this.cfg = cfg;
        this.heldOutFraction = heldOutFraction;
    }

    private boolean heldOut(int client) {
        return Mix.unit(Mix.mix(cfg.seed() ^ 0x5eedL, client)) < heldOutFraction;
    }

    /** One release: {@code g} and its sessions. */
    public List<Metrics> evaluate(PathGraph g, Sessions all) {
        Sessions train = all.filterClients(c -> !heldOut(c));
        Sessions held = all.filterClients(this::heldOut);
        int[] paths = IntStream.range(0, g.n).toArray();
        List<Metrics> out = new ArrayList<>();
        long max = cfg.maxBundle();
        out.add(timed("planner (co-access + closure)", g, held, max, () -> BundlePlanner.plan(g, train, cfg)));
        out.add(timed("closure post-order", g, held, max, () -> Baselines.closurePostOrder(g, paths, max)));
        out.add(timed("store-path name order", g, held, max, () -> Baselines.nameOrder(g, paths, max)));
        out.add(timed("random packing", g, held, max, () -> Baselines.random(g, paths, max, cfg.seed())));
        out.add(timed("one torrent per path", g, held, max, () -> Baselines.onePerPath(g, paths)));
        return out;
    }

    /** Two releases: plan release 0, then release 1 incrementally, measured on release 1's held-out sessions. */
    public Result evaluateReleases(SyntheticWorkload w) {
        PathGraph g0 = w.graph.prefix(w.releaseEnd[0]);
        List<Metrics> main = evaluate(g0, w.sessions[0]);
        if (w.releaseEnd.length < 2) return new Result(main, List.of(), 0, 0);
        PathGraph g1 = w.graph.prefix(w.releaseEnd[1]);
        Sessions train0 = w.sessions[0].filterClients(c -> !heldOut(c));
        Sessions train1 = w.sessions[1].filterClients(c -> !heldOut(c));
        Sessions held1 = w.sessions[1].filterClients(this::heldOut);
        long max = cfg.maxBundle();
        Assignment base = BundlePlanner.plan(g0, train0, cfg);
        List<Metrics> inc = new ArrayList<>();
        Sessions train = concat(train0, train1);
        inc.add(timed("planner, incremental", g1, held1, max,
                () -> BundlePlanner.plan(g1, train, cfg, base.bundles, base.pieceSize)));
        inc.add(timed("planner, from scratch", g1, held1, max, () -> BundlePlanner.plan(g1, train, cfg)));
        Assignment post0 = Baselines.closurePostOrder(g0, IntStream.range(0, g0.n).toArray(), max);
        inc.add(timed("closure post-order, incremental", g1, held1, max, () -> {
            int[] rank = ClosureOrder.ranks(ClosureOrder.postOrder(g1));
            int[] fresh = Baselines.sortedBy(IntStream.range(g0.n, g1.n).toArray(), rank);
            List<int[]> bundles = new ArrayList<>(post0.bundles);
            bundles.addAll(Baselines.pack(g1, fresh, max));
            return Assignment.withPieceSizes(g1, bundles, null);
        }));
        inc.add(timed("closure post-order, from scratch", g1, held1, max,
                () -> Baselines.closurePostOrder(g1, IntStream.range(0, g1.n).toArray(), max)));
        return new Result(main, inc, g1.n - g0.n, g0.n);
    }

    private static Sessions concat(Sessions a, Sessions b) {
        Sessions.Builder sb = new Sessions.Builder();
        for (Sessions s : new Sessions[] {a, b}) {
            for (int i = 0; i < s.count(); i++) {
                for (int j = s.off[i]; j < s.off[i + 1]; j++) sb.item(s.items[j]);
                sb.endSession(s.client[i]);
            }
        }
        return sb.build();
    }

    private static Metrics timed(String name, PathGraph g, Sessions held, long max,
            java.util.function.Supplier<Assignment> packing) {
        Timer t = Timer.start();
        Assignment a = packing.get();
        long ms = t.ms(), cpu = t.cpuMs(), heap = t.peakHeap();
        return Evaluator.evaluate(name, g, a, held, max).timed(ms, cpu, heap);
    }

    public static void print(PrintStream out, String title, List<Metrics> rows) {
        out.println(title);
        out.printf(Locale.ROOT, "%-34s %8s %8s %6s %6s %8s %9s %8s %8s %8s %9s%n", "packing", "bundles", "touched",
                "p50", "p95", "vs bound", "overhead", "wall s", "cpu s", "heap MB", "sessions");
        for (Metrics m : rows) {
            out.printf(Locale.ROOT, "%-34s %8d %8.2f %6d %6d %7.2fx %8.2f%% %8.1f %8.1f %8d %9d%n", m.name(), m.bundles(),
                    m.meanTouched(), m.p50Touched(), m.p95Touched(),
                    m.meanLowerBound() == 0 ? 0 : m.meanTouched() / m.meanLowerBound(), m.overheadPercent(),
                    m.millis() / 1000.0, m.cpuMillis() / 1000.0, m.peakHeapBytes() / 1_000_000, m.sessions());
        }
        if (!rows.isEmpty()) {
            out.printf(Locale.ROOT, "lower bound ceil(session bytes / max bundle): mean %.2f bundles per session%n",
                    rows.get(0).meanLowerBound());
            out.print("bundle sizes (MB) <50 | 50-100 | 100-200 | 200-300 | 300-400 | 400-500 | >500 (single paths)");
            out.println();
            for (Metrics m : rows) {
                StringBuilder sb = new StringBuilder();
                for (int c : m.sizeHistogram()) sb.append(sb.length() == 0 ? "" : " | ").append(c);
                out.printf(Locale.ROOT, "  %-32s %s%n", m.name(), sb);
            }
        }
    }

    /** Wall time and peak heap (sum of the heap pools' peaks since start). */
    static final class Timer {
        private final long t0 = System.nanoTime();
        private final long c0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();

        long cpuMs() {
            return (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0) / 1_000_000;
        }

        static Timer start() {
            System.gc();
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
            }
            return new Timer();
        }

        long ms() {
            return (System.nanoTime() - t0) / 1_000_000;
        }

        long peakHeap() {
            long s = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) s += p.getPeakUsage().getUsed();
            }
            return s;
        }
    }
}
