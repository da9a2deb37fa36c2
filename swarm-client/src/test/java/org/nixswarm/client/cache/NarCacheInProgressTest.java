package org.nixswarm.client.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientException;
import org.nixswarm.core.store.Hash;
import org.slf4j.LoggerFactory;

/**
 * Downloads in progress count against the LRU bound: each reserves its whole size when it starts,
 * complete files are evicted to make room before its bytes arrive, and when no room can be made it
 * proceeds anyway (logged once, counted in the stats).
 */
class NarCacheInProgressTest {
    private static final int K100 = 100_000;
    @TempDir Path dir;

    private static NarFile start(NarCache cache, String name, byte[] data) throws IOException {
        NarFile f = cache.file(name, data.length, Hash.sha256(data).toBase32String());
        f.prepare(0);
        return f;
    }

    private static void finish(NarFile f, byte[] data) throws IOException {
        f.append(ByteBuffer.wrap(data, (int) f.servableBytes(), data.length - (int) f.servableBytes()));
        f.finishStream();
        assertTrue(f.isComplete(), f.toString());
    }

    private boolean has(String name) {
        return Files.exists(dir.resolve("nar").resolve(name));
    }

    /** Bytes the cache has on disk: complete files and partial ones (their apparent sizes). */
    private long onDisk() throws IOException {
        long n = 0;
        for (String sub : List.of("nar", "partial")) {
            try (Stream<Path> s = Files.list(dir.resolve(sub))) {
                for (Path p : (Iterable<Path>) s::iterator) if (!p.toString().endsWith(".pieces")) n += Files.size(p);
            }
        }
        return n;
    }

    @Test
    void aDownloadReservesItsSizeAndEvictsBeforeItsBytesArrive() throws Exception {
        try (NarCache cache = new NarCache(dir, 250_000)) {
            byte[] a = NarCacheBudgetTest.data(1, K100), b = NarCacheBudgetTest.data(2, K100), c = NarCacheBudgetTest.data(3, K100);
            NarCacheBudgetTest.put(cache, "a.nar", a);
            NarCacheBudgetTest.put(cache, "b.nar", b);
            NarFile f = start(cache, "c.nar", c);
            // 200 kB complete + 100 kB reserved > 250 kB: the oldest goes now, not when c completes
            assertFalse(has("a.nar"));
            assertTrue(has("b.nar"));
            assertEquals(K100, cache.used());
            assertEquals(K100, cache.inProgress());
            f.append(ByteBuffer.wrap(c, 0, 60_000));
            assertTrue(onDisk() <= 250_000, "on disk: " + onDisk());
            f.prepare(0); // a second prepare (another session wanting it) reserves nothing more
            assertEquals(K100, cache.inProgress());
            finish(f, c);
            assertEquals(200_000, cache.used());
            assertEquals(0, cache.inProgress());
            NarCache.Stats st = cache.stats();
            assertEquals(0, st.downloads());
            assertEquals(0, st.startsOverBound());
            assertEquals(1, st.evictions());
            assertEquals(0, st.overBound());
        }
    }

    @Test
    void concurrentDownloadsKeepTheBoundAndOneWithNoRoomLeftProceedsLoggedOnce() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(NarCache.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try (NarCache cache = new NarCache(dir, 300_000)) {
            for (int i = 0; i < 3; i++) NarCacheBudgetTest.put(cache, "old" + i + ".nar", NarCacheBudgetTest.data(10 + i, K100));
            cache.pin("old2.nar"); // being streamed to Nix
            List<NarFile> running = new ArrayList<>();
            List<byte[]> data = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                data.add(NarCacheBudgetTest.data(20 + i, K100));
                running.add(start(cache, "new" + i + ".nar", data.get(i)));
            }
            // two reservations took the room of the two unpinned files; the pinned one stays
            assertFalse(has("old0.nar") || has("old1.nar"));
            assertTrue(has("old2.nar"));
            for (int i = 0; i < 2; i++) running.get(i).append(ByteBuffer.wrap(data.get(i), 0, 70_000));
            assertTrue(onDisk() <= 300_000, "on disk: " + onDisk());
            assertEquals(0, cache.stats().startsOverBound());

            // no room can be made (the one complete file is pinned): it downloads anyway, over the bound
            for (int i = 2; i < 4; i++) {
                data.add(NarCacheBudgetTest.data(20 + i, K100));
                running.add(start(cache, "new" + i + ".nar", data.get(i)));
            }
            NarCache.Stats st = cache.stats();
            assertEquals(2, st.startsOverBound());
            assertEquals(4, st.downloads());
            assertEquals(400_000, st.inProgress());
            assertEquals(200_000, st.overBound());
            long warnings = seen.list.stream().filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("over the bound")).count();
            assertEquals(1, warnings, "logged once: " + seen.list);
            for (int i = 0; i < 4; i++) finish(running.get(i), data.get(i));
            assertTrue(has("new3.nar"), "the download over the bound completed");

