package org.nixswarm.index.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.index.IndexException;

/**
 * The parts of a plan's {@code manifest.json} the index uses: generation, cache URL, trackers,
 * planner key, each bundle's torrent file, and the store hashes of each bundle's files.
 *
 * @param bundleKeys per bundle, the 20-byte hashes of its files' store paths, packed end to end
 *     (20 bytes each, in manifest order): a bundle's directory ({@code /v1/bundle/<ih>/entries})
 *     without an object per path (10 M paths: 200 MB)
 */
public record Manifest(String generation, String cacheUrl, List<String> trackers, String plannerKey,
        Map<InfoHash, Path> torrents, Map<InfoHash, byte[]> bundleKeys) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Manifest read(Path planDir) {
        Path file = planDir.resolve("manifest.json");
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IndexException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        int version = root.path("version").asInt(-1);
        if (version != 1) throw new IndexException(file + ": unsupported manifest version " + root.path("version"));
        String generation = text(root, "generation", file);
        String cacheUrl = text(root, "cacheUrl", file);
        String plannerKey = root.path("plannerKey").asText("");
        List<String> trackers = new ArrayList<>();
        root.path("trackers").forEach(t -> trackers.add(t.asText()));
        Map<InfoHash, Path> torrents = new LinkedHashMap<>();
        Map<InfoHash, byte[]> keys = new LinkedHashMap<>();
        JsonNode bundles = root.path("bundles");
        if (!bundles.isArray()) throw new IndexException(file + ": field bundles must be an array");
        int i = 0;
        for (JsonNode b : bundles) {
            InfoHash ih;
            try {
                ih = InfoHash.parse(b.path("infohash").asText());
            } catch (RuntimeException e) {
                throw new IndexException(file + ": bundles[" + i + "].infohash: " + e.getMessage());
            }
            String torrent = b.path("torrent").asText("bundles/" + ih.hex() + ".torrent");
            Path p = planDir.resolve(torrent).normalize();
            if (!p.startsWith(planDir.normalize())) throw new IndexException(file + ": bundles[" + i + "].torrent escapes the plan directory");
            torrents.put(ih, p);
            keys.put(ih, storeHashes(b.path("files"), file, i));
            i++;
        }
        return new Manifest(generation, cacheUrl, List.copyOf(trackers), plannerKey, Map.copyOf(torrents), Map.copyOf(keys));
    }

    /** The files' store hashes, packed; a bundle without a {@code files} array has none. */
    private static byte[] storeHashes(JsonNode files, Path file, int bundle) {
        if (!files.isArray()) return new byte[0];
        byte[] out = new byte[files.size() * 20];
        int j = 0;
        for (JsonNode f : files) {
            String h = f.path("storeHash").asText("");
            try {
                System.arraycopy(NixBase32.decode(h, 20), 0, out, j * 20, 20);
            } catch (RuntimeException e) {
                throw new IndexException(file + ": bundles[" + bundle + "].files[" + j + "].storeHash is not a store path hash: '"
                        + (h.length() > 40 ? h.substring(0, 40) + "…" : h) + "'");
            }
            j++;
        }
        return out;
    }

    private static String text(JsonNode root, String field, Path file) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) throw new IndexException(file + ": missing field " + field);
        return n.asText();
    }
}
