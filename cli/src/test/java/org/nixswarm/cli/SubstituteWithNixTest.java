package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.client.resolve.IndexClient;
import org.nixswarm.core.nar.NarSummary;
import org.nixswarm.core.nar.NarWriter;
import org.nixswarm.core.nar.Xz;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.HashAlgorithm;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.testing.Tools;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentBuilder;

/**
 * The "done means": real Nix realises a three-level closure through the substituter,
 * first with the bytes from a seeding peer while the cache is down, then, with the peer gone and
 * the cache back, through the web seed.
 * TODO: find the peer through the real tracker: on main it refuses Bt 1.10's announces, because Bt
 * percent-encodes every character of the numeric parameters ({@code port=%33%33...}) and the
 * tracker's QueryParser.number does not percent-decode them. Also TODO: the real magnet index and
 * planner once they land; until then the index API is served by this test from signed entries.
 */
class SubstituteWithNixTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    record Built(StorePath path, NarInfo narinfo, String fileName) {}

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void nixRealisesAClosureFromAPeerThenFromTheWebSeed() throws Exception {
        Path nixStore = Tools.require("nix-store", "nix-bin");
        Path cacheDir = tmp.resolve("cache");
        Files.createDirectories(cacheDir.resolve("nar"));
        Files.writeString(cacheDir.resolve("nix-cache-info"), "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n");
        SecretKey cacheKey = SecretKey.generate("test-cache-1", new SecureRandom());
        SecretKey planner = SecretKey.generate("test-planner-1", new SecureRandom());
        Random rnd = new Random(42);

        try (StaticHttpServer upstream = new StaticHttpServer(cacheDir).start()) {
            // c <- b <- a: three levels of references
            List<Built> built = new ArrayList<>();
            StorePath previous = null;
            String[] names = {"leaf-c", "middle-b", "top-a"};
            int[] sizes = {40_000, 90_000, 150_000};
            for (int i = 0; i < 3; i++) {
                Path tree = tmp.resolve("trees/" + names[i]);
                Files.createDirectories(tree.resolve("bin"));
                byte[] payload = new byte[sizes[i]];
                rnd.nextBytes(payload);
                Files.write(tree.resolve("bin/payload"), payload);
                Files.writeString(tree.resolve("README"), "store path " + names[i] + "\n");
                ByteArrayOutputStream nar = new ByteArrayOutputStream();
                NarSummary sum = NarWriter.dump(tree, nar);
                byte[] xz = Xz.compress(nar.toByteArray(), 6);
                Hash fileHash = Hash.sha256(xz);
                String fileName = fileHash.toBase32String().substring(7) + ".nar.xz";
                Files.write(cacheDir.resolve("nar/" + fileName), xz);
                byte[] h = new byte[20];
                rnd.nextBytes(h);
                StorePath sp = StorePath.parse("/nix/store/" + NixBase32.encode(h) + "-" + names[i]);
                NarInfo.Builder nb = NarInfo.builder().storePath(sp).url("nar/" + fileName).compression("xz").fileHash(fileHash)
                        .fileSize(xz.length).narHash(new Hash(HashAlgorithm.SHA256, sum.sha256())).narSize(sum.size());
                if (previous != null) nb.reference(previous);
                NarInfo ni = nb.build().withSignature(cacheKey);
                Files.writeString(cacheDir.resolve(sp.hashPart() + ".narinfo"), ni.print());
                built.add(new Built(sp, ni, fileName));
                previous = sp;
            }
            TorrentBuilder tb = new TorrentBuilder("nar").pieceLength(16384).padFiles(true).addWebSeed(upstream.baseUrl());
            for (Built b : built) tb.addFile(List.of(b.fileName()), cacheDir.resolve("nar/" + b.fileName()));
            Torrent torrent = tb.build();
            byte[] torrentBytes = torrent.write();
            String infohash = torrent.infoHash().hex();

            HttpServer index = serveIndex(built, torrent, torrentBytes, planner);
            String indexUrl = "http://127.0.0.1:" + index.getAddress().getPort() + "/";
            try {
                ClientConfig seedConfig = ClientConfig.defaults(tmp.resolve("seeder"), freePort())
                        .withUpstream(upstream.baseUrl(), List.of(cacheKey.publicKey().toNixFormat()))
                        .withIndex(indexUrl, planner.publicKey().toNixFormat())
                        .withRaceDelay(Duration.ZERO);
                Path store1 = tmp.resolve("store1");
                try (SwarmClient seeder = new SwarmClient(seedConfig)) {
                    for (Built b : built) seeder.download(seeder.resolve(b.path().hashPart())).completion().get(60, TimeUnit.SECONDS);
                    upstream.stop();

                    ClientConfig lc = ClientConfig.defaults(tmp.resolve("client1"), freePort())
                            .withUpstream(upstream.baseUrl(), List.of(cacheKey.publicKey().toNixFormat()))
                            .withIndex(indexUrl, planner.publicKey().toNixFormat())
                            .withRaceDelay(Duration.ofSeconds(120));
                    try (SwarmClient client = new SwarmClient(lc);
                         SubstituterServer server = new SubstituterServer(client, new InetSocketAddress("127.0.0.1", 0))) {
                        client.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                        realise(nixStore, store1, server.url(), cacheKey, built.get(2).path());
                        for (Built b : built) {
                            NarFile f = client.cache().existing(b.fileName()).orElseThrow();
                            assertTrue(f.isComplete());
                            assertTrue(f.bytesFromPeers() > 0 && f.bytesFromWebSeed() == 0 && f.bytesFromUpstream() == 0,
                                    b.path() + ": peers " + f.bytesFromPeers() + ", web seed " + f.bytesFromWebSeed());
                        }
                    }
                }
                for (Built b : built) assertTrue(Files.isRegularFile(store1.resolve(b.path().toString().substring(1) + "/bin/payload")));

                // the seeder is gone, the cache is back: the web seed serves the same closure
                upstream.start(upstream.port());
                Path store2 = tmp.resolve("store2");
                ClientConfig lc2 = ClientConfig.defaults(tmp.resolve("client2"), freePort())
                        .withUpstream(upstream.baseUrl(), List.of(cacheKey.publicKey().toNixFormat()))
                        .withIndex(indexUrl, planner.publicKey().toNixFormat())
                        .withRaceDelay(Duration.ofMillis(300));
                try (SwarmClient client = new SwarmClient(lc2);
                     SubstituterServer server = new SubstituterServer(client, new InetSocketAddress("127.0.0.1", 0))) {
                    realise(nixStore, store2, server.url(), cacheKey, built.get(2).path());
                    for (Built b : built) {
                        NarFile f = client.cache().existing(b.fileName()).orElseThrow();
                        assertEquals(f.size(), f.bytesFromWebSeed(), b.path() + " from the web seed");
                    }
                }
                for (Built b : built) assertTrue(Files.isRegularFile(store2.resolve(b.path().toString().substring(1) + "/README")));
            } finally {
                index.stop(0);
            }
            assertEquals(64, infohash.length() + 24);
        }
    }

    private void realise(Path nixStore, Path store, String substituter, SecretKey key, StorePath path) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(nixStore.toString(), "--store", store.toString(), "-r", path.toString());
        pb.environment().put("NIX_CONFIG", String.join("\n",
                "substituters = " + substituter,
                "trusted-public-keys = " + key.publicKey().toNixFormat(),
                "build-users-group =",
                "sandbox = false",
                "experimental-features = nix-command",
                "narinfo-cache-negative-ttl = 0") + "\n");
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("xdg-" + store.getFileName()).toString());
        pb.environment().put("HOME", tmp.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nix-store timed out");
        assertEquals(0, p.exitValue(), "nix-store -r failed:\n" + out);
    }

    private static HttpServer serveIndex(List<Built> built, Torrent torrent, byte[] torrentBytes, SecretKey planner) throws Exception {
        String infohash = torrent.infoHash().hex();
        Map<String, ArrayNode> byPrefix = new HashMap<>();
        for (Built b : built) {
            String text = b.narinfo().print();
            int fileIndex = torrent.findFile("nar/" + b.fileName()).orElseThrow().index();
            long size = b.narinfo().fileSize().getAsLong();
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
            String msg = "nix-swarm-index-1;" + b.path() + ";" + infohash + ";" + fileIndex + ";nar/" + b.fileName() + ";" + size + ";" + sha;
            ObjectNode n = JSON.createObjectNode();
            n.put("storeHash", b.path().hashPart()).put("storePath", b.path().toString()).put("infohash", infohash)
                    .put("fileIndex", fileIndex).put("filePath", "nar/" + b.fileName()).put("fileSize", size)
                    .put("narinfo", text).put("sig", planner.sign(msg.getBytes(StandardCharsets.UTF_8)));
            byPrefix.computeIfAbsent(IndexClient.prefixOf(b.path().hashPart()), k -> JSON.createArrayNode()).add(n);
        }
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            byte[] body = null;
            if (p.startsWith("/v1/prefix/")) body = byPrefix.getOrDefault(p.substring(11), JSON.createArrayNode()).toString().getBytes(StandardCharsets.UTF_8);
            else if (p.equals("/v1/bundle/" + infohash)) body = torrentBytes;
            if (body == null) ex.sendResponseHeaders(404, -1);
            else {
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
