package org.nixswarm.index.plan;

import java.io.BufferedReader;
import java.io.IOException;
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
 * segment in the store directory; later starts find that segment (named after the plan's
 * index.jsonl path, size, modification time and planner key — plans are immutable) and map it
 * without re-reading anything.
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
        boolean reused = Files.isRegularFile(segmentFile);
        Segment segment = null;
        if (reused) {
            try {
                segment = Segment.open(segmentFile);
            } catch (IndexException e) {
                // the plan is the source of truth: a damaged segment is rebuilt from it, never served
                LOG.warn("{}; rebuilding it from {}", e.getMessage(), index);
                reused = false;
            }
        }
        if (!reused) {
            build(index, manifest, key, segmentFile);
            segment = Segment.open(segmentFile);
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

    private record Verified(byte[] key, byte[] record, String problem) {}

    private void build(Path index, Manifest manifest, PublicKey key, Path segmentFile) {
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
                    key.toNixFormat(), rejected, problems);
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
