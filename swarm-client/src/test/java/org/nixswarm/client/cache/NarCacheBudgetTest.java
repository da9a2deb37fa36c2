package org.nixswarm.client.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientException;
import org.nixswarm.core.store.Hash;

/** The cache's two budgets (LRU and volunteer seeding), files in use, and the bound after a restart. */
class NarCacheBudgetTest {
    private static final int K100 = 100_000;
    @TempDir Path dir;

    static byte[] data(int seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static void put(NarCache cache, String name, byte[] data) throws Exception {
        NarFile f = cache.file(name, data.length, Hash.sha256(data).toBase32String());
        f.prepare(0);
        f.append(ByteBuffer.wrap(data));
        f.finishStream();
        assertTrue(f.isComplete());
    }

    private boolean has(String name) {
        return Files.exists(dir.resolve("nar").resolve(name));
    }

    @Test
    void filesHeldForSeedingNeitherCountInNorLeaveTheLruBudget() throws Exception {
        try (NarCache cache = new NarCache(dir, 250_000)) {
            cache.setSeedBudget(300_000);
            cache.holdForSeeding("bundle1", Map.of("s1.nar", (long) K100, "s2.nar", (long) K100));
            put(cache, "s1.nar", data(1, K100));
            put(cache, "s2.nar", data(2, K100));
            assertEquals(0, cache.used());
            assertEquals(200_000, cache.seedUsed());
            for (int i = 0; i < 5; i++) put(cache, "n" + i + ".nar", data(10 + i, K100));
            // the LRU holds two of the five (250 kB), the seeded files are all still there
            assertEquals(200_000, cache.used());
            assertTrue(has("s1.nar") && has("s2.nar"));
            assertTrue(has("n3.nar") && has("n4.nar") && !has("n2.nar"));
            // leaving the bundle: its files join the LRU as the youngest; the oldest go
            cache.releaseSeeding("bundle1");
            assertEquals(0, cache.seedUsed());
            assertTrue(cache.used() <= 250_000, "used " + cache.used());
            assertTrue(has("s1.nar") && has("s2.nar"));
            assertFalse(has("n3.nar"));
        }
    }

    @Test
    void aHoldOverTheSeedBudgetIsRefused() {
        try (NarCache cache = new NarCache(dir, 250_000)) {
            cache.setSeedBudget(150_000);
            cache.holdForSeeding("b1", Map.of("a.nar", (long) K100));
            ClientException e = assertThrows(ClientException.class, () -> cache.holdForSeeding("b2", Map.of("b.nar", (long) K100)));
            assertTrue(e.getMessage().contains("over the seed budget of 150000 bytes"), e.getMessage());
            assertEquals(java.util.Set.of("b1"), cache.seedingBundles());
            // re-holding the same bundle replaces its files: not counted twice
            cache.holdForSeeding("b1", Map.of("a.nar", (long) K100, "c.nar", 50_000L));
        }
    }

    @Test
    void holdsSurviveARestartAndTheLruBoundHoldsAtStart() throws Exception {
        try (NarCache cache = new NarCache(dir, 0)) { // unbounded: as a run killed before its eviction
            cache.holdForSeeding("b1", Map.of("s.nar", (long) K100));
            put(cache, "s.nar", data(1, K100));
            for (int i = 0; i < 5; i++) {
                put(cache, "n" + i + ".nar", data(10 + i, K100));
                Files.setLastModifiedTime(dir.resolve("nar/n" + i + ".nar"), java.nio.file.attribute.FileTime.fromMillis(1_000_000L * (i + 1)));
            }
            assertEquals(500_000, cache.used());
        }
        try (NarCache cache = new NarCache(dir, 250_000)) {
            assertEquals(200_000, cache.used(), "evicted at start, before anything is served");
            assertEquals(100_000, cache.seedUsed());
            assertTrue(has("s.nar"), "held for seeding: not evicted");
            assertEquals(java.util.List.of("n3.nar", "n4.nar"), cache.completeFiles(), "the youngest stay");
            assertEquals(java.util.Set.of("b1"), cache.seedingBundles());
        }
    }

    @Test
    void aFileUploadingToAPeerOrPinnedIsNotEvictedUntilIdle() throws Exception {
        try (NarCache cache = new NarCache(dir, 150_000)) {
            put(cache, "a.nar", data(1, K100));
            cache.noteUpload("a.nar"); // a peer is reading it
            put(cache, "b.nar", data(2, K100));
            assertTrue(has("a.nar"), "a is the oldest, but uploading");
            assertFalse(has("b.nar"));
            cache.pin("a.nar");
            cache.pin("c.nar");
            put(cache, "c.nar", data(3, K100));
            assertEquals(200_000, cache.used(), "both in use: over the bound for now");
            cache.unpin("c.nar");
            assertEquals(100_000, cache.used(), "c is idle now: the deferred eviction takes it, a is still in use");
            assertTrue(has("a.nar"));
            assertFalse(has("c.nar"));
        }
    }
}
