package org.nixswarm.client.faults;

import org.nixswarm.client.TestBundle;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.core.testcache.StaticHttpServer;

/**
 * The cache directory on a 2 MiB tmpfs: a 3 MB download runs out of space. It must fail with an
 * error that says so, leave nothing in {@code nar/}, and the paths already cached must still be served.
 * Needs root (mount); skipped with a message elsewhere.
 */
class DiskFullTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir Path tmp;

    @Test
    void aFullDiskFailsTheNewDownloadClearlyAndCachedPathsAreStillServed() throws Exception {
        Path cacheDir = tmp.resolve("client");
        Files.createDirectories(cacheDir);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", cacheDir.toString())
                .redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes());
        boolean mounted = mount.waitFor(20, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a 2 MiB tmpfs (needs root): " + out.trim());
        try {
            run(cacheDir);
        } finally {
            new ProcessBuilder("umount", "-l", cacheDir.toString()).inheritIO().start().waitFor(20, TimeUnit.SECONDS);
        }
    }

    private void run(Path cacheDir) throws Exception {
        Path root = tmp.resolve("cache");
        Files.createDirectories(root);
        try (StaticHttpServer up = new StaticHttpServer(root).start();
             TestBundle b = TestBundle.withWebSeedsOnly(root, new long[] {300_000, 3_000_000}, 65536, 41, List.of(up.baseUrl()))) {
            String index = b.startIndex();
            ClientConfig cfg = b.config(cacheDir, index).withUpstream(up.baseUrl(), List.of(b.cacheKeyPublic()));
            try (SwarmClient c = new SwarmClient(cfg);
                 SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
                NarFile small = c.download(c.resolve(b.hash(0)));
                small.completion().get(20, TimeUnit.SECONDS);

                NarFile big = c.download(c.resolve(b.hash(1)));
                ExecutionException e = assertThrows(ExecutionException.class, () -> big.completion().get(30, TimeUnit.SECONDS));
                String msg = String.valueOf(e.getCause().getMessage());
                assertTrue(msg.contains(b.fileName(1)) && msg.toLowerCase().contains("no space left"), "clear error: " + msg);
                assertFalse(Files.exists(cacheDir.resolve("nar/" + b.fileName(1))), "nothing incomplete in nar/");

                // the cached path is still served, whole and right
                HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + "/nar/" + b.fileName(0)))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode());
                assertArrayEquals(b.data(0), r.body());
                HttpResponse<String> ni = HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + "/" + b.hash(0) + ".narinfo"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ni.statusCode());
            }
            // after a restart on the same full disk, the cached file is still intact and complete
            try (SwarmClient c = new SwarmClient(cfg)) {
                NarFile f = c.download(c.resolve(b.hash(0)));
                assertTrue(f.isComplete(), "cached file survives");
                assertArrayEquals(b.data(0), Files.readAllBytes(cacheDir.resolve("nar/" + b.fileName(0))));
            }
        }
    }
}
