package org.nixswarm.client.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.net.BlockingGet;
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
    /** A prefix answer or a torrent: far larger means a broken or hostile index. */
    private static final int MAX_ANSWER = 64 << 20;
    private final Duration timeout;
    private final Duration prefixTtl;
    private final Map<String, Cached> prefixCache = new ConcurrentHashMap<>();

    /**
     * Values: the raw JSON of an entry (or its {@link Duplicates}) until first asked for, then its
     * {@link IndexEntry} or {@link #REFUSED}.
     */
    private record Cached(long expires, Map<String, Object> entries) {}

    public IndexClient(String baseUrl, List<PublicKey> keys, Duration timeout, Duration prefixTtl) {
        this.base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        this.keys = List.copyOf(keys);
        this.timeout = timeout;
        this.prefixTtl = prefixTtl;
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
        Object e = c.entries.computeIfPresent(storeHash, (h, v) -> v instanceof JsonNode n ? checked(prefix, n)
                : v instanceof Duplicates d ? checkedFirst(prefix, h, d.nodes()) : v);
        return e instanceof IndexEntry ie ? Optional.of(ie) : Optional.empty();
    }

    /**
     * The entries under a prefix, by store hash, as JSON: a bucket of a full index holds about
     * 150, and only the one Nix asked for is parsed and has its signature checked (see
     * {@link #checked}), about 0.1 ms instead of 15 ms for all.
     */
    private Map<String, Object> fetchPrefix(String prefix) throws IOException {
        BlockingGet.Response r = get("v1/prefix/" + prefix);
        Map<String, Object> out = new ConcurrentHashMap<>();
        if (r.status() == 404) return out;
        if (r.status() != 200) throw new IOException("index " + base + "v1/prefix/" + prefix + ": HTTP " + r.status());
        for (JsonNode n : entries(r.body())) {
            JsonNode h = n.get("storeHash");
            if (h == null || !h.isTextual()) {
                LOG.warn("index prefix {}: entry without a storeHash ignored", prefix);
                continue;
            }
            // the same hash twice (a republished entry, or a forged one beside the real one): all
            // are kept and the first that verifies wins, whichever order the index sent them in
            out.merge(h.asText(), n, (had, more) -> {
                List<JsonNode> all = new ArrayList<>();
                if (had instanceof Duplicates d) all.addAll(d.nodes());
                else all.add((JsonNode) had);
                all.add((JsonNode) more);
                return new Duplicates(List.copyOf(all));
            });
        }
        return out;
    }

    /** Entries of a prefix answer that share one store hash, in the order the index sent them. */
    private record Duplicates(List<JsonNode> nodes) {}

    /** The first of several entries for one hash that is well-formed and signed; the others are logged. */
    private Object checkedFirst(String prefix, String storeHash, List<JsonNode> nodes) {
        Object chosen = REFUSED;
        int bad = 0;
        for (JsonNode n : nodes) {
            Object c = checked(prefix, n);
            if (c == REFUSED) bad++;
            else if (chosen == REFUSED) chosen = c;
            else if (!c.equals(chosen)) LOG.warn("index prefix {}: two valid entries for {} differ; using the first", prefix, storeHash);
        }
        if (bad > 0) {
            LOG.warn("index prefix {}: {} of {} entries for {} refused{}", prefix, bad, nodes.size(), storeHash,
                    chosen == REFUSED ? "; none left" : "; using one that verifies");
        }
        return chosen;
    }

    /** The entry parsed and its planner signature checked; {@link #REFUSED} (remembered) if either fails. */
    private Object checked(String prefix, JsonNode n) {
        IndexEntry e;
        try {
            e = fromJson(n);
        } catch (RuntimeException ex) {
            LOG.warn("index prefix {}: malformed entry for {} ignored: {}", prefix, n.get("storeHash").asText(), ex.getMessage());
            return REFUSED;
        }
        if (!e.storeHash().equals(n.get("storeHash").asText())) {
            LOG.warn("index prefix {}: entry filed under {} is for {}; ignored", prefix, n.get("storeHash").asText(), e.storePath());
            return REFUSED;
        }
        if (!IndexEntries.signedBy(e, keys)) {
            LOG.warn("index entry for {} has no valid planner signature; ignored", e.storePath());
            return REFUSED;
        }
        return e;
    }

    private static final Object REFUSED = new Object();

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
        BlockingGet.Response r = get("v1/bundle/" + infohash);
        if (r.status() == 404) return Optional.empty();
        if (r.status() != 200) throw new IOException("index " + base + "v1/bundle/" + infohash + ": HTTP " + r.status());
        return Optional.of(r.body());
    }

    private BlockingGet.Response get(String path) throws IOException {
        return BlockingGet.get(base + path, timeout, MAX_ANSWER);
    }

    public String baseUrl() { return base; }
}
