package org.nixswarm.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.testcache.TestCache;
import org.nixswarm.core.testcache.TestCacheGenerator;
import org.nixswarm.core.testing.Tools;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.io.Progress;

/** Planning a real generated binary cache (core's TestCacheGenerator), from disk and over HTTP. */
class TestCachePlanTest {
    @TempDir
    Path tmp;

    private PlanOptions options(TestCache c, String cache, String storePaths, List<Path> logs, Path out) {
        long total = c.totalFileSize();
        ClusterSettings cfg = ClusterSettings.defaults().withSizes(total / 20, total / 5);
        return new PlanOptions(cache, storePaths, logs, null, out, List.of("http://127.0.0.1:6969/announce"), null,
                tmp.resolve("planner.key"), List.of(c.publicKey()), true, cfg, 600_000, 8, 2, 16 << 20);
    }

    @Test
    void plansAGeneratedCacheFromDiskAndOverHttpAndLibtorrentVerifiesEveryPiece() throws Exception {
        TestCache c = TestCacheGenerator.create(80).withSeed(5).withMaxSize(256 << 10).generate(tmp.resolve("cache"));
        // sessions: clients fetching the closures of a few paths, narinfo by narinfo
        List<String> lines = new ArrayList<>();
        int client = 0;
        for (TestCache.Entry e : c.entries().subList(0, 10)) {
            for (int rep = 0; rep < 3; rep++, client++) {
                long t = 1_700_000_000L + client * 10_000L;
                for (StorePath p : c.closure(e.storePath())) {
                    lines.add("{\"time\":" + t++ + ",\"client\":\"c" + client + "\",\"hash\":\"" + p.hashPart() + "\"}");
                }
            }
        }
        Path logs = tmp.resolve("logs.jsonl");
        Files.write(logs, lines);
        Path list = tmp.resolve("store-paths");
        List<String> paths = new ArrayList<>();
        for (TestCache.Entry e : c.entries()) paths.add(e.storePath().toString());
        Files.write(list, paths);

        PlanSummary disk = new Planner(options(c, c.dir().toString(), null, List.of(logs), tmp.resolve("d")), Progress.NONE).run();
        assertEquals(c.entries().size(), disk.pathsUsable(), disk.toText());
        assertTrue(disk.newBundles() >= 3, disk.toText());
        Map<String, String> d = PlanCheck.verify(tmp.resolve("d"), c.dir());
        try (StaticHttpServer http = new StaticHttpServer(c.dir()).start()) {
            new Planner(options(c, http.baseUrl(), list.toString(), List.of(logs), tmp.resolve("h")), Progress.NONE).run();
        }
        assertEquals(d, PlanCheck.verify(tmp.resolve("h"), c.dir()), "same bundles from disk and over HTTP");

        Path python = Tools.requirePythonLibtorrent();
        Path script = tmp.resolve("check.py");
        Files.writeString(script, InteropTest.CHECK);
        JsonNode m = new ObjectMapper().readTree(tmp.resolve("h/manifest.json").toFile());
        for (JsonNode b : m.get("bundles")) {
            Process p = new ProcessBuilder(python.toString(), script.toString(),
                    tmp.resolve("h").resolve(b.get("torrent").asText()).toString(), c.dir().toString())
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), text);
            JsonNode r = new ObjectMapper().readTree(text.lines().reduce((a, x) -> x).orElse("{}"));
            assertEquals(b.get("infohash").asText(), r.get("info_hash").asText());
            assertEquals(r.get("num_pieces").asInt(), r.get("have").asInt(), text);
        }
    }
}
