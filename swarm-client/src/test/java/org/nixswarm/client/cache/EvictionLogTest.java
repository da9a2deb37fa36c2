package org.nixswarm.client.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.store.Hash;
import org.slf4j.LoggerFactory;

/** An eviction pass logs one INFO summary (how many files, how many bytes); the files themselves at DEBUG. */
class EvictionLogTest {
    @TempDir Path dir;

    @Test
    void onePassIsOneInfoLineWithItsCountAndBytes() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(NarCache.class);
        Level before = log.getLevel();
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        log.setLevel(Level.DEBUG);
        try (NarCache cache = new NarCache(dir, 200_000)) {
            for (int i = 0; i < 4; i++) NarCacheBudgetTest.put(cache, "old" + i + ".nar", NarCacheBudgetTest.data(30 + i, 50_000));
            seen.list.clear();
            byte[] big = NarCacheBudgetTest.data(40, 100_000);
            NarFile f = cache.file("big.nar", big.length, Hash.sha256(big).toBase32String());
            f.prepare(0); // reserves 100,000 bytes: one pass evicts the two oldest files

            assertTrue(!Files.exists(dir.resolve("nar/old0.nar")) && !Files.exists(dir.resolve("nar/old1.nar")));
            assertTrue(Files.exists(dir.resolve("nar/old2.nar")) && Files.exists(dir.resolve("nar/old3.nar")));
            List<String> info = seen.list.stream().filter(e -> e.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, info.size(), "one INFO line for the pass: " + info);
            assertTrue(info.get(0).contains("evicted 2 files (100000 bytes)"), info.get(0));
            List<String> debug = seen.list.stream().filter(e -> e.getLevel() == Level.DEBUG).map(ILoggingEvent::getFormattedMessage).toList();
            assertTrue(debug.stream().anyMatch(m -> m.contains("old0.nar")) && debug.stream().anyMatch(m -> m.contains("old1.nar")),
                    "each file at DEBUG: " + debug);
        } finally {
            log.setLevel(before);
            log.detachAppender(seen);
        }
    }
}
