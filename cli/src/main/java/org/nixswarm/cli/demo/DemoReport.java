package org.nixswarm.cli.demo;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.nixswarm.client.Sizes;

/**
 * What the demo did, as numbers a test can check and a person can read.
 *
 * @param beforeOutage  files fetched while the upstream cache was up
 * @param afterOutage   files fetched after it was taken down
 * @param bundlesTouched distinct bundles the fetched files came from
 * @param announces     announces the tracker answered (peers found each other through it)
 * @param realisedBy    "nix-store" (real Nix imported the closure) or "fetch API"
 */
public record DemoReport(String target, int paths, int peers, int bundles, int bundlesTouched, List<Fetched> beforeOutage,
        List<Fetched> afterOutage, long announces, long indexLookups, String realisedBy, boolean realised, double setupSeconds,
        double beforeSeconds, double fetchSeconds, double totalSeconds, String tempDir, boolean kept) {

    /** One file the demo's client fetched, and where its bytes came from. */
    public record Fetched(String storePath, long size, long fromPeers, long fromWebSeed, long fromUpstream, String infohash) {}

    public long bytes() {
        return sum(beforeOutage, 0) + sum(afterOutage, 0);
    }

    public long fromPeers() {
        return sum(beforeOutage, 1) + sum(afterOutage, 1);
    }

    public long fromWebSeed() {
        return sum(beforeOutage, 2) + sum(afterOutage, 2);
    }

    public long fromUpstream() {
        return sum(beforeOutage, 3) + sum(afterOutage, 3);
    }

    public long fromPeersAfterOutage() {
        return sum(afterOutage, 1);
    }

    public int fetchedPaths() {
        return beforeOutage.size() + afterOutage.size();
    }

    private static long sum(List<Fetched> l, int what) {
        long s = 0;
        for (Fetched f : l) {
            s += switch (what) {
                case 0 -> f.size();
                case 1 -> f.fromPeers();
                case 2 -> f.fromWebSeed();
                default -> f.fromUpstream();
            };
        }
        return s;
    }

    public void print(PrintWriter w) {
        w.println();
        w.println("nix-swarm demo: report");
        w.printf(Locale.ROOT, "  swarm        %d store paths in %d bundles; %d seeding peers, 1 tracker, 1 index, 1 upstream cache%n",
                paths, bundles, peers);
        w.printf(Locale.ROOT, "  fetched      %s and its closure: %d paths, %s, realised by %s%s%n", target, fetchedPaths(),
                Sizes.format(bytes()), realisedBy, realised ? "" : " (NOT realised)");
        w.printf(Locale.ROOT, "  from whom    peers %s (%s), web seed %s (%s), upstream direct %s%n", Sizes.format(fromPeers()),
                pct(fromPeers()), Sizes.format(fromWebSeed()), pct(fromWebSeed()), Sizes.format(fromUpstream()));
        w.printf(Locale.ROOT, "  cache up     %d paths, %s: peers %s, web seed %s%n", beforeOutage.size(), Sizes.format(sum(beforeOutage, 0)),
                Sizes.format(sum(beforeOutage, 1)), Sizes.format(sum(beforeOutage, 2)));
        w.printf(Locale.ROOT, "  cache DOWN   %d paths, %s: peers %s, web seed %s%n", afterOutage.size(), Sizes.format(sum(afterOutage, 0)),
                Sizes.format(sum(afterOutage, 1)), Sizes.format(sum(afterOutage, 2)));
        w.printf(Locale.ROOT, "  bundles      %d of %d touched; the tracker answered %d announces, the index %d lookups%n",
                bundlesTouched, bundles, announces, indexLookups);
        w.printf(Locale.ROOT, "  time         fetch %.1f s (%.1f s with the cache up, %.1f s down); set-up %.1f s; %.1f s in all%n", fetchSeconds,
                beforeSeconds, fetchSeconds - beforeSeconds, setupSeconds, totalSeconds);
        w.printf(Locale.ROOT, "  files        %s%n", kept ? tempDir + " (kept)" : "temporary directory removed");
        w.flush();
    }

    private String pct(long part) {
        long all = bytes();
        return all == 0 ? "0%" : String.format(Locale.ROOT, "%.0f%%", 100.0 * part / all);
    }
}
