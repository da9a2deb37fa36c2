package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.NixBase32;

class PlanCommandTest {
    @TempDir
    Path tmp;

    private String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(args), () -> buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void planWritesAPlanAndAJsonSummary() throws Exception {
        Path cache = tmp.resolve("cache");
        Files.createDirectories(cache.resolve("nar"));
        Random r = new Random(1);
        byte[] seed = new byte[32];
        r.nextBytes(seed);
        SecretKey key = SecretKey.fromSeed("test-1", seed);
        for (int i = 0; i < 3; i++) {
            byte[] h = new byte[20];
            r.nextBytes(h);
            byte[] data = new byte[1000 + i];
            r.nextBytes(data);
            Hash fh = Hash.sha256(data);
            Files.write(cache.resolve("nar/" + fh.toBase32() + ".nar.xz"), data);
            String hash = NixBase32.encode(h);
            String text = "StorePath: /nix/store/" + hash + "-p" + i + "\nURL: nar/" + fh.toBase32() + ".nar.xz\n"
                    + "Compression: xz\nFileHash: " + fh.toBase32String() + "\nFileSize: " + data.length + "\nNarHash: "
                    + Hash.sha256(h).toBase32String() + "\nNarSize: 5000\nReferences: \n";
            Files.writeString(cache.resolve(hash + ".narinfo"), NarInfo.parse(text).withSignature(key).print());
        }
        Path out = tmp.resolve("plan");
        String json = run("plan", "--cache", cache.toString(), "--out", out.toString(), "--key", tmp.resolve("k").toString(),
                "--trusted-key", key.publicKey().toNixFormat(), "--tracker", "http://127.0.0.1:6969/announce", "--json");
        JsonNode s = new ObjectMapper().readTree(json);
        assertEquals(3, s.get("pathsUsable").asInt());
        assertEquals(1, s.get("newBundles").asInt());
        assertEquals(0, s.get("leftOut").size());
        assertEquals(3, Files.readAllLines(out.resolve("index.jsonl")).size());
        assertTrue(Files.exists(out.resolve("planner-key.pub")));
        assertTrue(Files.exists(tmp.resolve("k")));
    }

    @Test
    void planEvalPrintsTheTable() {
        String text = run("plan-eval", "--synthetic", "--paths", "1500", "--session-count", "1500", "--min-bundle-mb", "5",
                "--max-bundle-mb", "50");
        for (String s : new String[] {"planner (co-access + closure)", "closure post-order", "random packing",
                "one torrent per path", "lower bound", "release 1"}) {
            assertTrue(text.contains(s), text);
        }
    }

    @Test
    void userErrorsAreOneLine() {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(1, Main.run("plan", "--cache", tmp.resolve("nope").toString(), "--out", tmp.resolve("o").toString()));
        } finally {
            System.setErr(old);
        }
        String err = buf.toString(StandardCharsets.UTF_8);
        assertTrue(err.contains("not a directory") && err.strip().lines().count() == 1, err);
    }
}
