package org.nixswarm.planner.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.planner.PlannerException;
import org.nixswarm.planner.graph.PathGraph;

/**
 * Reads the JSON of {@code nix path-info --json --recursive}: either an array of objects with
 * {@code path} (Nix 2.8) or an object keyed by path (newer Nix). Uses {@code narSize},
 * {@code references} (full paths) and, where known, {@code downloadSize} or {@code fileSize}
 * (compressed bytes); without them NarSize stands in for FileSize.
 */
public final class GraphJson {
    private GraphJson() {}

    public static PathGraph read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new PlannerException("--graph " + file + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
        }
        PathGraph.Builder b = PathGraph.builder();
        if (root.isArray()) {
            int i = 0;
            for (JsonNode n : root) add(b, n.path("path").asText(null), n, file + "[" + i++ + "]");
        } else if (root.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNull()) continue; // invalid path in newer Nix output
                add(b, e.getKey(), e.getValue(), file + "[\"" + e.getKey() + "\"]");
            }
        } else {
            throw new PlannerException("--graph " + file + ": expected the JSON of nix path-info --json --recursive");
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new PlannerException("--graph " + file + ": " + e.getMessage());
        }
    }

    private static void add(PathGraph.Builder b, String path, JsonNode n, String where) {
        if (path == null) throw new PlannerException(where + ": no \"path\"");
        StorePath sp;
        try {
            sp = StorePath.parse(path);
        } catch (FormatException e) {
            throw new PlannerException(where + ": " + e.getMessage());
        }
        long nar = n.path("narSize").asLong(-1);
        if (nar < 0) throw new PlannerException(where + ": no \"narSize\"");
        long file = n.has("downloadSize") ? n.get("downloadSize").asLong() : n.path("fileSize").asLong(nar);
        List<String> refs = new ArrayList<>();
        for (JsonNode r : n.path("references")) {
            String s = r.asText();
            refs.add(s.startsWith(StorePath.STORE_DIR + "/") ? s.substring(StorePath.STORE_DIR.length() + 1) : s);
        }
        b.add(sp.hashPart(), sp.name(), file, nar, refs);
    }
}
