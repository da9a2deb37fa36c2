package org.nixswarm.client.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.store.Hash;

/**
 * The stream to Nix reads a file while its download finishes, and finishing holds the file's
 * lock across disk work that can wait for the journal (closing and unlinking its piece state): an
 * open file's reads must not wait for that lock.
 */
class ReadWithoutMonitorTest {
    @TempDir Path dir;

    @Test
    void anOpenFileIsReadWhileItsLockIsHeld() throws Exception {
        byte[] data = new byte[50_000];
        new Random(9).nextBytes(data);
        try (NarCache cache = new NarCache(dir, 0)) {
            NarFile f = cache.file("y.nar", data.length, Hash.sha256(data).toBase32String());
            f.claimDownload();
            f.prepare(0);
            f.append(ByteBuffer.wrap(data));
            CompletableFuture<byte[]> read;
            synchronized (f) {
                read = CompletableFuture.supplyAsync(() -> {
                    ByteBuffer b = ByteBuffer.allocate(1000);
                    try {
                        f.read(b, 1000);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return b.array();
                });
                // while this thread holds the lock, the read completes (or the test times out here)
                assertArrayEquals(Arrays.copyOfRange(data, 1000, 2000), read.get(5, TimeUnit.SECONDS));
            }
        }
    }
}
