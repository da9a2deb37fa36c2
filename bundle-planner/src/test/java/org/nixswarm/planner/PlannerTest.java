package org.nixswarm.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.nar.Xz;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.io.BadInput;
import org.nixswarm.planner.io.Progress;

class PlannerTest {
    static final int GROUPS = 6, PER_GROUP = 5, SIZE = 40_000;
    // bundles of 0.1-0.4 MB over paths of 20-60 KB: a package closure (~0.3 MB) fits one bundle
    static final ClusterSettings SMALL = ClusterSettings.defaults().withSizes(100_000, 400_000);

    @TempDir
    Path tmp;

    private PlanOptions options(String cache, String storePaths, List<Path> logs, Path previous, Path out, boolean strict,
            List<org.nixswarm.core.sign.PublicKey> trusted) {
        return new PlanOptions(cache, storePaths, logs, previous, out, List.of("http://127.0.0.1:6969/announce"), null,
                tmp.resolve("planner.key"), trusted, strict, SMALL, 600_000, 8, 2, 8 << 20);
    }

    /** Each client installs one package: the app, its libraries and glibc, as narinfo requests. */
    private Path logsFor(FakeCache c, int clients) throws Exception {
        List<String> lines = new ArrayList<>();
        int stride = 1 + PER_GROUP + 1 - 1;
        for (int u = 0; u < clients; u++) {
            int g = u % GROUPS;
            long t = 1_700_000_000L + u * 7L;
            lines.add("{\"time\":" + t + ",\"client\":\"c" + u + "\",\"hash\":\"" + c.hashes.get(0) + "\"}");
            for (int i = 0; i <= PER_GROUP; i++) {
                int idx = 1 + g * stride + i;
                lines.add("{\"time\":" + (t + i) + ",\"client\":\"c" + u + "\",\"url\":\"/" + c.hashes.get(idx) + ".narinfo\"}");
            }
        }
        Path f = tmp.resolve("access.jsonl");
        Files.write(f, lines);
        return f;
    }

