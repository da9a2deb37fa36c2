package org.nixswarm.client.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.NixBase32;

/**
 * {@code kill -9} of a real process while its {@link NarCache} is evicting (issue 8): once half way
 * through the start-up pass that brings an over-full cache back under its bound (seen from outside:
 * the file count is falling and not yet at the bound), then at random moments of a run where every
 * completed file evicts older ones. After each kill a restart must leave: every file in {@code nar/}
 * whole and matching its FileHash (its name), nothing partial or temporary servable, the bound held,
 * the cache's index equal to the directory, and the survivors the youngest files.
 */
class EvictionKillTest {
    private static final long CAPACITY = 1_000_000;
    @TempDir Path dir;

    static String nameOf(Hash h) {
        return h.toBase32String().substring(7) + ".nar";
    }

    @Test
    void killedMidEvictionTheCacheRestartsWholeAndBounded() throws Exception {
        Path nar = dir.resolve("nar");
        // 1. an over-full cache (as a run killed between completions and their eviction leaves it)
        int files = 4000;
        boolean caught = false;
        for (int attempt = 0; attempt < 4 && !caught; attempt++) {
            fill(nar, files, 1000 + attempt);
            int before = count(nar);
            Process p = child("open", 0);
            int seen = before;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (p.isAlive() && System.nanoTime() < deadline) {
                seen = count(nar);
                if (seen < before) break; // the pass has begun
                Thread.sleep(0, 200_000);
            }
            p.destroyForcibly().waitFor();
            int after = count(nar);
            caught = seen < before && after * 2500L > CAPACITY;
            System.out.printf("start-up pass: %d files before, %d when seen falling, %d after SIGKILL (exit %d)%n",
                    before, seen, after, p.exitValue());
            assertEquals(137, p.exitValue());
            verifyAfterRestart();
        }
        assertTrue(caught, "one SIGKILL landed in the middle of the start-up eviction pass");

        // 2. kills at random moments of completions that each evict
        Random rnd = new Random(7);
        for (int round = 0; round < 3; round++) {
            Process p = child("churn", round);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!log().contains("completed 20") && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(log().contains("completed 20"), "the child completes files: " + log());
            Thread.sleep(rnd.nextInt(500));
            assertTrue(p.isAlive(), "churning until killed");
            p.destroyForcibly().waitFor();
            assertEquals(137, p.exitValue());
            System.out.printf("churn round %d: killed with %d files in nar/, %d in partial/%n", round, count(nar),
                    count(dir.resolve("partial")));
            verifyAfterRestart();
        }
    }

    /** Files of 2,500 bytes named by their hash, oldest first by mtime, straight on disk. */
    private static void fill(Path nar, int n, long seed) throws IOException {
        Files.createDirectories(nar);
        Random rnd = new Random(seed);
        long t0 = System.currentTimeMillis() - 10_000_000L;
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[2500];
            rnd.nextBytes(data);
            Path p = nar.resolve(nameOf(Hash.sha256(data)));
            Files.write(p, data);
            Files.setLastModifiedTime(p, FileTime.fromMillis(t0 + i * 1000L));
        }
    }

    private void verifyAfterRestart() throws Exception {
        Path nar = dir.resolve("nar");
        try (NarCache cache = new NarCache(dir, CAPACITY)) {
            long onDisk = 0;
            List<String> names = new ArrayList<>();
            long oldestKept = Long.MAX_VALUE;
            try (Stream<Path> s = Files.list(nar)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String n = p.getFileName().toString();
                    assertFalse(n.startsWith("."), "no temporary file left in nar/: " + n);
                    byte[] bytes = Files.readAllBytes(p);
                    assertEquals(n.substring(0, 52), NixBase32.encode(Hash.sha256(bytes).digest()),
                            n + " is whole: its bytes match the FileHash it is named by");
                    onDisk += bytes.length;
                    names.add(n);
                    oldestKept = Math.min(oldestKept, Files.getLastModifiedTime(p).toMillis());
                }
            }
            assertTrue(onDisk <= CAPACITY, "the bound holds after the restart: " + onDisk + " bytes in nar/");
            assertEquals(onDisk, cache.used(), "the cache's count is the directory's");
            assertEquals(new java.util.HashSet<>(names), new java.util.HashSet<>(cache.completeFiles()), "the index is the directory");
            List<String> lru = cache.completeFiles();
            long prev = Long.MIN_VALUE;
            for (String n : lru) {
                long m = Files.getLastModifiedTime(nar.resolve(n)).toMillis();
                assertTrue(m >= prev, "LRU order follows the mtimes");
                prev = m;
            }
            // a partial file is never servable: each is resumed from nothing verified (stream mode)
            try (Stream<Path> s = Files.list(dir.resolve("partial"))) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String n = p.getFileName().toString();
                    if (!n.endsWith(".part")) continue;
                    String name = n.substring(0, n.length() - 5);
                    NarFile f = cache.file(name, 200_000, "sha256:" + name.substring(0, 52));
                    assertFalse(f.isComplete(), name);
                    assertEquals(0, f.servableBytes(), name + ": nothing of a partial file is servable after a restart");
                    assertFalse(Files.exists(nar.resolve(name)));
                }
            }
            // every survivor is a complete file the restarted cache hands out as complete
            for (String n : names) {
                byte[] bytes = Files.readAllBytes(nar.resolve(n));
                assertTrue(cache.file(n, bytes.length, "sha256:" + n.substring(0, 52)).isComplete(), n);
            }
        }
    }

    private Process child(String mode, long seed) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                EvictionChild.class.getName(), mode, dir.toString(), Long.toString(CAPACITY), Long.toString(seed));
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("child.log").toFile());
        Process p = pb.start();
        return p;
    }

    private String log() throws IOException {
        Path p = dir.resolve("child.log");
        return Files.exists(p) ? Files.readString(p) : "";
    }

    private static int count(Path d) throws IOException {
        if (!Files.isDirectory(d)) return 0;
        try (Stream<Path> s = Files.list(d)) {
            return (int) s.count();
        }
    }
}
