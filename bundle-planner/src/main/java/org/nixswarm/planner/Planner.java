package org.nixswarm.planner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.planner.cluster.Assignment;
import org.nixswarm.planner.graph.PathGraph;
import org.nixswarm.planner.graph.Sessions;
import org.nixswarm.planner.io.BadInput;
import org.nixswarm.planner.io.CacheReader;
import org.nixswarm.planner.io.CacheSource;
import org.nixswarm.planner.io.CachedPath;
import org.nixswarm.planner.io.PlanWriter;
import org.nixswarm.planner.io.PreviousPlan;
import org.nixswarm.planner.io.Progress;
import org.nixswarm.planner.io.StorePathsList;
import org.nixswarm.planner.logs.LogReader;
import org.nixswarm.planner.logs.SessionBuilder;

/** {@code nix-swarm plan}: cache and logs in, plan directory out. */
public final class Planner {
    public static final String KEY_NAME = "nix-swarm-planner-1";

    private final PlanOptions opt;
    private final Progress progress;

    public Planner(PlanOptions opt, Progress progress) {
        this.opt = opt;
        this.progress = progress;
    }

    public PlanSummary run() {
        long t0 = System.nanoTime();
        BadInput bad = new BadInput(opt.strict());
        PreviousPlan prev = opt.previous() == null ? null : PreviousPlan.read(opt.previous());
        try (CacheSource cache = CacheSource.open(opt.cache(), opt.concurrency())) {
            SecretKey key = loadOrCreateKey(opt.keyFile());
            List<String> hashes;
            if (opt.storePaths() != null) {
                hashes = StorePathsList.read(opt.storePaths(), bad);
            } else {
                try {
                    hashes = cache.list().orElseThrow(() -> new PlannerException(
                            "--cache " + opt.cache() + ": an HTTP cache cannot be listed, give --store-paths"));
                } catch (IOException e) {
                    throw new PlannerException("--cache " + opt.cache() + ": " + e.getMessage(), e);
                }
            }
            List<CachedPath> paths = new CacheReader(cache, opt.trusted(), bad, opt.concurrency(), progress).read(hashes);
            PathGraph.Builder gb = PathGraph.builder();
            for (CachedPath p : paths) {
                gb.add(p.hashPart(), p.info().storePath().name(), p.fileSize(), p.info().narSize(), p.info().references());
            }
            PathGraph g = gb.build();
            Map<String, Integer> byUrl = new HashMap<>();
            for (int i = 0; i < paths.size(); i++) byUrl.put(paths.get(i).url(), i);

            // old bundles: their files that are still in the cache, with the same NAR, stay put
            List<int[]> frozen = new ArrayList<>();
            int reused = 0;
            if (prev != null) {
                for (PreviousPlan.Bundle b : prev.bundles) {
                    List<Integer> members = new ArrayList<>();
                    for (PreviousPlan.File f : b.files()) {
                        int id = g.idOf(f.storeHash());
                        if (id >= 0 && paths.get(id).url().equals(f.path())) members.add(id);
                    }
                    frozen.add(members.stream().mapToInt(Integer::intValue).toArray());
                    reused += members.size();
                }
            }

            SessionBuilder sb = new SessionBuilder(opt.sessionGapMillis());
            LogReader lr = new LogReader(bad);
            for (Path log : opt.logs()) {
                String where = log.getFileName() + ": ";
                lr.read(log, rec -> sb.add(rec, t -> resolve(g, byUrl, t), bad, where));
            }
            Sessions sessions = sb.build();

            Assignment a = BundlePlanner.plan(g, sessions, opt.cluster(), frozen,
                    new int[frozen.size()]);

            String webSeed = opt.webSeed() != null ? opt.webSeed() : cache.baseUrl();
            if (!webSeed.endsWith("/")) webSeed += "/";
            PlanWriter w = new PlanWriter(opt.out(), cache, key, opt.trackers(), webSeed, opt.threads(), opt.memoryBudget());
            if (prev != null) {
                for (int b = 0; b < prev.bundles.size(); b++) {
                    PreviousPlan.Bundle old = prev.bundles.get(b);
                    List<CachedPath> present = new ArrayList<>();
                    List<PreviousPlan.File> presentFiles = new ArrayList<>();
                    List<String> gone = new ArrayList<>();
                    for (PreviousPlan.File f : old.files()) {
                        int id = g.idOf(f.storeHash());
                        if (id >= 0 && paths.get(id).url().equals(f.path())) {
                            present.add(paths.get(id));
                            presentFiles.add(f);
                        } else if (prev.indexLines.containsKey(f.storeHash())) {
                            gone.add(prev.indexLines.get(f.storeHash()));
                        }
                    }
                    w.keepOld(prev, old, present, presentFiles, gone);
                }
            }
            long bytes = 0;
            int fresh = 0;
            for (int b = frozen.size(); b < a.count(); b++) {
                List<CachedPath> files = new ArrayList<>();
                for (int p : a.bundles.get(b)) {
                    files.add(paths.get(p));
                    bytes += g.fileSize[p];
                    fresh++;
                }
                w.writeNew(files, a.pieceSize[b]);
                progress.update("bundles", b - frozen.size() + 1, a.count() - frozen.size());
            }
            String generation = w.finish(cache.baseUrl());
            return new PlanSummary(opt.out().toString(), generation, hashes.size(), paths.size(), fresh, reused,
                    a.count() - frozen.size(), frozen.size(), bytes, sb.records(), sessions.count(),
                    (System.nanoTime() - t0) / 1_000_000, bad.kinds());
        }
    }

    static int resolve(PathGraph g, Map<String, Integer> byUrl, String target) {
        if (target.length() == 32) return g.idOf(target);
        if (target.endsWith(".narinfo") && target.length() == 32 + 8) return g.idOf(target.substring(0, 32));
        Integer id = byUrl.get(target);
        return id == null ? -1 : id;
    }

    /** Reads the planner's key, or generates one (and its .pub beside it) when the file does not exist. */
    public static SecretKey loadOrCreateKey(Path file) {
        try {
            if (Files.exists(file)) return SecretKey.readFile(file);
            SecretKey k = SecretKey.generate(KEY_NAME, new SecureRandom());
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            k.writeFile(file);
            k.publicKey().writeFile(Path.of(file + ".pub"));
            return k;
        } catch (IOException e) {
            throw new PlannerException("--key " + file + ": " + e.getMessage(), e);
        } catch (FormatException e) {
            throw new PlannerException("--key " + file + ": " + e.getMessage(), e);
        }
    }
}
