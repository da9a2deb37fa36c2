package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarCache;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.core.store.Hash;

/** The bounded cache: LRU eviction, pins, atomic completion, verification after a restart. */
class NarCacheTest {
    @TempDir Path dir;

    private static byte[] data(int seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static NarFile put(NarCache cache, String name, byte[] data) throws Exception {
        NarFile f = cache.file(name, data.length, Hash.sha256(data).toBase32String());
        f.prepare(0);
        f.append(ByteBuffer.wrap(data));
        f.finishStream();
        assertTrue(f.isComplete());
        return f;
    }

    @Test
    void evictsTheLeastRecentlyUsedFileButNeverAPinnedOne() throws Exception {
        try (NarCache cache = new NarCache(dir, 250_000)) {
            put(cache, "a.nar.xz", data(1, 100_000));
            put(cache, "b.nar.xz", data(2, 100_000));
            cache.touch("a.nar.xz"); // a is now younger than b
            cache.pin("b.nar.xz");
            put(cache, "c.nar.xz", data(3, 100_000));
            // over budget: b is the oldest but pinned, so a goes
            assertTrue(Files.exists(dir.resolve("nar/b.nar.xz")));
            assertFalse(Files.exists(dir.resolve("nar/a.nar.xz")));
            assertTrue(Files.exists(dir.resolve("nar/c.nar.xz")));
            assertEquals(200_000, cache.used());
            cache.unpin("b.nar.xz");
            put(cache, "d.nar.xz", data(4, 100_000));
            assertFalse(Files.exists(dir.resolve("nar/b.nar.xz")));
            assertTrue(cache.used() <= 250_000);
        }
    }

    @Test
    void aCompleteFileCorruptedWhileStoppedIsDiscardedOnRestart() throws Exception {
        byte[] good = data(5, 50_000);
        String hash = Hash.sha256(good).toBase32String();
        try (NarCache cache = new NarCache(dir, 0)) {
            put(cache, "x.nar.xz", good);
        }
        byte[] bad = good.clone();
        bad[100] ^= 1;
        Files.write(dir.resolve("nar/x.nar.xz"), bad);
        try (NarCache cache = new NarCache(dir, 0)) {
            NarFile f = cache.file("x.nar.xz", good.length, hash);
            assertFalse(f.isComplete(), "restart verifies the FileHash");
            assertFalse(Files.exists(dir.resolve("nar/x.nar.xz")));
        }
        try (NarCache cache = new NarCache(dir, 0)) {
            put(cache, "y.nar.xz", good);
        }
        try (NarCache cache = new NarCache(dir, 0)) {
            assertTrue(cache.file("y.nar.xz", good.length, hash).isComplete(), "an intact file survives a restart");
        }
    }

    @Test
    void namesThatEscapeTheCacheAreRefused() {
        try (NarCache cache = new NarCache(dir, 0)) {
            for (String bad : new String[] {"../x", "a/b", ".hidden", ""}) {
                try {
                    cache.file(bad, 1, "sha256:" + "0".repeat(52));
                    throw new AssertionError("accepted " + bad);
                } catch (ClientException expected) {
                    assertTrue(expected.getMessage().contains("not a plain nar file name"));
                }
            }
        }
    }

    @Test
    void sizesParseAsTheCommandLineWritesThem() {
        assertEquals(10L << 30, Sizes.parse("10G", "--cache-size"));
        assertEquals(500L << 20, Sizes.parse("500M", "--cache-size"));
        assertEquals(0, Sizes.parse("0", "--max-upload"));
        assertEquals(1234, Sizes.parse("1234", "--max-upload"));
        ClientException e = org.junit.jupiter.api.Assertions.assertThrows(ClientException.class, () -> Sizes.parse("ten", "--cache-size"));
        assertTrue(e.getMessage().startsWith("--cache-size: not a size 'ten'"));
    }

    @Test
    void privatePathsMatchHashesPathsAndGlobs() throws Exception {
        Path f = dir.resolve("private");
        String h1 = "0".repeat(31) + "1", h2 = "0".repeat(31) + "2";
        Files.writeString(f, "# secrets\n" + h1 + "\n/nix/store/" + h2 + "-thing\n*-secret-*\n");
        PrivatePaths p = PrivatePaths.load(f);
        assertTrue(p.isPrivate(h1, null));
        assertTrue(p.isPrivate(h2, null));
        assertTrue(p.isPrivate("0".repeat(31) + "3", "/nix/store/" + "0".repeat(31) + "3-my-secret-key"));
        assertFalse(p.isPrivate("0".repeat(31) + "4", "/nix/store/" + "0".repeat(31) + "4-hello"));
    }
}