    @Test
    void plansADirectoryCacheIntoVerifiableTorrentsAndASignedIndex() throws Exception {
        FakeCache c = FakeCache.packages(tmp.resolve("cache"), 1, GROUPS, PER_GROUP, SIZE);
        Path out = tmp.resolve("plan");
        PlanSummary s = new Planner(options(c.dir.toString(), null, List.of(logsFor(c, 60)), null, out, false,
                List.of(c.key.publicKey())), Progress.NONE).run();
        assertEquals(c.hashes.size(), s.pathsUsable());
        assertEquals(c.hashes.size(), s.newPaths());
        assertTrue(s.leftOut().isEmpty(), s.toText());
        assertTrue(s.newBundles() >= 3, s.toText());
        Map<String, String> where = PlanCheck.verify(out, c.dir);
        assertEquals(c.hashes.size(), where.size());
        // co-access: every package's libraries and app share one bundle
        int stride = PER_GROUP + 1;
        for (int g = 0; g < GROUPS; g++) {
            Set<String> bundles = new HashSet<>();
            for (int i = 0; i <= PER_GROUP; i++) bundles.add(where.get(c.hashes.get(1 + g * stride + i)));
            assertEquals(1, bundles.size(), "package " + g + " split over " + bundles);
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(c.dir.toAbsolutePath().toUri().toString(), m.get("cacheUrl").asText());
        assertEquals("http://127.0.0.1:6969/announce", m.get("trackers").get(0).asText());
        assertTrue(Files.exists(tmp.resolve("planner.key")));
    }

    @Test
    void sameInputSameBundles() throws Exception {
        FakeCache c = FakeCache.packages(tmp.resolve("cache"), 2, GROUPS, PER_GROUP, SIZE);
        Path logs = logsFor(c, 30);
        new Planner(options(c.dir.toString(), null, List.of(logs), null, tmp.resolve("a"), false, List.of()), Progress.NONE).run();
        new Planner(options(c.dir.toString(), null, List.of(logs), null, tmp.resolve("b"), false, List.of()), Progress.NONE).run();
        assertEquals(PlanCheck.verify(tmp.resolve("a"), c.dir), PlanCheck.verify(tmp.resolve("b"), c.dir));
        assertEquals(Files.readString(tmp.resolve("a/index.jsonl")).lines().map(l -> l.replaceAll("\"sig\":\"[^\"]*\"", "")).toList(),
                Files.readString(tmp.resolve("b/index.jsonl")).lines().map(l -> l.replaceAll("\"sig\":\"[^\"]*\"", "")).toList());
    }

    @Test
    void incrementalPlanKeepsEveryOldBundleAndAddsNewOnes() throws Exception {
        FakeCache c = FakeCache.packages(tmp.resolve("cache"), 3, GROUPS, PER_GROUP, SIZE);
        Path first = tmp.resolve("p1");
        new Planner(options(c.dir.toString(), null, List.of(logsFor(c, 30)), null, first, false, List.of()), Progress.NONE).run();
        Map<String, String> before = PlanCheck.verify(first, c.dir);
        Map<String, byte[]> torrents = new HashMap<>();
        try (var s = Files.list(first.resolve("bundles"))) {
            for (Path p : s.toList()) torrents.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        // a new release: three new packages, some referencing old libraries
        int base = 0;
        for (int g = 0; g < 3; g++) {
            int l1 = c.add("newlib" + g + "-a", SIZE, base);
            int l2 = c.add("newlib" + g + "-b", SIZE, base, l1);
            c.add("newapp" + g, SIZE, base, l1, l2, 1);
        }
        Path second = tmp.resolve("p2");
        PlanSummary s = new Planner(options(c.dir.toString(), null, List.of(), first, second, false, List.of()), Progress.NONE).run();
        assertEquals(before.size(), s.reusedPaths());
        assertEquals(9, s.newPaths());
        assertEquals(torrents.size(), s.keptBundles());
        Map<String, String> after = PlanCheck.verify(second, c.dir);
        for (Map.Entry<String, String> e : before.entrySet()) assertEquals(e.getValue(), after.get(e.getKey()));
        for (Map.Entry<String, byte[]> e : torrents.entrySet()) {
            assertTrue(java.util.Arrays.equals(e.getValue(), Files.readAllBytes(second.resolve("bundles").resolve(e.getKey()))));
        }
        Set<String> oldBundles = new HashSet<>(before.values());
        for (int i = c.hashes.size() - 9; i < c.hashes.size(); i++) {
            assertTrue(!oldBundles.contains(after.get(c.hashes.get(i))), "new path put into an immutable old bundle");
        }
        assertEquals(c.hashes.size(), after.size());
    }

    @Test
    void badInputIsCountedWithExamplesAndStrictMakesItFatal() throws Exception {
        FakeCache c = FakeCache.packages(tmp.resolve("cache"), 4, 3, 3, SIZE);
        Files.writeString(c.dir.resolve(c.hashes.get(2) + ".narinfo"), "StorePath: nonsense\nURL: x\n");
        Files.delete(c.dir.resolve(c.urls.get(3)));
        Path logs = tmp.resolve("logs.csv");
        Files.writeString(logs, "1700000000,alice," + c.hashes.get(1) + "\nthis is not a log line\n"
                + "1700000001,alice,/nix/store/" + c.hashes.get(4) + "-x\n");
        PlanSummary s = new Planner(options(c.dir.toString(), null, List.of(logs), null, tmp.resolve("p"), false, List.of()),
                Progress.NONE).run();
        assertEquals(c.hashes.size() - 2, s.pathsUsable());
        Map<String, BadInput.Kind> kinds = new HashMap<>();
        for (BadInput.Kind k : s.leftOut()) kinds.put(k.name(), k);
        assertEquals(1, kinds.get("corrupt narinfo").count());
        assertTrue(kinds.get("corrupt narinfo").examples().get(0).contains(c.hashes.get(2)), s.toText());
        assertEquals(1, kinds.get("missing NAR").count());
        assertTrue(kinds.get("missing NAR").examples().get(0).contains(c.urls.get(3)));
        assertEquals(1, kinds.get("unparsable log line").count());
        assertTrue(kinds.get("unparsable log line").examples().get(0).contains("logs.csv:2"));
        assertEquals(2, s.logRecords());
        PlanCheck.verify(tmp.resolve("p"), c.dir);
        assertTrue(s.toJson().contains("\"missing NAR\""));

        PlannerException e = assertThrows(PlannerException.class, () -> new Planner(options(c.dir.toString(), null,
                List.of(logs), null, tmp.resolve("q"), true, List.of()), Progress.NONE).run());
        assertTrue(e.getMessage().contains("--strict"), e.getMessage());
    }

    @Test
    void accessLogsMapNarUrlsThroughTheNarinfosAndSplitSessionsByIdleGap() throws Exception {
        FakeCache c = FakeCache.packages(tmp.resolve("cache"), 7, GROUPS, PER_GROUP, SIZE);
        List<String> lines = new ArrayList<>();
        int stride = PER_GROUP + 1;
        for (int u = 0; u < 24; u++) {
            int g = u % GROUPS;
            for (int i = 0; i <= PER_GROUP; i++) {
                // two visits an hour apart: two sessions per client
                for (int visit = 0; visit < 2; visit++) {
                    int minute = 10 + visit * 60;
                    String time = String.format("22/Nov/2026:%02d:%02d:%02d +0000", minute / 60, minute % 60, i);
                    lines.add("10.0.0." + u + " - - [" + time + "] \"GET /" + c.urls.get(1 + g * stride + i)
                            + " HTTP/1.1\" 200 " + SIZE + " \"-\" \"Nix/2.18\"");
                }
            }
        }
        lines.add("10.0.0.1 - - [22/Nov/2026:00:00:00 +0000] \"GET /nix-cache-info HTTP/1.1\" 200 30 \"-\" \"Nix/2.18\"");
        Path log = tmp.resolve("access.log");
        Files.write(log, lines);
        PlanSummary s = new Planner(options(c.dir.toString(), null, List.of(log), null, tmp.resolve("p"), false, List.of()),
                Progress.NONE).run();
        assertEquals(24L * stride * 2, s.logRecords());
        assertEquals(48, s.sessions());
        assertEquals(1, s.leftOut().size(), s.toText());
        assertEquals("ignored log request", s.leftOut().get(0).name());
        Map<String, String> where = PlanCheck.verify(tmp.resolve("p"), c.dir);
        for (int g = 0; g < GROUPS; g++) {
            Set<String> bundles = new HashSet<>();
            for (int i = 0; i <= PER_GROUP; i++) bundles.add(where.get(c.hashes.get(1 + g * stride + i)));
            assertEquals(1, bundles.size(), "package " + g + " split over " + bundles);
        }
    }

    @Test
    void untrustedSignaturesAreLeftOut() throws Exception {
        FakeCache c = FakeCache.packages(tmp.resolve("cache"), 5, 2, 2, SIZE);
        var other = FakeCache.plannerKey().publicKey();
        PlanSummary s = new Planner(options(c.dir.toString(), null, List.of(), null, tmp.resolve("p"), false, List.of(other)),
                Progress.NONE).run();
        assertEquals(0, s.pathsUsable());
        assertEquals(c.hashes.size(), s.leftOut().get(0).count());
        assertEquals("untrusted narinfo", s.leftOut().get(0).name());
    }

    @Test
    void plansTheSameCacheServedOverHttpFromAnXzStorePathsList() throws Exception {
        FakeCache c = FakeCache.packages(tmp.resolve("cache"), 6, GROUPS, PER_GROUP, SIZE);
        Path logs = logsFor(c, 30);
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (OutputStream o = Xz.compressing(xz)) {
            o.write((String.join("\n", c.storePaths) + "\n").getBytes());
        }
        Path list = tmp.resolve("store-paths.xz");
        Files.write(list, xz.toByteArray());
        Files.delete(c.dir.resolve(c.urls.get(5))); // one NAR missing on the server too
        try (StaticHttpServer http = new StaticHttpServer(c.dir).start()) {
            String base = http.baseUrl();
            PlanSummary overHttp = new Planner(options(base, list.toString(), List.of(logs), null, tmp.resolve("h"), false,
                    List.of(c.key.publicKey())), Progress.NONE).run();
            PlanSummary local = new Planner(options(c.dir.toString(), list.toString(), List.of(logs), null, tmp.resolve("d"),
                    false, List.of(c.key.publicKey())), Progress.NONE).run();
            assertEquals(c.hashes.size() - 1, overHttp.pathsUsable());
            assertEquals(1, overHttp.leftOut().get(0).count(), overHttp.toText());
            Map<String, String> h = PlanCheck.verify(tmp.resolve("h"), c.dir);
            Map<String, String> d = PlanCheck.verify(tmp.resolve("d"), c.dir);
            assertEquals(h.keySet(), d.keySet());
            // the same bundles: web seed and trackers live outside the info dictionary
            assertEquals(groups(h), groups(d));
            assertEquals(h, d);
            JsonNode m = new ObjectMapper().readTree(tmp.resolve("h/manifest.json").toFile());
            String slash = base.endsWith("/") ? base : base + "/";
            assertEquals(slash, m.get("cacheUrl").asText());
            String ih = h.values().iterator().next();
            Torrent t = Torrent.read(Files.readAllBytes(tmp.resolve("h/bundles/" + ih + ".torrent")));
            assertEquals(List.of(slash), t.urlList());
            Torrent local0 = Torrent.read(Files.readAllBytes(tmp.resolve("d/bundles/" + ih + ".torrent")));
            assertEquals(List.of(c.dir.toAbsolutePath().toUri().toString()), local0.urlList());
        }
    }

    private static Set<Set<String>> groups(Map<String, String> where) {
        Map<String, Set<String>> by = new HashMap<>();
        where.forEach((path, ih) -> by.computeIfAbsent(ih, k -> new HashSet<>()).add(path));
        return new HashSet<>(by.values());
    }
}
