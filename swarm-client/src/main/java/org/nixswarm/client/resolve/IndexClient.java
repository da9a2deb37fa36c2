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
 *
 * <p>A bundle's directory ({@code GET /v1/bundle/<infohash>/entries}, fetched by
 * {@link #learnBundle} once a path of the bundle resolved) answers later lookups of its other
 * paths without a round trip: Nix asks for a closure, and the planner put closures together.
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
    /** Bundle directories by infohash, least recently fetched first; bounded by {@link #DIRECTORY_ENTRIES}. */
    private final Map<String, Cached> directories = new java.util.LinkedHashMap<>();
    /** Bundles whose directory is being fetched, or failed lately (retried after {@link #DIRECTORY_RETRY}). */
    private final Map<String, Long> directoryAttempts = new ConcurrentHashMap<>();
    /** Entries kept from bundle directories, all bundles together (about 1.5 KB each in memory). */
    static final int DIRECTORY_ENTRIES = 16_384;
    private static final Duration DIRECTORY_TTL = Duration.ofHours(1);
    private static final Duration DIRECTORY_RETRY = Duration.ofMinutes(10);

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
            // a directory knows only its bundle's paths: a miss there still asks the index
            Optional<IndexEntry> known = fromDirectories(storeHash);
            if (known.isPresent()) return known;
            c = new Cached(System.nanoTime() + prefixTtl.toNanos(), fetchPrefix(prefix));
            prefixCache.put(prefix, c);
        }
        return verified(c, "prefix " + prefix, storeHash);
    }

    private Optional<IndexEntry> verified(Cached c, String source, String storeHash) {
        Object e = c.entries.computeIfPresent(storeHash, (h, v) -> v instanceof JsonNode n ? checked(source, n)
                : v instanceof Duplicates d ? checkedFirst(source, h, d.nodes()) : v);
        return e instanceof IndexEntry ie ? Optional.of(ie) : Optional.empty();
    }

    private Optional<IndexEntry> fromDirectories(String storeHash) {
        List<Map.Entry<String, Cached>> fresh = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (directories) {
            directories.values().removeIf(d -> d.expires < now);
            for (Map.Entry<String, Cached> d : directories.entrySet()) {
                if (d.getValue().entries.containsKey(storeHash)) fresh.add(d);
            }
        }
        for (Map.Entry<String, Cached> d : fresh) {
            Optional<IndexEntry> e = verified(d.getValue(), "bundle " + d.getKey(), storeHash);
            if (e.isPresent()) return e;
        }
        return Optional.empty();
    }

    /**
     * Fetches the directory of bundle {@code infohash} on {@code executor}, unless it is known,
     * being fetched, or failed in the last ten minutes. An index without the endpoint (404) or
     * a failure only means lookups go on by prefix.
     */
    public void learnBundle(String infohash, java.util.concurrent.Executor executor) {
        synchronized (directories) {
            Cached known = directories.get(infohash);
            if (known != null && known.expires > System.nanoTime()) return;
        }
        long now = System.nanoTime();
        Long last = directoryAttempts.get(infohash);
        if (last != null && now - last < DIRECTORY_RETRY.toNanos()) return;
        if (!(last == null ? directoryAttempts.putIfAbsent(infohash, now) == null : directoryAttempts.replace(infohash, last, now))) {
            return; // another lookup is on it
        }
        try {
            executor.execute(() -> {
                try {
                    Map<String, Object> entries = fetchEntries("v1/bundle/" + infohash + "/entries", "bundle " + infohash);
                    if (entries.isEmpty() || entries.size() > DIRECTORY_ENTRIES) return; // too big to keep: per path, as before
                    synchronized (directories) {
                        directories.remove(infohash);
                        directories.put(infohash, new Cached(System.nanoTime() + DIRECTORY_TTL.toNanos(), entries));
                        int total = directories.values().stream().mapToInt(d -> d.entries.size()).sum();
                        for (var it = directories.values().iterator(); total > DIRECTORY_ENTRIES && it.hasNext(); ) {
                            total -= it.next().entries.size();
                            it.remove();
                        }
                    }
                    directoryAttempts.remove(infohash);
                } catch (IOException | RuntimeException e) {
                    LOG.debug("directory of bundle {}: {}", infohash, e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            directoryAttempts.remove(infohash); // shutting down
        }
    }

    /**
     * The entries under a prefix, by store hash, as JSON: a bucket of a full index holds about
     * 150, and only the one Nix asked for is parsed and has its signature checked (see
     * {@link #checked}), about 0.1 ms instead of 15 ms for all.
     */
    private Map<String, Object> fetchPrefix(String prefix) throws IOException {
        return fetchEntries("v1/prefix/" + prefix, "prefix " + prefix);
    }

    /** An answer of entries (prefix or bundle directory) by store hash, unchecked; empty on 404. */
    private Map<String, Object> fetchEntries(String path, String source) throws IOException {
        BlockingGet.Response r = get(path);
        Map<String, Object> out = new ConcurrentHashMap<>();
        if (r.status() == 404) return out;
        if (r.status() != 200) throw new IOException("index " + base + path + ": HTTP " + r.status());
        for (JsonNode n : entries(r.body())) {
            JsonNode h = n.get("storeHash");
            if (h == null || !h.isTextual()) {
                LOG.warn("index {}: entry without a storeHash ignored", source);
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
    private Object checkedFirst(String source, String storeHash, List<JsonNode> nodes) {
        Object chosen = REFUSED;
        int bad = 0;
        for (JsonNode n : nodes) {
            Object c = checked(source, n);
            if (c == REFUSED) bad++;
            else if (chosen == REFUSED) chosen = c;
            else if (!c.equals(chosen)) LOG.warn("index {}: two valid entries for {} differ; using the first", source, storeHash);
        }
        if (bad > 0) {
            LOG.warn("index {}: {} of {} entries for {} refused{}", source, bad, nodes.size(), storeHash,
                    chosen == REFUSED ? "; none left" : "; using one that verifies");
        }
        return chosen;
    }

    /** The entry parsed and its planner signature checked; {@link #REFUSED} (remembered) if either fails. */
    private Object checked(String source, JsonNode n) {
        IndexEntry e;
        try {
            e = fromJson(n);
        } catch (RuntimeException ex) {
            LOG.warn("index {}: malformed entry for {} ignored: {}", source, n.get("storeHash").asText(), ex.getMessage());
            return REFUSED;
        }
        if (!e.storeHash().equals(n.get("storeHash").asText())) {
            LOG.warn("index {}: entry filed under {} is for {}; ignored", source, n.get("storeHash").asText(), e.storePath());
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
