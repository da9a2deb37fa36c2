package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarFile;

/**
 * Volunteer mode downloads a whole bundle while Nix may be asking for one of its files: each file
 * has one download. A file already being downloaded is joined, not fetched again; a file the
 * volunteer download took is not started a second time by Nix's request.
 */
class SeedBundleClaimTest {
    @TempDir Path tmp;

    @Test
    void seedBundleClaimsWhatItDownloadsAndJoinsWhatIsAlreadyClaimed() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {70_000, 120_000, 50_000}, 16384, 21)) {
            String index = b.startIndex();
            ClientConfig config = b.clientConfig(tmp.resolve("client"), index, Duration.ZERO);
            try (SwarmClient c = new SwarmClient(config)) {
                // file 1 is being downloaded already (as by a request from Nix): claimed, no byte yet
                NarFile other = c.cache().file(b.fileName(1), b.data(1).length, "sha256:" + b.fileName(1).substring(0, 52));
                assertTrue(other.claimDownload());

                CompletableFuture<Void> seeding = c.seedBundle(b.torrentBytes);
                for (int i : new int[] {0, 2}) {
                    NarFile f = c.cache().existing(b.fileName(i)).orElseThrow();
                    assertFalse(f.claimDownload(), "file " + i + " is claimed by the volunteer download");
                }
                // and a request from Nix now joins the volunteer's download of the same object
                NarFile asked = c.download(c.resolve(b.hash(0)));
                assertSame(c.cache().existing(b.fileName(0)).orElseThrow(), asked);
                for (int i : new int[] {0, 2}) {
                    c.cache().existing(b.fileName(i)).orElseThrow().completion().get(60, TimeUnit.SECONDS);
                }

                assertFalse(seeding.isDone(), "the bundle waits for the file being downloaded elsewhere");
                assertFalse(b.upstream.recentRequests().stream().anyMatch(r -> r.path().endsWith(b.fileName(1))),
                        "file 1 was fetched a second time: " + b.upstream.recentRequests());
                long gets0 = b.upstream.recentRequests().stream().filter(r -> r.path().endsWith(b.fileName(0))).count();

                other.prepare(0);
                other.append(ByteBuffer.wrap(b.data(1)));
                other.finishStream();
                seeding.get(30, TimeUnit.SECONDS);
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(b.data(i), Files.readAllBytes(tmp.resolve("client/nar").resolve(b.fileName(i))), "file " + i);
                }
                // file 0 was downloaded once (by ranges): Nix's request started no second download
                assertTrue(gets0 > 0 && gets0 == b.upstream.recentRequests().stream().filter(r -> r.path().endsWith(b.fileName(0))).count());
            }
        }
    }
}
