package org.nixswarm.client.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.nixswarm.client.ClientException;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.store.StorePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The magnet index's HTTP API, as a client: store paths are looked up by a 16-bit prefix of their
 * hash ({@code GET /v1/prefix/<4 hex>}, the hex of the first two of the 20 hash bytes), so the
 * server learns only which of 65,536 buckets was asked for; bundles come from
 * {@code GET /v1/bundle/<infohash>}. Every entry must carry the planner's signature.
 */
public final class IndexClient {
    private static final Logger LOG = LoggerFactory.getLogger(IndexClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final List<PublicKey> keys;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration prefixTtl;
    private final Map<String, Cached> prefixCache = new ConcurrentHashMap<>();

    private record Cached(long expires, Map<String, IndexEntry> entries) {}

    public IndexClient(String baseUrl, List<PublicKey> keys, Duration timeout, Duration prefixTtl) {
        this.base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        this.keys = List.copyOf(keys);
        this.timeout = timeout;
        this.prefixTtl = prefixTtl;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public static String prefixOf(String storeHash) {
        byte[] b;
        try {
            b = StorePath.parseBaseName(storeHash + "-x").hashBytes();
        } catch (FormatException e) {
            throw new ClientException("not a store path hash: '" + storeHash + "'");
        }
        return HexFormat.of().formatHex(b, 0, 2);
    }

    /** The verified entry for {@code storeHash}, or empty when the index does not have it. */
    public Optional<IndexEntry> lookup(String storeHash) throws IOException {
        String prefix = prefixOf(storeHash);
        Cached c = prefixCache.get(prefix);
        if (c == null || c.expires < System.nanoTime()) {
            c = new Cached(System.nanoTime() + prefixTtl.toNanos(), fetchPrefix(prefix));
            prefixCache.put(prefix, c);
        }
        return Optional.ofNullable(c.entries.get(storeHash));
    }

    private Map<String, IndexEntry> fetchPrefix(String prefix) throws IOException {
        HttpResponse<byte[]> r = get("v1/prefix/" + prefix);
        Map<String, IndexEntry> out = new ConcurrentHashMap<>();
        if (r.statusCode() == 404) return out;
        if (r.statusCode() != 200) throw new IOException("index " + base + "v1/prefix/" + prefix + ": HTTP " + r.statusCode());
        for (JsonNode n : entries(r.body())) {
            IndexEntry e;
            try {
                e = fromJson(n);
            } catch (RuntimeException ex) {
                LOG.warn("index prefix {}: malformed entry ignored: {}", prefix, ex.getMessage());
                continue;
            }
            if (!IndexEntries.signedBy(e, keys)) {
                LOG.warn("index entry for {} has no valid planner signature; ignored", e.storePath());
                continue;
            }
            out.put(e.storeHash(), e);
        }
        return out;
    }

    /** Accepts a JSON array, an object with an array field, or JSON lines: the compact form is the index's choice. */
    private static List<JsonNode> entries(byte[] body) throws IOException {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).trim();
        List<JsonNode> out = new ArrayList<>();
        if (text.isEmpty()) return out;
        if (text.startsWith("[")) {
            JSON.readTree(text).forEach(out::add);
        } else if (text.startsWith("{") && !text.contains("\n{")) {
            JsonNode root = JSON.readTree(text);
            if (root.has("storeHash")) out.add(root);
            else for (JsonNode v : root) if (v.isArray()) v.forEach(out::add);
        } else {
            for (String line : text.split("\n")) if (!line.isBlank()) out.add(JSON.readTree(line));
        }
        return out;
    }

    /** Core's parser on the node's JSON, then the narinfo checked against the entry. */
    static IndexEntry fromJson(JsonNode n) {
        IndexEntry e;
        try {
            e = IndexEntry.parse(JSON.writeValueAsString(n));
        } catch (FormatException | IOException ex) {
            throw new ClientException(ex.getMessage());
        }
        IndexEntries.narinfo(e);
        return e;
    }

    /** The bundle's torrent file, or empty on 404; the caller checks its infohash. */
    public Optional<byte[]> bundle(String infohash) throws IOException {
        HttpResponse<byte[]> r = get("v1/bundle/" + infohash);
        if (r.statusCode() == 404) return Optional.empty();
        if (r.statusCode() != 200) throw new IOException("index " + base + "v1/bundle/" + infohash + ": HTTP " + r.statusCode());
        return Optional.of(r.body());
    }

    private HttpResponse<byte[]> get(String path) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET().build();
        // the request timeout covers only the headers: bound the whole exchange so a stalled body fails
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return f.get(timeout.toMillis() * 3, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new java.net.http.HttpTimeoutException("index " + base + path + ": no complete answer in " + timeout.toMillis() * 3 + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("index " + base + path + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public String baseUrl() { return base; }
}
