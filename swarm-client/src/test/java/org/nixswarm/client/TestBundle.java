package org.nixswarm.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nixswarm.client.resolve.IndexClient;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentBuilder;
import org.nixswarm.core.torrent.TorrentFile;

/**
 * A small binary cache of random "nar.xz" files served by core's range-capable StaticHttpServer,
 * one bundle torrent over all of them (pad files, url-list = the cache), and a signed index served
 * over HTTP the way the magnet index does ({@code /v1/prefix}, {@code /v1/bundle}).
 */
final class TestBundle implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path root;
    final StaticHttpServer upstream;
    final SecretKey cacheKey = SecretKey.generate("test-cache-1", new SecureRandom());
    final SecretKey plannerKey = SecretKey.generate("test-planner-1", new SecureRandom());
    final Map<String, NarInfo> narinfos = new LinkedHashMap<>();
    final Map<String, byte[]> files = new LinkedHashMap<>();
    final List<String> storeHashes = new ArrayList<>();
    Torrent torrent;
    byte[] torrentBytes;
    HttpServer index;

    TestBundle(Path root, long[] sizes, int pieceLength, long seed) throws IOException {
        this(root, sizes, pieceLength, seed, List.of());
    }

    /** {@code webSeedsFirst} come before the cache in the torrent's url-list. */
    TestBundle(Path root, long[] sizes, int pieceLength, long seed, List<String> webSeedsFirst) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("nar"));
        upstream = new StaticHttpServer(root).start();
        Random rnd = new Random(seed);
        Files.writeString(root.resolve("nix-cache-info"), "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n");
        TorrentBuilder tb = new TorrentBuilder("nar").pieceLength(pieceLength).padFiles(true);
        for (String w : webSeedsFirst) tb.addWebSeed(w);
        tb.addWebSeed(upstream.baseUrl());
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = new byte[(int) sizes[i]];
            rnd.nextBytes(data);
            Hash fileHash = Hash.sha256(data);
            String name = fileHash.toBase32String().substring(7) + ".nar.xz";
            Files.write(root.resolve("nar").resolve(name), data);
            byte[] h = new byte[20];
            rnd.nextBytes(h);
            StorePath sp = StorePath.parse("/nix/store/" + NixBase32.encode(h) + "-test-" + i);
            NarInfo ni = NarInfo.builder().storePath(sp).url("nar/" + name).compression("xz").fileHash(fileHash)
                    .fileSize(data.length).narHash(Hash.sha256(new byte[] {(byte) i})).narSize(data.length * 4L).build()
                    .withSignature(cacheKey);
            Files.writeString(root.resolve(sp.hashPart() + ".narinfo"), ni.print());
            narinfos.put(sp.hashPart(), ni);
            files.put(sp.hashPart(), data);
            storeHashes.add(sp.hashPart());
            tb.addFile(List.of(name), root.resolve("nar").resolve(name));
        }
        torrent = tb.build();
        torrentBytes = torrent.write();
    }

    String hash(int i) { return storeHashes.get(i); }
    NarInfo narinfo(int i) { return narinfos.get(hash(i)); }
    byte[] data(int i) { return files.get(hash(i)); }
    String fileName(int i) { return narinfo(i).url().substring(4); }
    String infohash() { return torrent.infoHash().hex(); }
    String upstreamUrl() { return upstream.baseUrl(); }
    String cacheKeyPublic() { return cacheKey.publicKey().toNixFormat(); }
    String plannerKeyPublic() { return plannerKey.publicKey().toNixFormat(); }

    ObjectNode entry(int i) throws Exception {
        NarInfo ni = narinfo(i);
        TorrentFile tf = torrent.findFile("nar/" + fileName(i)).orElseThrow();
        String text = ni.print();
        String narinfoSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        String msg = "nix-swarm-index-1;" + ni.storePath() + ";" + infohash() + ";" + tf.index() + ";nar/" + fileName(i) + ";"
                + data(i).length + ";" + narinfoSha;
        ObjectNode n = JSON.createObjectNode();
        n.put("storeHash", hash(i)).put("storePath", ni.storePath().toString()).put("infohash", infohash())
                .put("fileIndex", tf.index()).put("filePath", "nar/" + fileName(i)).put("fileSize", data(i).length)
                .put("narinfo", text).put("sig", plannerKey.sign(msg.getBytes(StandardCharsets.UTF_8)));
        return n;
    }

    /** Serves the index API for every path of the bundle; returns its base URL. */
    String startIndex() throws Exception {
        Map<String, ArrayNode> byPrefix = new LinkedHashMap<>();
        for (int i = 0; i < storeHashes.size(); i++) {
            byPrefix.computeIfAbsent(IndexClient.prefixOf(hash(i)), k -> JSON.createArrayNode()).add(entry(i));
        }
        index = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        index.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            byte[] body = null;
            if (p.startsWith("/v1/prefix/")) {
                ArrayNode a = byPrefix.get(p.substring(11));
                body = (a == null ? "[]" : a.toString()).getBytes(StandardCharsets.UTF_8);
            } else if (p.equals("/v1/bundle/" + infohash())) {
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
        index.start();
        return "http://127.0.0.1:" + index.getAddress().getPort() + "/";
    }

    @Override
    public void close() {
        if (index != null) index.stop(0);
        upstream.close();
    }
}
