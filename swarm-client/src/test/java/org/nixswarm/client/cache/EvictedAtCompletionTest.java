package org.nixswarm.client.cache;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.TestBundle;

/**
 * Issue 5's "file was discarded" race, replayed step by step: a download nobody pins (started by a
 * HEAD, or for a client that hung up) completes while every older file is pinned, so the pass its
 * completion triggers evicts it at once; Nix asks for it before the finishing thread has completed
 * the file's future. The request pins the name and looks the file up: what it gets must be the
 * cache's live file for that name (a fresh download), never the evicted, closed object.
 */
class EvictedAtCompletionTest {
    @TempDir Path tmp;

    @Test
    void aFileEvictedAsItCompletesIsNeverHandedToAPinnedRequest() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("upstream"), new long[] {100_000, 100_000}, 16384, 3);
             SwarmClient c = new SwarmClient(ClientConfig.defaults(tmp.resolve("client"), TestBundle.freePort())
                     .withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic())).withCacheSize(150_000))) {
            NarCache cache = c.cache();
            String old = b.fileName(0), name = b.fileName(1);
            c.resolve(b.hash(0));
            c.resolve(b.hash(1));
            // a stream holds the older file: the next completion cannot fit and is its own pass's victim
            cache.pin(old);
            c.nar(old).completion().get(20, SECONDS);

            CountDownLatch inWindow = new CountDownLatch(1), release = new CountDownLatch(1);
            AtomicBoolean once = new AtomicBoolean();
            cache.afterCompleted = f -> {
                if (!f.name().equals(name) || !once.compareAndSet(false, true)) return;
                inWindow.countDown();
                try {
                    release.await(20, SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            c.nar(name); // unpinned: a HEAD started it
            assertTrue(inWindow.await(20, SECONDS), "the download completed");
            assertFalse(Files.exists(cache.narDir().resolve(name)), "evicted by its own completion's pass");

            // Nix's GET arrives in the window: the handler pins the name, then looks the file up
            cache.pin(name);
            NarFile served = c.nar(name);
            release.countDown();
            served.completion().get(20, SECONDS);
            ByteBuffer got = ByteBuffer.allocate((int) served.size());
            try {
                while (got.hasRemaining()) {
                    if (served.read(got, got.position()) < 0) fail("short file");
                }
            } catch (IOException e) {
                fail("the pinned request's file was closed under it: " + e.getMessage());
            }
            assertArrayEquals(b.data(1), got.array());
            assertSame(cache.existing(name).orElseThrow(), served, "the request got the cache's live file for the name");
            assertTrue(Files.exists(cache.narDir().resolve(name)), "pinned: kept although the cache is over its bound");
            cache.unpin(name);
            cache.unpin(old);
        }
    }
}
