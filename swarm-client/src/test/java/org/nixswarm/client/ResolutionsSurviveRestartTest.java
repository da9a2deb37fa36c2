package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted client answers for what it resolved before without asking anyone: a path from the
 * index comes back as the same bundle entry (saved as the entry alone, which carries the narinfo),
 * a path from the upstream as its narinfo.
 */
class ResolutionsSurviveRestartTest {
    @TempDir Path tmp;

    @Test
    void savedResolutionsAreAnsweredAfterARestartWithIndexAndUpstreamGone() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {40_000, 30_000}, 16384, 41)) {
            String index = b.startIndex();
            Path dir = tmp.resolve("client");
            Resolution first;
            try (SwarmClient c = new SwarmClient(ClientConfig.defaults(dir, SubstituterTest.freePort())
                    .withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic())).withIndex(index, b.plannerKeyPublic()))) {
                first = c.resolve(b.hash(0));
                assertTrue(first.inBundle());
            }
            // one file per index lookup: the entry, no separate narinfo
            assertTrue(Files.exists(dir.resolve("narinfo/" + b.hash(0) + ".index.json")));
            assertTrue(!Files.exists(dir.resolve("narinfo/" + b.hash(0) + ".narinfo")));
            String dead = "http://127.0.0.1:" + SubstituterTest.freePort() + "/";
            try (SwarmClient c = new SwarmClient(ClientConfig.defaults(dir, SubstituterTest.freePort())
                    .withUpstream(dead, List.of(b.cacheKeyPublic())).withIndex(dead, b.plannerKeyPublic())
                    .withHttpTimeout(Duration.ofSeconds(2)))) {
                Resolution again = c.resolve(b.hash(0));
                assertTrue(again.inBundle(), "still the bundle entry");
                assertEquals(first.entry().infohash(), again.entry().infohash());
                assertEquals(first.narinfo().text(), again.narinfo().text());
            }
        }
    }
}
