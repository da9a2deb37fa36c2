package org.nixswarm.planner.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nixswarm.planner.PlannerException;

/**
 * A previous plan directory: its bundles exactly as the manifest lists them (they are immutable
 * and are carried into the next plan unchanged) and its index lines by store hash.
 */
public final class PreviousPlan {
    /** One file of an old bundle. */
    public record File(String storeHash, String storePath, int fileIndex, String path, long offset, long size) {}

    /** One old bundle: its manifest entry kept verbatim, and its files. */
    public record Bundle(String infohash, int pieceSize, JsonNode manifestEntry, List<File> files) {}

    public final Path dir;
    public final List<Bundle> bundles;
    public final Map<String, String> indexLines;

    private PreviousPlan(Path dir, List<Bundle> bundles, Map<String, String> indexLines) {
        this.dir = dir;
        this.bundles = bundles;
        this.indexLines = indexLines;
    }

    public static PreviousPlan read(Path dir) {
        Path manifest = dir.resolve("manifest.json");
        if (!Files.isRegularFile(manifest)) throw new PlannerException("--previous " + dir + ": no manifest.json");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(manifest.toFile());
        } catch (IOException e) {
            throw new PlannerException(manifest + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
        }
        if (root.path("version").asInt(-1) != 1) throw new PlannerException(manifest + ": \"version\" must be 1");
        List<Bundle> bundles = new ArrayList<>();
        int bi = 0;
        for (JsonNode b : root.path("bundles")) {
            String where = manifest + ": bundles[" + bi++ + "]";
            String ih = text(b, "infohash", where);
            if (!ih.matches("[0-9a-f]{40}")) throw new PlannerException(where + ".infohash: not 40 lowercase hex digits");
            if (!Files.isRegularFile(dir.resolve("bundles").resolve(ih + ".torrent"))) {
                throw new PlannerException(where + ": bundles/" + ih + ".torrent is missing");
            }
            List<File> files = new ArrayList<>();
            int fi = 0;
            for (JsonNode f : b.path("files")) {
                String fw = where + ".files[" + fi++ + "]";
                files.add(new File(text(f, "storeHash", fw), text(f, "storePath", fw), f.path("fileIndex").asInt(-1),
                        text(f, "path", fw), f.path("offset").asLong(-1), f.path("size").asLong(-1)));
            }
            bundles.add(new Bundle(ih, b.path("pieceSize").asInt(), b, files));
        }
        Map<String, String> lines = new HashMap<>();
        Path index = dir.resolve("index.jsonl");
        if (Files.isRegularFile(index)) {
            ObjectMapper m = new ObjectMapper();
            try (BufferedReader r = Files.newBufferedReader(index, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isBlank()) continue;
                    lines.put(m.readTree(line).path("storeHash").asText(), line);
                }
            } catch (IOException e) {
                throw new PlannerException(index + ": " + e.getMessage().split("\n")[0]);
            }
        }
        return new PreviousPlan(dir, bundles, lines);
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new PlannerException(where + "." + field + ": missing or not a string");
        return v.asText();
    }
}