            // once the stream ends, the bound holds again
            cache.unpin("old2.nar");
            assertTrue(cache.used() <= 300_000, "used " + cache.used());
            assertEquals(0, cache.stats().overBound());
        } finally {
            log.detachAppender(seen);
        }
    }

    @Test
    void aFailedDownloadReleasesItsReservationAndIsNeverHandedOutAgain() throws Exception {
        try (NarCache cache = new NarCache(dir, 250_000)) {
            byte[] x = NarCacheBudgetTest.data(4, K100);
            NarFile f = start(cache, "x.nar", x);
            assertEquals(K100, cache.inProgress());
            f.fail(new ClientException("no source left"));
            assertEquals(0, cache.inProgress());
            NarFile again = cache.file("x.nar", x.length, Hash.sha256(x).toBase32String());
            assertTrue(again != f, "a failed file is replaced by a fresh one");
            assertTrue(again.claimDownload(), "and the fresh one is downloaded anew");
            assertFalse(again.claimDownload(), "by one downloader");
        }
    }

    @Test
    void aFileHeldForSeedingIsReservedInTheSeedBudgetNotTheLru() throws Exception {
        try (NarCache cache = new NarCache(dir, 150_000)) {
            NarCacheBudgetTest.put(cache, "a.nar", NarCacheBudgetTest.data(1, K100));
            cache.setSeedBudget(200_000);
            byte[] s = NarCacheBudgetTest.data(5, K100);
            cache.holdForSeeding("bundle1", Map.of("s.nar", (long) K100));
            NarFile f = start(cache, "s.nar", s);
            assertEquals(0, cache.inProgress(), "the hold reserved it");
            assertTrue(has("a.nar"), "nothing evicted for it");
            // released while still downloading: it now counts in the LRU, and the next pass makes room
            cache.releaseSeeding("bundle1");
            assertEquals(K100, cache.inProgress());
            assertFalse(has("a.nar"));
            finish(f, s);
            assertEquals(K100, cache.used());
        }
    }

    /** A cache dir as a run killed mid-download leaves it: a (oldest), p.nar half written in partial/, b. */
    private static byte[] killedRun(Path d, long pTime) throws Exception {
        byte[] p = NarCacheBudgetTest.data(7, K100);
        try (NarCache cache = new NarCache(d, 0)) {
            NarCacheBudgetTest.put(cache, "a.nar", NarCacheBudgetTest.data(1, K100));
            NarFile f = start(cache, "p.nar", p);
            f.append(ByteBuffer.wrap(p, 0, 60_000));
            NarCacheBudgetTest.put(cache, "b.nar", NarCacheBudgetTest.data(2, K100));
        }
        long t0 = System.currentTimeMillis() - 60_000;
        Files.setLastModifiedTime(d.resolve("nar/a.nar"), java.nio.file.attribute.FileTime.fromMillis(t0 + 1000));
        Files.setLastModifiedTime(d.resolve("partial/p.nar.part"), java.nio.file.attribute.FileTime.fromMillis(t0 + pTime));
        Files.setLastModifiedTime(d.resolve("nar/b.nar"), java.nio.file.attribute.FileTime.fromMillis(t0 + 3000));
        return p;
    }

    @Test
    void partialFilesLeftByAKilledRunCountUntilResumed() throws Exception {
        Path d = dir.resolve("resumed");
        byte[] p = killedRun(d, 2000);
        try (NarCache cache = new NarCache(d, 170_000)) {
            // 200 kB complete + 60 kB partial > 170 kB: the oldest (a) goes at start
            assertFalse(Files.exists(d.resolve("nar/a.nar")));
            assertTrue(Files.exists(d.resolve("nar/b.nar")));
            assertEquals(60_000, cache.stats().leftoverPartials());
            assertEquals(0, cache.stats().overBound());
            // resumed: its whole size is reserved instead of what it had on disk, and b makes room
            NarFile f = start(cache, "p.nar", p);
            assertEquals(0, cache.stats().leftoverPartials());
            assertEquals(K100, cache.inProgress());
            assertFalse(Files.exists(d.resolve("nar/b.nar")));
            finish(f, p);
            assertEquals(K100, cache.used());
        }
    }

    @Test
    void anOldPartialFileIsDeletedBeforeYoungerCompleteFiles() throws Exception {
        Path d = dir.resolve("old");
        killedRun(d, 0); // p older than a and b
        try (NarCache cache = new NarCache(d, 150_000)) {
            // 260 kB > 150 kB: p (oldest write) goes, then a; b stays
            assertFalse(Files.exists(d.resolve("partial/p.nar.part")));
            assertFalse(Files.exists(d.resolve("nar/a.nar")));
            assertTrue(Files.exists(d.resolve("nar/b.nar")));
            assertEquals(0, cache.stats().leftoverPartials());
            assertEquals(K100, cache.used());
            assertFalse(cache.file("p.nar", K100, Hash.sha256(NarCacheBudgetTest.data(7, K100)).toBase32String()).isComplete());
        }
    }
}
