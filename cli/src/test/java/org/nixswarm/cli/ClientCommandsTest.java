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
import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testcache.StaticHttpServer;

/** {@code nix-swarm fetch} and {@code serve} on the command line: flags, JSON output, one-line errors. */
class ClientCommandsTest {
    @TempDir Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void fetchDownloadsFromTheUpstreamAndReportsWhereBytesCameFrom() throws Exception {
        Path cache = tmp.resolve("cache");
        Files.createDirectories(cache.resolve("nar"));
        byte[] data = new byte[123_456];
        new Random(7).nextBytes(data);
        Hash fh = Hash.sha256(data);
        String file = fh.toBase32String().substring(7) + ".nar.xz";
        Files.write(cache.resolve("nar/" + file), data);
        byte[] h = new byte[20];
        new Random(8).nextBytes(h);
        StorePath sp = StorePath.parse("/nix/store/" + NixBase32.encode(h) + "-hello");
        SecretKey key = SecretKey.generate("test-1", new SecureRandom());
        NarInfo ni = NarInfo.builder().storePath(sp).url("nar/" + file).compression("xz").fileHash(fh).fileSize(data.length)
                .narHash(Hash.sha256(new byte[1])).narSize(1000).build().withSignature(key);
        Files.writeString(cache.resolve(sp.hashPart() + ".narinfo"), ni.print());
        try (StaticHttpServer up = new StaticHttpServer(cache).start()) {
            Run r = run("fetch", sp.toString(), "--json", "--cache-dir", tmp.resolve("client").toString(),
                    "--upstream", up.baseUrl(), "--upstream-key", key.publicKey().toNixFormat(),
                    "--peer-port", String.valueOf(SubstituteWithNixTest.freePort()), "--peer-address", "127.0.0.1");
            assertEquals(0, r.code(), r.err());
            JsonNode first = new ObjectMapper().readTree(r.out().lines().findFirst().orElseThrow());
            assertEquals(sp.toString(), first.get("storePath").asText());
            assertEquals(data.length, first.get("fromUpstream").asLong());
            assertEquals(0, first.get("fromPeers").asLong());
            assertTrue(Files.exists(tmp.resolve("client/nar/" + file)));
        }
    }

    @Test
    void badFlagsAreOneLineErrors() throws Exception {
        Run r = run("fetch", "/not/a/store/path", "--cache-dir", tmp.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("nix-swarm fetch: "), r.err());

        r = run("serve", "--cache-size", "ten", "--cache-dir", tmp.toString());
        assertEquals(1, r.code());
        assertEquals("nix-swarm serve: --cache-size: not a size 'ten' (expected e.g. 10G, 500M, 64K or 0)", r.err().strip());

        // a unit with no number used to be a StringIndexOutOfBoundsException's stack trace
        r = run("serve", "--cache-size", "iB", "--cache-dir", tmp.toString());
        assertEquals(1, r.code());
        assertEquals("nix-swarm serve: --cache-size: not a size 'iB' (expected e.g. 10G, 500M, 64K or 0)", r.err().strip());
        r = run("serve", "--prefetch-below", "IB", "--cache-dir", tmp.toString(), "--peer-port", "0");
        assertEquals(1, r.code());
        assertEquals("nix-swarm serve: --prefetch-below: not a size 'IB' (expected e.g. 10G, 500M, 64K or 0)", r.err().strip());

        r = run("serve", "--index", "http://127.0.0.1:1/", "--cache-dir", tmp.toString(), "--peer-port", "0");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--index-key"), r.err());

        r = run("serve", "--seed-budget", "1G", "--cache-dir", tmp.toString(), "--peer-port", "0");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--seed-budget needs --seed-plan"), r.err());

        r = run("serve", "--seed-budget", "1G", "--seed-plan", tmp.resolve("no-plan").toString(), "--cache-dir", tmp.toString(),
                "--peer-port", "0");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--seed-plan") && r.err().contains("no-plan"), r.err());

        // a plan that is not JSON, and one whose server refuses the connection: one line that says so
        // (they were Jackson's two-line message, and "...manifest.json: null")
        Path notJson = tmp.resolve("not-json");
        java.nio.file.Files.writeString(notJson, "x");
        r = run("serve", "--seed-budget", "1G", "--seed-plan", notJson.toString(), "--cache-dir", tmp.toString(), "--peer-port", "0");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("not JSON"), r.err());
        r = run("serve", "--seed-budget", "1G", "--seed-plan", "http://127.0.0.1:1/", "--cache-dir", tmp.toString(), "--peer-port", "0");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().strip().endsWith("ConnectException"), r.err());
    }

    @Test
    void dhtFlagsAreCheckedWithOneLineErrors() {
        String dir = tmp.toString();
        Run r = run("serve", "--dht-key", "publisher-1:AAAA", "--cache-dir", dir, "--peer-port", "0");
        assertEquals(1, r.code());
        assertTrue(r.err().strip().endsWith("need --dht-port (the DHT node is off without it)"), r.err());

        r = run("serve", "--dht-port", "7000", "--peer-port", "7000", "--cache-dir", dir);
        assertEquals("nix-swarm serve: --dht-port 7000 must differ from --peer-port: its TCP port fetches torrent metadata", r.err().strip());

        r = run("fetch", "/nix/store/00000000000000000000000000000000-x", "--dht-port", "7000", "--peer-port", "0", "--cache-dir", dir);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--dht-port needs --dht-address"), r.err());

        r = run("serve", "--dht-port", "7000", "--dht-address", "198.18.0.1", "--dht-bootstrap", "no-port", "--peer-port", "0",
                "--cache-dir", dir);
        assertEquals("nix-swarm serve: --dht-bootstrap: expected HOST:PORT, got 'no-port'", r.err().strip());

        // mldht refuses loopback: said in one line before anything is sent
        r = run("serve", "--dht-port", "7000", "--dht-address", "127.0.0.1", "--dht-bootstrap", "127.0.0.1:7001", "--peer-port", "0",
                "--cache-dir", dir);
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("cannot start the DHT node on 127.0.0.1"), r.err());
    }
}
