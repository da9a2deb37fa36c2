package org.nixswarm.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
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
 * A small binary cache of random "nar.xz" files, one bundle torrent over all of them (pad files),
 * and a signed index served over HTTP the way the magnet index does ({@code /v1/prefix},
 * {@code /v1/bundle}). Either the cache is served by core's range-capable StaticHttpServer and is
 * the torrent's last web seed ({@link #TestBundle(Path, long[], int, long)}), or only the given web
 * seeds are named and nothing is served ({@link #withWebSeedsOnly}: fault tests put WireMock there).
 * The index can be told to serve forged entries or another torrent.
 */
public final class TestBundle implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    public final Path root;
    /** The cache over HTTP; null for {@link #withWebSeedsOnly}. */
    public final StaticHttpServer upstream;
    public final SecretKey cacheKey;
    public final SecretKey plannerKey;
    private final List<NarInfo> narinfos = new ArrayList<>();
    private final List<byte[]> files = new ArrayList<>();
    public final Torrent torrent;
    public final byte[] torrentBytes;
    /** What the index answers for {@code /v1/bundle/<infohash>}; a test may swap it for a forged torrent. */
    public volatile byte[] servedTorrent;
    /** How long the index takes to send the torrent (ms). */
    public volatile long torrentDelayMs;
    /** Applied to every index entry before it is served (to forge one). */
    public volatile UnaryOperator<ObjectNode> entryFilter = UnaryOperator.identity();
    private HttpServer index;

    public TestBundle(Path root, long[] sizes, int pieceLength, long seed) throws IOException {
        this(root, sizes, pieceLength, seed, List.of());
    }

    /** {@code webSeedsFirst} come before the cache in the torrent's url-list. */
    public TestBundle(Path root, long[] sizes, int pieceLength, long seed, List<String> webSeedsFirst) throws IOException {
        this(root, sizes, pieceLength, seed, webSeedsFirst, true, "test");
    }

    /** The bundle's torrent names only {@code webSeeds}; the cache directory is not served. */
    public static TestBundle withWebSeedsOnly(Path root, long[] sizes, int pieceLength, long seed, List<String> webSeeds)
            throws IOException {
        return new TestBundle(root, sizes, pieceLength, seed, webSeeds, false, "fault");
    }

    private TestBundle(Path root, long[] sizes, int pieceLength, long seed, List<String> webSeeds, boolean serve, String label)
            throws IOException {
        this.root = root;
        this.cacheKey = SecretKey.generate(label + "-cache-1", new SecureRandom());
        this.plannerKey = SecretKey.generate(label + "-planner-1", new SecureRandom());
        Files.createDirectories(root.resolve("nar"));
        Files.writeString(root.resolve("nix-cache-info"), "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n");
        upstream = serve ? new StaticHttpServer(root).start() : null;
        Random rnd = new Random(seed);
        TorrentBuilder tb = new TorrentBuilder("nar").pieceLength(pieceLength).padFiles(true);
        for (String w : webSeeds) tb.addWebSeed(w);
        if (serve) tb.addWebSeed(upstream.baseUrl());
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = new byte[(int) sizes[i]];
            rnd.nextBytes(data);
            Hash fileHash = Hash.sha256(data);
            String name = fileHash.toBase32String().substring(7) + ".nar.xz";
            Files.write(root.resolve("nar").resolve(name), data);
            byte[] h = new byte[20];
            rnd.nextBytes(h);
            StorePath sp = StorePath.parse("/nix/store/" + NixBase32.encode(h) + "-" + label + "-" + i);
            NarInfo ni = NarInfo.builder().storePath(sp).url("nar/" + name).compression("xz").fileHash(fileHash)
                    .fileSize(data.length).narHash(Hash.sha256(new byte[] {(byte) i})).narSize(data.length * 4L).build()
                    .withSignature(cacheKey);
            Files.writeString(root.resolve(sp.hashPart() + ".narinfo"), ni.print());
            narinfos.add(ni);
            files.add(data);
            tb.addFile(List.of(name), root.resolve("nar").resolve(name));
        }
        torrent = tb.build();
        torrentBytes = torrent.write();
        servedTorrent = torrentBytes;
    }

    public int size() { return narinfos.size(); }
    public String hash(int i) { return narinfos.get(i).storePath().hashPart(); }
    public NarInfo narinfo(int i) { return narinfos.get(i); }
    public byte[] data(int i) { return files.get(i); }
    public String fileName(int i) { return narinfo(i).url().substring(4); }
    public String urlPath(int i) { return "/" + narinfo(i).url(); }
    public String infohash() { return torrent.infoHash().hex(); }
    public String upstreamUrl() { return upstream.baseUrl(); }
    public String cacheKeyPublic() { return cacheKey.publicKey().toNixFormat(); }
    public String plannerKeyPublic() { return plannerKey.publicKey().toNixFormat(); }

    /** Entry {@code i} as the index serves it, signed by the planner (a copy: callers may change it). */
    public ObjectNode entry(int i) throws Exception {
        ObjectNode n = signedEntries.get(i);
        if (n == null) {
            n = signEntry(i);
            signedEntries.put(i, n);
        }
        return n.deepCopy();
    }

    // signed once: a bundle of thousands of paths (the benchmark's) would otherwise be signed again
    // for every answer that lists them all, as the directory does
    private final java.util.Map<Integer, ObjectNode> signedEntries = new java.util.concurrent.ConcurrentHashMap<>();

    private ObjectNode signEntry(int i) throws Exception {
        NarInfo ni = narinfo(i);
        TorrentFile tf = torrent.findFile("nar/" + fileName(i)).orElseThrow();
        ObjectNode n = JSON.createObjectNode();
        n.put("storeHash", hash(i)).put("storePath", ni.storePath().toString()).put("infohash", infohash())
                .put("fileIndex", tf.index()).put("filePath", "nar/" + fileName(i)).put("fileSize", data(i).length)
                .put("narinfo", ni.print());
        n.put("sig", plannerKey.sign(signedMessage(n)));
        return n;
    }

    /** {@code n}, changed by a test, signed again by this bundle's planner: the index stands behind it. */
    public ObjectNode resign(ObjectNode n) {
        try {
            return n.put("sig", plannerKey.sign(signedMessage(n)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text an index entry's planner signature covers (docs/formats.md). */
    public byte[] signedMessage(ObjectNode n) throws Exception {
        String narinfoSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(n.get("narinfo").asText().getBytes(StandardCharsets.UTF_8)));
        return ("nix-swarm-index-1;" + n.get("storePath").asText() + ";" + n.get("infohash").asText() + ";" + n.get("fileIndex").asInt()
                + ";" + n.get("filePath").asText() + ";" + n.get("fileSize").asLong() + ";" + narinfoSha).getBytes(StandardCharsets.UTF_8);
    }

    private record Answer(UnaryOperator<ObjectNode> filter, byte[] body) {}

    private final java.util.Map<String, Answer> answers = new java.util.concurrent.ConcurrentHashMap<>();

    /** Prefix lookups and bundle-directory requests (any bundle) the index has answered or refused. */
    public final java.util.concurrent.atomic.AtomicInteger prefixRequests = new java.util.concurrent.atomic.AtomicInteger();
    public final java.util.concurrent.atomic.AtomicInteger directoryRequests = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * How {@code /v1/bundle/<ih>/entries} is answered: 200 with the directory, or this status (400
     * as an index from before directories does: it takes {@code <ih>/entries} for a bad infohash).
     */
    public volatile int directoryStatus = 200;

    /** The bundle's directory: every entry, one JSON line each, through the same filter as prefix answers (built once per filter). */
    private byte[] directoryAnswer() throws Exception {
        UnaryOperator<ObjectNode> f = entryFilter;
        Answer a = directory;
        if (a != null && a.filter == f) return a.body;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < narinfos.size(); i++) sb.append(f.apply(entry(i))).append('\n');
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        directory = new Answer(f, body);
        return body;
    }

    private volatile Answer directory;

    /**
     * The entries under a prefix as JSON, built once per entry filter: like the real index, which
     * answers from lines rendered and signed ahead, a lookup costs no signing here.
     */
    private byte[] prefixAnswer(String prefix) throws Exception {
        UnaryOperator<ObjectNode> f = entryFilter;
        Answer a = answers.get(prefix);
        if (a != null && a.filter == f) return a.body;
        ArrayNode arr = JSON.createArrayNode();
        for (int i = 0; i < narinfos.size(); i++) {
            if (IndexClient.prefixOf(hash(i)).equals(prefix)) arr.add(f.apply(entry(i)));
        }
        byte[] body = arr.toString().getBytes(StandardCharsets.UTF_8);
        answers.put(prefix, new Answer(f, body));
        return body;
    }

    /** Serves the index API for every path of the bundle; returns its base URL. */
    public String startIndex() throws Exception {
        for (int i = 0; i < narinfos.size(); i++) prefixAnswer(IndexClient.prefixOf(hash(i)));
        index = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        index.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            byte[] body = null;
            int refused = 404;
            try {
                if (p.startsWith("/v1/prefix/")) {
                    prefixRequests.incrementAndGet();
                    body = prefixAnswer(p.substring(11));
                } else if (p.startsWith("/v1/bundle/") && p.endsWith("/entries")) {
                    directoryRequests.incrementAndGet();
                    refused = directoryStatus == 200 ? 404 : directoryStatus;
                    if (directoryStatus == 200 && p.equals("/v1/bundle/" + infohash() + "/entries")) body = directoryAnswer();
                } else if (p.equals("/v1/bundle/" + infohash())) {
                    if (torrentDelayMs > 0) Thread.sleep(torrentDelayMs);
                    body = servedTorrent;
                }
            } catch (Exception e) {
                throw new IOException(e);
            }
            if (body == null) {
                ex.sendResponseHeaders(refused, -1);
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

    /** A client of this bundle's index and upstream cache (trusting both keys), peers raced for {@code raceDelay}. */
    public ClientConfig clientConfig(Path dir, String indexUrl, Duration raceDelay) throws IOException {
        return ClientConfig.defaults(dir, freePort()).withUpstream(upstreamUrl(), java.util.List.of(cacheKeyPublic()))
                .withIndex(indexUrl, plannerKeyPublic()).withRaceDelay(raceDelay);
    }

    public ClientConfig config(Path dir, String indexUrl) throws IOException {
        return ClientConfig.defaults(dir, freePort()).withIndex(indexUrl, plannerKeyPublic()).withRaceDelay(Duration.ZERO);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (index != null) index.stop(0);
        if (upstream != null) upstream.close();
    }
}
