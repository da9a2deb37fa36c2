package org.nixswarm.client.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientException;
import org.nixswarm.core.store.Hash;

/**
 * A failed download and a new download of the same name: once the cache hands out a new object
 * for the name, nothing the failed one does may touch the new one's partial files (they share
 * {@code partial/<name>.part}). The new download starts on another thread at exactly that moment
 * (the cache's seam), so the window is hit every run.
 */
class FailRaceTest {
    @TempDir Path dir;

    @Test
    void aFailRacingANewDownloadOfTheSameNameLeavesTheNewPartialIntact() throws Exception {
        byte[] data = new byte[100_000];
        new Random(5).nextBytes(data);
        String hash = Hash.sha256(data).toBase32String();
        try (NarCache cache = new NarCache(dir, 0)) {
            NarFile old = cache.file("x.nar", data.length, hash);
            assertTrue(old.claimDownload());
            old.prepare(0);
            old.append(ByteBuffer.wrap(data, 0, 30_000));

            AtomicReference<NarFile> fresh = new AtomicReference<>();
            cache.afterDropped = failed -> {
                // another thread, as a request would be; joined so that the fail goes on only after it
                CompletableFuture<NarFile> started = CompletableFuture.supplyAsync(() -> {
                    NarFile f = cache.file("x.nar", data.length, hash);
                    try {
                        f.claimDownload();
                        f.prepare(0);
                        f.append(ByteBuffer.wrap(data, 0, 40_000));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return f;
                });
                try {
                    fresh.set(started.get(10, TimeUnit.SECONDS));
                } catch (Exception e) {
                    throw new AssertionError("the new download could not start while the old one failed", e);
                }
            };
            old.fail(new ClientException("x.nar: test failure"));
            cache.afterDropped = null;

            NarFile f = fresh.get();
            assertTrue(f != null, "the seam ran");
            assertNotSame(old, f, "a new object for the name");
            Path part = dir.resolve("partial/x.nar.part");
            assertTrue(Files.exists(part), "the new download's partial was unlinked by the old one's fail");
            f.append(ByteBuffer.wrap(data, 40_000, data.length - 40_000));
            f.finishStream();
            assertTrue(f.isComplete(), "the new download completes: " + f.completion());
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("nar/x.nar")));
        }
    }
}
