package org.nixswarm.core.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.testcache.TestCache;
import org.nixswarm.core.testcache.TestCacheGenerator;

/**
 * NAR and test-cache speed, off by default (run with {@code -Dnixswarm.bench=true}). Each figure
 * comes with a ratio against a reference measured in the same run: {@code nix-store --dump} of the
 * same tree, or plain SHA-256 over the same number of bytes in memory.
 */
class NarBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void dumpAndValidateThroughput() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("nixswarm.bench"), "benchmark: run with -Dnixswarm.bench=true");
        Path root = Files.createDirectory(tmp.resolve("tree"));
        byte[] block = new byte[4 << 20];
        new Random(1).nextBytes(block);
        for (int i = 0; i < 64; i++) {
            Path d = Files.createDirectories(root.resolve("d" + (i % 8)));
            block[0] = (byte) i;
            Files.write(d.resolve("f" + i), block);
        }
        byte[] nix = null;
        double nixSeconds = Double.MAX_VALUE;
        double ourSeconds = Double.MAX_VALUE;
        byte[] ours = null;
        for (int round = 0; round < 3; round++) {
            long t = System.nanoTime();
            nix = RealNixStore.dump(root);
            nixSeconds = Math.min(nixSeconds, seconds(t));
            t = System.nanoTime();
            ByteArrayOutputStream out = new ByteArrayOutputStream(nix.length);
            NarWriter.dump(root, out);
            ourSeconds = Math.min(ourSeconds, seconds(t));
            ours = out.toByteArray();
        }
        assertArrayEquals(nix, ours);
        double mb = nix.length / 1e6;
        System.out.printf("NarWriter.dump: %.0f MB in %.2f s (%.0f MB/s); nix-store --dump %.2f s: %.2fx its speed%n",
                mb, ourSeconds, mb / ourSeconds, nixSeconds, nixSeconds / ourSeconds);

        long t = System.nanoTime();
        MessageDigest.getInstance("SHA-256").digest(ours);
        double sha = seconds(t);
        t = System.nanoTime();
        NarReader.validate(new ByteArrayInputStream(ours));
        double validate = seconds(t);
        System.out.printf("NarReader.validate: %.0f MB/s; in-memory SHA-256 %.0f MB/s: %.2fx its speed%n",
                mb / validate, mb / sha, sha / validate);
    }

    @Test
    void testCacheGeneration() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("nixswarm.bench"), "benchmark: run with -Dnixswarm.bench=true");
        TestCacheGenerator.create(5).withMaxSize(8192).generate(tmp.resolve("warm-up"));
        long t = System.nanoTime();
        TestCache cache = TestCacheGenerator.create(200).generate(tmp.resolve("c"));
        double gen = seconds(t);
        long nar = cache.totalNarSize();
        byte[] buf = new byte[1 << 20];
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        t = System.nanoTime();
        for (long done = 0; done < nar; done += buf.length) sha.update(buf);
        OutputStream.nullOutputStream().write(sha.digest());
        double ref = seconds(t);
        System.out.printf("TestCacheGenerator: 200 paths, %d MB of NAR (%d MB .nar.xz) in %.2f s; in-memory SHA-256 of as many bytes %.2f s: %.2fx%n",
                nar >> 20, cache.totalFileSize() >> 20, gen, ref, ref / gen);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
