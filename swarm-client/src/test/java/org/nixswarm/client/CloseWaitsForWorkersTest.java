package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A closed client writes nothing more into its cache directory: a worker still fetching a bundle's
 * torrent when the client closes is waited for. (Close used to return at once, and the torrent
 * landed in the directory later, under whoever used it next: on CI, a test's directory could not
 * be deleted.)
 */
class CloseWaitsForWorkersTest {
    @TempDir Path tmp;

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void nothingIsWrittenAfterClose() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {40_000}, 16384, 42)) {
            String index = b.startIndex();
            b.torrentDelayMs = 600;
            Path dir = tmp.resolve("client");
            try (SwarmClient c = new SwarmClient(b.clientConfig(dir, index, java.time.Duration.ofSeconds(1)))) {
                // resolving warms the bundle: a worker asks the index for its torrent, which takes 600 ms
                assertTrue(c.resolve(b.hash(0)).inBundle());
            }
            List<String> atClose = listing(dir);
            Thread.sleep(1_000);
            assertEquals(atClose, listing(dir), "the directory as close left it");
        }
    }
}
