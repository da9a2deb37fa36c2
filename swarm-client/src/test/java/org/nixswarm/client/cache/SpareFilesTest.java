package org.nixswarm.client.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpareFilesTest {
    @TempDir Path tmp;

    @Test
    void filesAreMadeFromSparesWhichAreMadeAgainAndReusedAfterARestart() throws Exception {
        Path spare = tmp.resolve("spare"), partial = Files.createDirectories(tmp.resolve("partial"));
        try (SpareFiles s = new SpareFiles(spare, 3)) {
            await(s, 3);
            for (int i = 0; i < 10; i++) {
                Path f = partial.resolve("f" + i + ".part");
                s.create(f);
                assertTrue(Files.isRegularFile(f));
                assertEquals(0, Files.size(f));
            }
            await(s, 3);
            assertEquals(3, count(spare));
        }
        // a restart: the three empty spares are taken as they are, a non-empty stray is removed
        Files.write(spare.resolve("stray"), new byte[] {1});
        try (SpareFiles s = new SpareFiles(spare, 3)) {
            await(s, 3);
            assertEquals(3, count(spare));
            assertTrue(Files.notExists(spare.resolve("stray")));
        }
    }

    @Test
    void withoutSparesAFileIsCreatedDirectly() throws Exception {
        Path spare = tmp.resolve("spare");
        try (SpareFiles s = new SpareFiles(spare, 0)) {
            Path f = tmp.resolve("x.part");
            s.create(f);
            assertTrue(Files.isRegularFile(f));
            s.create(f); // exists already: left as it is
            assertTrue(Files.isRegularFile(f));
        }
    }

    private static long count(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private static void await(SpareFiles s, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (s.ready() < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("spares not made: " + s.ready());
            Thread.sleep(5);
        }
    }
}
