package org.nixswarm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.planner.PlanOptions;
import org.nixswarm.planner.PlanSummary;
import org.nixswarm.planner.Planner;
import org.nixswarm.planner.PlannerException;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.io.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nix-swarm plan}: cluster a binary cache into bundles and write torrents, manifest and index. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Cluster the store paths of a binary cache into 50-500 MB bundles from download logs and "
                + "the closure graph; write one torrent per bundle, manifest.json and the signed index.jsonl.")
public final class PlanCommand implements Callable<Integer> {
    @Option(names = "--cache", required = true, paramLabel = "DIR|URL", description = "binary cache: directory, file:// or http(s):// URL")
    String cache;

    @Option(names = "--store-paths", paramLabel = "F", description = "store-paths list (plain or .xz, file or URL); required for HTTP caches")
    String storePaths;

    @Option(names = "--logs", arity = "1..*", paramLabel = "F", description = "download logs: JSONL, CSV (time,client,target) or common/combined log format")
    List<Path> logs = new ArrayList<>();

    @Option(names = "--previous", paramLabel = "PLAN", description = "previous plan: its bundles are kept unchanged")
    Path previous;

    @Option(names = "--out", required = true, paramLabel = "PLAN", description = "plan directory to write")
    Path out;

    @Option(names = "--tracker", paramLabel = "URL", description = "tracker announce URL (repeatable)")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--web-seed", paramLabel = "URL", description = "url-list of the torrents (default: the cache's base URL)")
    String webSeed;

    @Option(names = "--key", paramLabel = "F", description = "planner secret key, Nix format; generated if absent (default: ${DEFAULT-VALUE})")
    Path key = Path.of(System.getProperty("user.home"), ".config", "nix-swarm", "planner.key");

    @Option(names = "--trusted-key", paramLabel = "NAME:BASE64|FILE", description = "narinfos must be signed by one of these keys (repeatable)")
    List<String> trustedKeys = new ArrayList<>();

    @Option(names = "--strict", description = "any bad input (corrupt narinfo, missing NAR, bad log line) is fatal")
    boolean strict;

    @Option(names = "--json", description = "print a JSON summary on stdout")
    boolean json;

    @Option(names = "--min-bundle-mb", defaultValue = "50", description = "smaller bundles are merged into a neighbour (default: ${DEFAULT-VALUE})")
    double minMb;

    @Option(names = "--max-bundle-mb", defaultValue = "500", description = "largest bundle; a bigger path is alone (default: ${DEFAULT-VALUE})")
    double maxMb;

    @Option(names = "--session-gap", defaultValue = "600", paramLabel = "SECONDS", description = "idle time that ends a session (default: ${DEFAULT-VALUE})")
    long gapSeconds;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the clustering (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--concurrency", defaultValue = "16", description = "parallel HTTP requests (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--memory-mb", defaultValue = "256", description = "piece buffers while hashing (default: ${DEFAULT-VALUE})")
    long memoryMb;

    @Override
    public Integer call() {
        List<PublicKey> trusted = new ArrayList<>();
        for (String k : trustedKeys) trusted.add(parseKey(k));
        if (minMb < 0 || maxMb <= 0 || minMb > maxMb) throw new PlannerException("--min-bundle-mb/--max-bundle-mb: need 0 <= min <= max");
        ClusterSettings cs = ClusterSettings.defaults().withSizes((long) (minMb * 1e6), (long) (maxMb * 1e6)).withSeed(seed);
        PlanOptions o = new PlanOptions(cache, storePaths, logs, previous, out, trackers, webSeed, key, trusted, strict, cs,
                gapSeconds * 1000, concurrency, Math.max(1, Runtime.getRuntime().availableProcessors()), memoryMb << 20);
        Progress progress = System.console() != null && !json ? new TerminalProgress(System.err) : Progress.NONE;
        PlanSummary s = new Planner(o, progress).run();
        if (progress instanceof TerminalProgress tp) tp.done();
        if (json) System.out.println(s.toJson());
        else System.out.print(s.toText());
        return 0;
    }

    static PublicKey parseKey(String k) {
        try {
            Path p = Path.of(k);
            if (!k.contains(":") && java.nio.file.Files.isRegularFile(p)) return PublicKey.readFile(p);
            return PublicKey.parse(k);
        } catch (FormatException | java.io.IOException | java.nio.file.InvalidPathException e) {
            throw new PlannerException("--trusted-key " + k + ": " + e.getMessage());
        }
    }

    /** One line, rewritten in place: step, count and a bar. */
    static final class TerminalProgress implements Progress {
        private final PrintStream err;
        private long lastPrint;
        private boolean dirty;

        TerminalProgress(PrintStream err) {
            this.err = err;
        }

        @Override
        public synchronized void update(String step, long done, long total) {
            long now = System.nanoTime();
            if (done < total && now - lastPrint < 100_000_000L) return;
            lastPrint = now;
            int width = 30;
            int fill = total <= 0 ? 0 : (int) (width * done / total);
            err.printf(Locale.ROOT, "\r%-12s [%s%s] %d/%d ", step, "#".repeat(fill), " ".repeat(width - fill), done, total);
            dirty = true;
        }

        synchronized void done() {
            if (dirty) err.println();
        }
    }
}
