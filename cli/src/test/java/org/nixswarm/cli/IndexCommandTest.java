package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real chain: testcache → plan (the planner's own output) → index --check. */
class IndexCommandTest {
    @TempDir
    Path tmp;

    private int run(ByteArrayOutputStream out, String... args) {
        PrintStream old = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return Main.run(args);
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
    }

    @Test
    void indexVerifiesAPlanWrittenByThePlannerAndRejectsATamperedLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path cache = tmp.resolve("cache");
        Path plan = tmp.resolve("plan");
        assertEquals(0, run(out, "testcache", "--out", cache.toString(), "--paths", "12", "--max-size", "16K"), out::toString);
        assertEquals(0, run(out, "plan", "--cache", cache.toString(), "--out", plan.toString(), "--key",
                tmp.resolve("planner.key").toString(), "--tracker", "http://127.0.0.1:6969/announce"), out::toString);
        out.reset();
        assertEquals(0, run(out, "index", "--plan", plan.toString(), "--http", "127.0.0.1:0", "--store",
                tmp.resolve("store").toString(), "--check"), out::toString);
        assertTrue(out.toString().contains(": 12 entries, verified and indexed"), out.toString());

        List<String> lines = Files.readAllLines(plan.resolve("index.jsonl"));
        lines.set(5, lines.get(5).replace("\"fileIndex\":", "\"fileIndex\":1"));
        Files.write(plan.resolve("index.jsonl"), lines);
        out.reset();
        assertEquals(2, run(out, "index", "--plan", plan.toString(), "--http", "127.0.0.1:0", "--store",
                tmp.resolve("store2").toString(), "--check"), out::toString);
        assertTrue(out.toString().contains("11 entries, 1 REJECTED"), out.toString());
        assertTrue(out.toString().contains("index.jsonl line 6: "), out.toString());

        out.reset();
        assertEquals(1, run(out, "index", "--plan", tmp.resolve("nope").toString(), "--http", "127.0.0.1:0",
                "--store", tmp.resolve("store3").toString()));
        assertTrue(out.toString().startsWith("nix-swarm index: ") && out.toString().contains("manifest.json"), out.toString());
    }

    @Test
    void nonPositiveRateLimitsAreOneLineErrors() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, run(out, "index", "--plan", tmp.toString(), "--http", "127.0.0.1:0", "--prefix-entries-burst", "0"));
        assertEquals("nix-swarm index: --prefix-entries-burst: must be at least 1, got 0", out.toString().strip());
        out.reset();
        assertEquals(1, run(out, "index", "--plan", tmp.toString(), "--http", "127.0.0.1:0", "--failed-lookups-per-second", "-1"));
        assertEquals("nix-swarm index: --failed-lookups-per-second: must be a positive rate, got -1.0", out.toString().strip());
    }
}
