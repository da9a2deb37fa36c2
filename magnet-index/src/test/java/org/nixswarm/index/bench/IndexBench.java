package org.nixswarm.index.bench;

import java.io.BufferedWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.index.plan.LoadedPlan;
import org.nixswarm.index.plan.PlanLoader;
import org.nixswarm.index.store.Segment;
import org.nixswarm.index.store.SegmentMeta;
import org.nixswarm.index.store.SegmentWriter;
import org.nixswarm.index.testing.TestPlan;

/**
 * Benchmarks of the index store (bench/index/run.sh drives them):
 * <ul>
 *   <li>{@code store DIR N}: writes a plan of N entries and its segment directly (realistic lines,
 *       signatures not computed: signing 10 M entries would take hours here), reporting segment
 *       build time, bytes per path, open time and lookup latency against an in-heap HashMap
 *       reference. The plan then serves through {@code nix-swarm index} (the segment is reused).
 *   <li>{@code verify N}: what load-time verification costs per entry (parse, planner
 *       signature, narinfo) on all cores, against plain JSON parsing of the same lines.
 * </ul>
 */
public final class IndexBench {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "store" -> store(Path.of(args[1]), Long.parseLong(args[2]));
            case "verify" -> verify(Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void store(Path dir, long n) throws Exception {
        Files.createDirectories(dir.resolve("bundles"));
        // manifest + key as the planner writes them; entries reuse one real signed line's shape
        BenchPlan.write(dir, 1, 1);
        List<String> template = Files.readAllLines(dir.resolve("index.jsonl"));
        IndexEntry proto = IndexEntry.parse(template.get(0));
        Path index = dir.resolve("index.jsonl");
        Path store = dir.resolve("store");
        PublicKey key = TestPlan.PLANNER.publicKey();
        Random r = new Random(3);
        List<byte[]> sample = new ArrayList<>();
        long started = System.nanoTime();
        long jsonBytes = 0;
        Path segmentTmp = dir.resolve("segment.tmp");
        try (BufferedWriter w = Files.newBufferedWriter(index, StandardCharsets.UTF_8);
                SegmentWriter seg = new SegmentWriter(segmentTmp)) {
            for (long i = 0; i < n; i++) {
                byte[] h = new byte[20];
                r.nextBytes(h);
                String line = BenchPlan.line(i, h, proto);
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                jsonBytes += bytes.length + 1;
                w.write(line);
                w.write('\n');
                seg.add(h, bytes);
                if (i % Math.max(1, n / 100_000) == 0) sample.add(h);
            }
            w.flush();
            long genDone = System.nanoTime();
            seg.finish(new SegmentMeta("bench-" + n, TestPlan.CACHE_URL, List.of(TestPlan.TRACKER), key.toNixFormat(), 0, List.of()));
            long built = System.nanoTime();
            System.out.printf("generated %d lines (%.1f MB of index.jsonl) in %.1f s%n", n, jsonBytes / 1e6, (genDone - started) / 1e9);
            System.out.printf("segment sort+write: %.1f s%n", (built - genDone) / 1e9);
        }
        Path segmentFile = PlanLoader.segmentFile(store, index, key);
        Files.createDirectories(store);
        Files.move(segmentTmp, segmentFile);
        long size = Files.size(segmentFile);
        System.out.printf("segment: %d bytes, %.1f bytes/path (index.jsonl: %.1f bytes/line)%n", size, size / (double) n, jsonBytes / (double) n);
        long t0 = System.nanoTime();
        Segment s = Segment.open(segmentFile);
        long t1 = System.nanoTime();
        System.out.printf("open (map) time: %.2f ms for %d entries%n", (t1 - t0) / 1e6, s.count());
        // lookups: random sampled keys, warm, against a HashMap of the same keys in heap
        Map<ByteBuffer, Integer> reference = new HashMap<>();
        for (int i = 0; i < sample.size(); i++) reference.put(ByteBuffer.wrap(sample.get(i)), i);
        int rounds = 2_000_000;
        long sink = 0;
        for (int warm = 0; warm < 2; warm++) {
            long a = System.nanoTime();
            for (int i = 0; i < rounds; i++) sink += s.find(sample.get(i % sample.size()));
            long b = System.nanoTime();
            for (int i = 0; i < rounds; i++) sink += reference.get(ByteBuffer.wrap(sample.get(i % sample.size())));
            long c = System.nanoTime();
            long d0 = System.nanoTime();
            for (int i = 0; i < rounds / 10; i++) sink += s.get(sample.get(i % sample.size())).length;
            long d1 = System.nanoTime();
            if (warm == 1) {
                double seg = (b - a) / (double) rounds;
                double ref = (c - b) / (double) rounds;
                System.out.printf("key lookup: %.0f ns (HashMap reference %.0f ns, ratio %.1f); lookup + record read: %.0f ns%n",
                        seg, ref, seg / ref, (d1 - d0) / (double) (rounds / 10));
            }
        }
        System.out.println("sink " + (sink & 1));
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("hashes.txt"))) {
            for (byte[] h : sample) {
                w.write(org.nixswarm.core.store.NixBase32.encode(h));
                w.write('\n');
            }
        }
    }

    static void verify(int n) throws Exception {
        Path tmp = Files.createTempDirectory("verify-bench");
        BenchPlan.write(tmp, n, Runtime.getRuntime().availableProcessors());
        List<String> lines = Files.readAllLines(tmp.resolve("index.jsonl"));
        PublicKey key = TestPlan.PLANNER.publicKey();
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 2; round++) {
                long a = System.nanoTime();
                run(pool, threads, lines, l -> IndexEntry.parse(l).storeHash().length());
                long b = System.nanoTime();
                run(pool, threads, lines, l -> {
                    IndexEntry e = IndexEntry.parse(l);
                    if (!e.verify(key)) throw new AssertionError();
                    return NarInfo.parse(e.narinfo()).references().size();
                });
                long c = System.nanoTime();
                if (round == 1) {
                    double parse = lines.size() / ((b - a) / 1e9);
                    double full = lines.size() / ((c - b) / 1e9);
                    System.out.printf("verify on %d threads: %.0f entries/s (JSON parse only: %.0f/s, ratio %.2f); 10 M entries: %.0f s%n",
                            threads, full, parse, full / parse, 10_000_000 / full);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // the real first load (PlanLoader: read, verify on every core, write the segment), its CPU
        // cost per entry (what the machine's load does not change), then the two ways of reopening
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Path store = tmp.resolve("store");
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        LoadedPlan first = new PlanLoader(store, java.util.Optional.empty(), threads).load(tmp);
        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        double rate = first.report().accepted() / ((t1 - t0) / 1e9);
        double cpuPerEntry = (cpu1 - cpu0) / 1e3 / first.report().accepted();
        System.out.printf("first load (PlanLoader, %d threads): %d entries in %.2f s = %.0f entries/s, %.0f µs CPU per entry;"
                + " 10 M entries: %.0f s at this rate, %.0f s on %d idle cores%n", threads, first.report().accepted(),
                (t1 - t0) / 1e9, rate, cpuPerEntry, 10_000_000 / rate, 10_000_000 * cpuPerEntry / 1e6 / threads, threads);
        long t2 = System.nanoTime();
        LoadedPlan again = new PlanLoader(store, java.util.Optional.empty(), threads).load(tmp);
        long t3 = System.nanoTime();
        Path moved = Files.createTempDirectory("verify-bench-moved");
        try (var paths = Files.walk(tmp)) {
            for (Path p : paths.toList()) {
                if (p.startsWith(store)) continue;
                Path t = moved.resolve(tmp.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        long t4 = System.nanoTime();
        LoadedPlan elsewhere = new PlanLoader(store, java.util.Optional.empty(), threads).load(moved);
        long t5 = System.nanoTime();
        long bytes = Files.size(tmp.resolve("index.jsonl"));
        System.out.printf("reopen: %.1f ms (reused %b); same plan at another path: %.1f ms (reused %b, hashing %.0f MB/s"
                + " of index.jsonl: 10 M entries ≈ %.0f s)%n", (t3 - t2) / 1e6, again.report().reused(), (t5 - t4) / 1e6,
                elsewhere.report().reused(), bytes / 1e6 / ((t5 - t4) / 1e9), 10_000_000 * (bytes / (double) lines.size())
                        / (bytes / ((t5 - t4) / 1e9)));
        deleteTree(moved);
        deleteTree(tmp);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private interface Work {
        int apply(String line);
    }

    private static void run(ExecutorService pool, int threads, List<String> lines, Work work) throws Exception {
        List<Future<Integer>> fs = new ArrayList<>();
        int per = (lines.size() + threads - 1) / threads;
        for (int t = 0; t < threads; t++) {
            List<String> part = lines.subList(Math.min(lines.size(), t * per), Math.min(lines.size(), (t + 1) * per));
            fs.add(pool.submit(() -> {
                int s = 0;
                for (String l : part) s += work.apply(l);
                return s;
            }));
        }
        for (Future<Integer> f : fs) f.get();
    }
}
