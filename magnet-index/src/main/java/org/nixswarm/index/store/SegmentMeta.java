package org.nixswarm.index.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a segment needs from its plan's manifest to answer a lookup: the generation, the cache's
 * base URL (the web seed of every bundle) and the trackers (for magnet links), and the planner key
 * that signed its entries. {@code source} is the verified-once marker: the SHA-256 of the plan's
 * manifest.json and index.jsonl and of the planner key whose signatures were all checked when the
 * segment was built ("" when unknown), so the same plan found at another path is not verified again.
 */
public record SegmentMeta(String generation, String cacheUrl, List<String> trackers, String plannerKey,
        long rejected, List<String> problems, String source) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public SegmentMeta {
        trackers = List.copyOf(trackers);
        problems = List.copyOf(problems);
    }

    public SegmentMeta(String generation, String cacheUrl, List<String> trackers, String plannerKey, long rejected,
            List<String> problems) {
        this(generation, cacheUrl, trackers, plannerKey, rejected, problems, "");
    }

    byte[] toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("generation", generation);
        o.put("cacheUrl", cacheUrl);
        trackers.forEach(o.putArray("trackers")::add);
        o.put("plannerKey", plannerKey);
        o.put("rejected", rejected);
        problems.forEach(o.putArray("problems")::add);
        o.put("source", source);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static SegmentMeta fromJson(byte[] json) throws IOException {
        JsonNode o = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        List<String> trackers = new ArrayList<>();
        o.path("trackers").forEach(t -> trackers.add(t.asText()));
        List<String> problems = new ArrayList<>();
        o.path("problems").forEach(t -> problems.add(t.asText()));
        return new SegmentMeta(o.path("generation").asText(), o.path("cacheUrl").asText(), trackers,
                o.path("plannerKey").asText(), o.path("rejected").asLong(), problems, o.path("source").asText(""));
    }
}
