package org.nixswarm.planner.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints the runs of one workload and configuration as tables or as JSON. */
public final class SimReport {
    private SimReport() {}

    private static final double GB = 1e9;

    public static void text(PrintStream out, SimWorkload w, SimConfig cfg, List<SimResult> runs) {
        out.printf(Locale.ROOT, "workload: %,d paths (%.1f GB), %,d bundles planned in %.1f s, request pool %,d sessions "
                + "(%.1f paths each)%n", w.graph.n, w.catalogueBytes() / GB, w.plan.count(), w.planMillis / 1000.0,
                w.requests.count(), w.requests.totalItems() / (double) w.requests.count());
        out.printf(Locale.ROOT, "peers: %,d (%d volunteers, %.1f GB budget each = %.1f× the catalogue), %.1f days, seed %d%n",
                cfg.peers(), Math.round(cfg.volunteerFraction() * cfg.peers()), cfg.volunteerBudgetGb(),
                Math.round(cfg.volunteerFraction() * cfg.peers()) * cfg.volunteerBudgetGb() * GB / w.catalogueBytes(),
                cfg.days(), cfg.seed());
        out.printf(Locale.ROOT, "bundles larger than a volunteer's budget (never seeded whole): %d%n",
                w.bundlesLargerThan((long) (cfg.volunteerBudgetGb() * GB)));
        for (SimResult r : runs) {
            out.printf(Locale.ROOT, "%npolicy %s: %,d closure fetches, %,d files, simulated in %.1f s%n", r.policy().label(),
                    r.sessions(), r.ttfbMs().length, r.wallSeconds());
            out.printf(Locale.ROOT, "%4s %10s %9s %9s %12s %12s %11s %10s%n", "day", "client GB", "peers %", "origin %",
                    "fill GB orig", "zero-seeder", "no holder %", "online");
            int days = (int) Math.ceil(r.hours().size() / 24.0);
            for (int d = 0; d < days; d++) {
                List<HourStats> l = r.hours().subList(d * 24, Math.min(r.hours().size(), d * 24 + 24));
                long req = 0, fillO = 0, files = 0, none = 0, online = 0;
                int zmax = 0;
                for (HourStats h : l) {
                    req += h.requestedBytes();
                    fillO += h.fillOriginBytes();
                    files += h.files();
                    none += h.noHolderFiles();
                    online += h.onlinePeers();
                    zmax = Math.max(zmax, h.zeroSeederBundles());
                }
                double off = r.offload(d * 24, d * 24 + 24);
                out.printf(Locale.ROOT, "%4d %10.1f %8.1f%% %8.1f%% %12.1f %5.1f/%-6d %10.1f%% %10.0f%n", d + 1, req / GB,
                        100 * off, 100 * (1 - off), fillO / GB, r.meanZeroSeeders(d * 24, d * 24 + 24), zmax,
                        files == 0 ? 0 : 100.0 * none / files, online / (double) l.size());
            }
            float[] t = SimResult.sorted(r.ttfbMs(), r.ttfbMs().length);
            float[] dref = SimResult.sorted(r.directTtfbMs(), r.directTtfbMs().length);
            out.printf(Locale.ROOT, "time to first byte, ms: p50 %.0f  p90 %.0f  p99 %.0f  (Nix straight from the cache: p50 %.0f  "
                    + "p90 %.0f  p99 %.0f)%n", SimResult.percentile(t, .5), SimResult.percentile(t, .9),
                    SimResult.percentile(t, .99), SimResult.percentile(dref, .5), SimResult.percentile(dref, .9),
                    SimResult.percentile(dref, .99));
        }
        out.println();
        out.println("comparison (zero-seeder bundles: mean over hours of the last day / max over the run)");
        out.printf(Locale.ROOT, "%-13s %12s %12s %14s %15s %12s %9s%n", "policy", "offload all", "offload last",
                "with fill", "zero-seeder", "fill GB orig", "ttfb p50");
        for (SimResult r : runs) {
            int h = r.hours().size();
            float[] t = SimResult.sorted(r.ttfbMs(), r.ttfbMs().length);
            int zmax = r.hours().stream().mapToInt(HourStats::zeroSeederBundles).max().orElse(0);
            out.printf(Locale.ROOT, "%-13s %11.1f%% %11.1f%% %13.1f%% %9.1f/%-5d %12.1f %9.0f%n", r.policy().label(),
                    100 * r.offload(0, h), 100 * r.offload(h - 24, h), 100 * r.offloadWithFill(),
                    r.meanZeroSeeders(h - 24, h), zmax, r.fillOriginBytes() / GB, SimResult.percentile(t, .5));
        }
    }

    public static String json(SimWorkload w, SimConfig cfg, List<SimResult> runs) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("config", cfg);
        root.put("paths", w.graph.n);
        root.put("catalogueBytes", w.catalogueBytes());
        root.put("bundles", w.plan.count());
        root.put("bundlesLargerThanBudget", w.bundlesLargerThan((long) (cfg.volunteerBudgetGb() * GB)));
        root.put("requestPoolSessions", w.requests.count());
        List<Object> rs = new ArrayList<>();
        for (SimResult r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            int h = r.hours().size();
            m.put("policy", r.policy().label());
            m.put("sessions", r.sessions());
            m.put("files", r.ttfbMs().length);
            m.put("peerBytes", r.peerBytes());
            m.put("originBytes", r.originBytes());
            m.put("fillPeerBytes", r.fillPeerBytes());
            m.put("fillOriginBytes", r.fillOriginBytes());
            m.put("offload", r.offload(0, h));
            m.put("offloadLastDay", r.offload(h - 24, h));
            m.put("offloadWithFill", r.offloadWithFill());
            m.put("meanZeroSeederBundlesLastDay", r.meanZeroSeeders(h - 24, h));
            float[] t = SimResult.sorted(r.ttfbMs(), r.ttfbMs().length);
            float[] d = SimResult.sorted(r.directTtfbMs(), r.directTtfbMs().length);
            Map<String, Object> tt = new LinkedHashMap<>();
            for (double q : new double[] {.5, .9, .99}) {
                tt.put("p" + Math.round(q * 100), SimResult.percentile(t, q));
                tt.put("directP" + Math.round(q * 100), SimResult.percentile(d, q));
            }
            m.put("ttfbMs", tt);
            m.put("hours", r.hours());
            rs.add(m);
        }
        root.put("runs", rs);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
