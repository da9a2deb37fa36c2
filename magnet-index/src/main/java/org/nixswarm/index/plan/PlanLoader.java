package org.nixswarm.index.plan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.index.IndexException;
import org.nixswarm.index.store.Segment;
import org.nixswarm.index.store.SegmentMeta;
import org.nixswarm.index.store.SegmentWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a plan directory into a served segment. The first time, every line of index.jsonl is
 * verified (in parallel batches, results kept in file order) and the good ones written to a
 * segment in the store directory, named after the SHA-256 of the plan's manifest, lines and key
 * (recorded in the segment as its verified-once marker). Later starts find it under a second name
 * (a hard link) made of the index.jsonl path, size, modification time and planner key — plans are
 * immutable — and map it without re-reading anything; the same plan at another path (copied,
 * deployed elsewhere) is hashed (seconds) and then reuses the verified segment instead of
 * verifying every signature again (hours for 10 M entries on 2 cores).
 */
public final class PlanLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PlanLoader.class);
    private static final int BATCH = 1024;

    private final Path storeDir;
    private final Optional<PublicKey> pinnedKey;
    private final int threads;

    /**
     * @param pinnedKey when present, a plan signed by another planner key is refused
     * @param threads verification threads
     */
    public PlanLoader(Path storeDir, Optional<PublicKey> pinnedKey, int threads) {
        this.storeDir = storeDir;
        this.pinnedKey = pinnedKey;
        this.threads = Math.max(1, threads);
    }

    public LoadedPlan load(Path planDir) {
        long started = System.nanoTime();
        Manifest manifest = Manifest.read(planDir);
        PublicKey key = plannerKey(planDir, manifest);
        Path index = planDir.resolve("index.jsonl");
        if (!Files.isRegularFile(index)) throw new IndexException(planDir + ": no index.jsonl");
        Path segmentFile = segmentFile(storeDir, index, key);
        boolean reused = false;
        Segment segment = null;
        if (Files.isRegularFile(segmentFile)) {
            segment = openOrWarn(segmentFile, index);
            reused = segment != null;
        }
        if (segment == null) {
            // not seen at this path, size and time: maybe the same plan verified elsewhere (copied,
            // moved, deployed into another store path); hashing it costs seconds, verifying hours
            String source = sourceId(planDir.resolve("manifest.json"), index, key);
            Path byContent = storeDir.resolve(source.substring(0, 32) + ".seg");
            if (Files.isRegularFile(byContent)) {
                Segment s = openOrWarn(byContent, index);
                if (s != null && source.equals(s.meta().source())) {
                    segment = s;
                    reused = true;
                }
            }
            if (segment == null) {
                build(index, manifest, key, byContent, source);
                segment = Segment.open(byContent);
            }
            link(byContent, segmentFile);
        }
        SegmentMeta meta = segment.meta();
        LoadReport report = new LoadReport(planDir, meta.generation(), segment.count(), meta.rejected(),
                meta.problems(), reused, Duration.ofNanos(System.nanoTime() - started));
        if (report.rejected() > 0) {
            LOG.warn("{}", report.summary());
            report.problems().forEach(p -> LOG.warn("  {}", p));
        } else {
            LOG.debug("{}", report.summary());
        }
        return new LoadedPlan(planDir, manifest, segment, report);
    }

    private PublicKey plannerKey(Path planDir, Manifest manifest) {
        PublicKey fromFile = null;
        Path keyFile = planDir.resolve("planner-key.pub");
        try {
            if (Files.isRegularFile(keyFile)) fromFile = PublicKey.readFile(keyFile);
            PublicKey fromManifest = manifest.plannerKey().isEmpty() ? null : PublicKey.parse(manifest.plannerKey());
            if (fromFile != null && fromManifest != null && !fromFile.equals(fromManifest)) {
                throw new IndexException(planDir + ": planner-key.pub and manifest.json name different planner keys");
            }
            PublicKey key = fromFile != null ? fromFile : fromManifest;
            if (key == null) throw new IndexException(planDir + ": no planner key (planner-key.pub or manifest plannerKey)");
            if (pinnedKey.isPresent() && !pinnedKey.get().equals(key)) {
                throw new IndexException(planDir + ": signed by planner key " + key.toNixFormat()
                        + ", but only " + pinnedKey.get().toNixFormat() + " is trusted");
            }
            return key;
        } catch (IOException e) {
            throw new IndexException("cannot read " + keyFile + ": " + e.getMessage(), e);
        } catch (FormatException e) {
            throw new IndexException(planDir + ": " + e.getMessage(), e);
        }
    }

    /** Where {@link #load} keeps (and looks for) the segment of a plan's index.jsonl. */
    public static Path segmentFile(Path storeDir, Path index, PublicKey key) {
        return storeDir.resolve(segmentName(index, key));
    }

    private static String segmentName(Path index, PublicKey key) {
        try {
            String id = "v2;" + index.toAbsolutePath().normalize() + ";" + Files.size(index) + ";"
                    + Files.getLastModifiedTime(index).toMillis() + ";" + key.toNixFormat();
            byte[] h = Hash.sha256(id.getBytes(StandardCharsets.UTF_8)).digest();
            return HexFormat.of().formatHex(h, 0, 16) + ".seg";
        } catch (IOException e) {
            throw new IndexException("cannot stat " + index + ": " + e.getMessage(), e);
        }
    }

    private static Segment openOrWarn(Path file, Path index) {
        try {
            return Segment.open(file);
        } catch (IndexException e) {
            // the plan is the source of truth: a damaged segment is rebuilt from it, never served
            LOG.warn("{}; rebuilding it from {}", e.getMessage(), index);
            return null;
        }
    }

    /** Makes {@code name} (the path/size/time name) another name of the segment {@code target}. */
    private static void link(Path target, Path name) {
        try {
            Files.deleteIfExists(name);
            try {
                Files.createLink(name, target);
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(target, name);
            }
        } catch (IOException e) {
            LOG.warn("cannot name segment {} as {}: {}", target, name, e.toString());
        }
    }

    /** SHA-256 (hex) of what verification depended on: manifest, index lines and planner key. */
    static String sourceId(Path manifest, Path index, PublicKey key) {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        d.update(("nix-swarm-index-source-1;" + key.toNixFormat() + ";").getBytes(StandardCharsets.UTF_8));
        byte[] buf = new byte[1 << 20];
        for (Path f : List.of(manifest, index)) {
            try (InputStream in = Files.newInputStream(f)) {
                d.update((f.getFileName() + ";" + Files.size(f) + ";").getBytes(StandardCharsets.UTF_8));
                for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
            } catch (IOException e) {
                throw new IndexException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private record Verified(byte[] key, byte[] record, String problem) {}

    private void build(Path index, Manifest manifest, PublicKey key, Path segmentFile, String source) {
        EntryVerifier verifier = new EntryVerifier(key, manifest.torrents().keySet());
        List<String> problems = new ArrayList<>();
        long rejected = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "index-verify");
            t.setDaemon(true);
            return t;
        });
        try (BufferedReader in = Files.newBufferedReader(index, StandardCharsets.UTF_8);
                SegmentWriter writer = new SegmentWriter(segmentFile)) {
            ArrayDeque<Future<List<Verified>>> inFlight = new ArrayDeque<>();
            long lineNo = 0;
            boolean eof = false;
            while (!eof || !inFlight.isEmpty()) {
                while (!eof && inFlight.size() < threads * 4) {
                    List<String> batch = new ArrayList<>(BATCH);
                    String line;
                    while (batch.size() < BATCH && (line = in.readLine()) != null) batch.add(line);
                    if (batch.isEmpty()) {
                        eof = true;
                        break;
                    }
                    long first = lineNo + 1;
                    lineNo += batch.size();
                    inFlight.add(pool.submit(() -> verifyBatch(verifier, batch, first, index)));
                }
                Future<List<Verified>> next = inFlight.poll();
                if (next == null) break;
                for (Verified v : next.get()) {
                    if (v.problem() != null) {
                        rejected++;
                        if (problems.size() < LoadReport.MAX_PROBLEMS) problems.add(v.problem());
                    } else {
                        writer.add(v.key(), v.record());
                    }
                }
            }
            SegmentMeta meta = new SegmentMeta(manifest.generation(), manifest.cacheUrl(), manifest.trackers(),
                    key.toNixFormat(), rejected, problems, source);
            SegmentWriter.Result r = writer.finish(meta);
            if (!r.duplicates().isEmpty()) {
                LOG.warn("{}: {} store hashes appear more than once; the first line of each is served",
                        index, r.duplicates().size());
            }
        } catch (IOException e) {
            throw new IndexException("cannot index " + index + " into " + segmentFile + ": " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new IndexException("verifying " + index + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IndexException("interrupted while loading " + index);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Verified> verifyBatch(EntryVerifier verifier, List<String> lines, long firstLine, Path index) {
        List<Verified> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            try {
                IndexEntry e = verifier.verify(line);
                // stored in the canonical field order, which the HTTP handler relies on to answer without parsing
                out.add(new Verified(e.storePath().hashBytes(), e.toJsonLine().getBytes(StandardCharsets.UTF_8), null));
            } catch (FormatException | IllegalArgumentException e) {
                out.add(new Verified(null, null, index.getFileName() + " line " + (firstLine + i) + ": " + e.getMessage()));
            }
        }
        return out;
    }
}
