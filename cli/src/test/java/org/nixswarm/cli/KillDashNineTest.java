package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.resolve.IndexClient;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentBuilder;

/**
 * {@code kill -9} of a real {@code nix-swarm fetch} process half way through a bundle file (web
 * seed, throttled by --max-download): nothing partial may be in {@code nar/}, every piece the
 * killed process recorded must be right, a new process resumes instead of starting over, and the
 * cache's size bound holds for the runs after the restart.
 */
class KillDashNineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PIECE = 65536;
    @TempDir Path tmp;
    private int runs;

    private String output(int run) throws Exception {
        return Files.readString(tmp.resolve("fetch-" + run + ".log"));
    }

    @Test
    void aKilledFetchLeavesNothingCorruptAndTheNextRunResumes() throws Exception {
        Path root = tmp.resolve("cache");
        Files.createDirectories(root.resolve("nar"));
        SecretKey cacheKey = SecretKey.generate("kill-cache-1", new SecureRandom());
        SecretKey planner = SecretKey.generate("kill-planner-1", new SecureRandom());
        int[] sizes = {9_000_000, 3_000_000};
        List<byte[]> data = new ArrayList<>();
        List<NarInfo> narinfos = new ArrayList<>();
        Random rnd = new Random(61);
        try (StaticHttpServer up = new StaticHttpServer(root).start()) {
            TorrentBuilder tb = new TorrentBuilder("nar").pieceLength(PIECE).padFiles(true).addWebSeed(up.baseUrl());
            for (int i = 0; i < sizes.length; i++) {
                byte[] d = new byte[sizes[i]];
                rnd.nextBytes(d);
                Hash fh = Hash.sha256(d);
                String name = fh.toBase32String().substring(7) + ".nar.xz";
                Files.write(root.resolve("nar/" + name), d);
                byte[] h = new byte[20];
                rnd.nextBytes(h);
                StorePath sp = StorePath.parse("/nix/store/" + NixBase32.encode(h) + "-kill-" + i);
                NarInfo ni = NarInfo.builder().storePath(sp).url("nar/" + name).compression("xz").fileHash(fh).fileSize(d.length)
                        .narHash(Hash.sha256(new byte[] {(byte) i})).narSize(d.length * 2L).build().withSignature(cacheKey);
                Files.writeString(root.resolve(sp.hashPart() + ".narinfo"), ni.print());
                data.add(d);
                narinfos.add(ni);
                tb.addFile(List.of(name), root.resolve("nar/" + name));
            }
            Torrent torrent = tb.build();
            HttpServer index = serveIndex(narinfos, torrent, torrent.write(), planner);
            try {
                String indexUrl = "http://127.0.0.1:" + index.getAddress().getPort() + "/";
                Path dir = tmp.resolve("client");
                String file0 = narinfos.get(0).url().substring(4);
                List<String> common = List.of("--json", "--cache-dir", dir.toString(), "--index", indexUrl,
                        "--index-key", planner.publicKey().toNixFormat(), "--upstream", up.baseUrl(),
                        "--upstream-key", cacheKey.publicKey().toNixFormat(), "--peer-address", "127.0.0.1", "--race-delay", "0");

                // 1. a throttled fetch (2 MB/s, 4 MiB ranges), killed with SIGKILL once a range is stored
                Process first = fetch(narinfos.get(0).storePath().toString(), common, "--max-download", "2M");
                Path pieces = dir.resolve("partial/" + file0 + ".pieces");
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < deadline && first.isAlive() && verifiedPieces(dir, narinfos.get(0), PIECE).cardinality() == 0) {
                    Thread.sleep(50);
                }
                assertTrue(first.isAlive(), "still downloading when killed: " + output(1));
                long waited = (System.nanoTime() - deadline + 30_000_000_000L) / 1_000_000;
                first.destroyForcibly(); // SIGKILL
                assertTrue(first.waitFor(10, TimeUnit.SECONDS));
                assertEquals(137, first.exitValue(), "killed by SIGKILL after " + waited + " ms: " + output(1));

                assertFalse(Files.exists(dir.resolve("nar/" + file0)), "a partial file is never in nar/");
                assertTrue(Files.exists(pieces), "progress kept in partial/");
                // every piece the killed process recorded as verified must be right on disk
                BitSet done = verifiedPieces(dir, narinfos.get(0), PIECE);
                int count = (sizes[0] + PIECE - 1) / PIECE;
                assertTrue(done.cardinality() > 0 && done.cardinality() < count, "half way: " + done.cardinality() + " of " + count);
                byte[] part = Files.readAllBytes(dir.resolve("partial/" + file0 + ".part"));
                for (int p = done.nextSetBit(0); p >= 0; p = done.nextSetBit(p + 1)) {
                    int from = p * PIECE, to = Math.min(sizes[0], (p + 1) * PIECE);
                    assertTrue(part.length >= to, "piece " + p + " recorded but not written");
                    assertArrayEquals(Arrays.copyOfRange(data.get(0), from, to), Arrays.copyOfRange(part, from, to), "piece " + p);
                }

                // 2. a new process resumes: it fetches less than the whole file, and the result is right
                Process second = fetch(narinfos.get(0).storePath().toString(), common);
                assertTrue(second.waitFor(60, TimeUnit.SECONDS));
                String out = output(2);
                assertEquals(0, second.exitValue(), out);
                JsonNode line = JSON.readTree(out.lines().filter(l -> l.contains("\"file\"")).findFirst().orElseThrow(() -> new AssertionError(out)));
                // the pieces the killed run had verified are not fetched again (however few the kill left)
                long kept = 0;
                for (int p = done.nextSetBit(0); p >= 0; p = done.nextSetBit(p + 1)) kept += Math.min(sizes[0], (p + 1) * PIECE) - p * PIECE;
                assertTrue(line.get("fromWebSeed").asLong() <= sizes[0] - kept, "resumed (" + kept + " bytes kept): " + line);
                assertArrayEquals(data.get(0), Files.readAllBytes(dir.resolve("nar/" + file0)));

                // 3. after the restart the size bound holds: 9 MB cached, a 3 MB fetch with --cache-size 10M
                List<String> bounded = new ArrayList<>(common);
                bounded.addAll(List.of("--cache-size", "10M"));
                Process third = fetch(narinfos.get(1).storePath().toString(), bounded);
                assertTrue(third.waitFor(60, TimeUnit.SECONDS));
                String out3 = output(3);
                assertEquals(0, third.exitValue(), out3);
                long used;
                try (Stream<Path> s = Files.list(dir.resolve("nar"))) {
                    used = s.mapToLong(p -> p.toFile().length()).sum();
                }
                assertTrue(used <= 10L << 20, "cache holds " + used + " bytes, bound 10M");
                assertArrayEquals(data.get(1), Files.readAllBytes(dir.resolve("nar/" + narinfos.get(1).url().substring(4))));
            } finally {
                index.stop(0);
            }
        }
    }

    /** The pieces {@code partial/<file>.pieces} lists as verified (its format: the piece length, then one int per piece). */
    private static BitSet verifiedPieces(Path dir, NarInfo ni, int pieceLength) throws Exception {
        Path p = dir.resolve("partial/" + ni.url().substring(4) + ".pieces");
        BitSet out = new BitSet();
        if (!Files.exists(p)) return out;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(p));
        if (b.remaining() < 8 || b.getLong() != pieceLength) return out;
        while (b.remaining() >= 4) out.set(b.getInt());
        return out;
    }

    private Process fetch(String storePath, List<String> common, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "fetch", storePath));
        cmd.addAll(common);
        cmd.addAll(List.of("--peer-port", String.valueOf(SubstituteWithNixTest.freePort())));
        cmd.addAll(Arrays.asList(extra));
        Path log = tmp.resolve("fetch-" + (++runs) + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HOME", tmp.toString());
        return pb.start();
    }

    private static HttpServer serveIndex(List<NarInfo> narinfos, Torrent torrent, byte[] torrentBytes, SecretKey planner) throws Exception {
        String infohash = torrent.infoHash().hex();
        ArrayNode all = JSON.createArrayNode();
        for (NarInfo ni : narinfos) {
            String text = ni.print();
            int fileIndex = torrent.findFile(ni.url()).orElseThrow().index();
            long size = ni.fileSize().getAsLong();
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
            String msg = "nix-swarm-index-1;" + ni.storePath() + ";" + infohash + ";" + fileIndex + ";" + ni.url() + ";" + size + ";" + sha;
            ObjectNode n = JSON.createObjectNode();
            n.put("storeHash", ni.storePath().hashPart()).put("storePath", ni.storePath().toString()).put("infohash", infohash)
                    .put("fileIndex", fileIndex).put("filePath", ni.url()).put("fileSize", size)
                    .put("narinfo", text).put("sig", planner.sign(msg.getBytes(StandardCharsets.UTF_8)));
            all.add(n);
        }
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            byte[] body = null;
            if (p.startsWith("/v1/prefix/")) {
                ArrayNode a = JSON.createArrayNode();
                for (var n : all) if (IndexClient.prefixOf(n.get("storeHash").asText()).equals(p.substring(11))) a.add(n);
                body = a.toString().getBytes(StandardCharsets.UTF_8);
            } else if (p.equals("/v1/bundle/" + infohash)) {
                body = torrentBytes;
            }
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            }
            ex.close();
        });
        s.start();
        return s;
    }
}
