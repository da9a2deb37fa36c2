package org.nixswarm.tracker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the infohashes of a plan's {@code manifest.json} (docs/formats.md): {@code bundles[].infohash},
 * 40 lowercase hex characters each. Only what the tracker needs is read; the rest is the planner's.
 */
public final class PlanManifest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanManifest() {}

    /** The manifest inside a plan directory. */
    public static Path manifestOf(Path plan) {
        return plan.resolve("manifest.json");
    }

    public static AllowList read(Path manifest) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(manifest);
        } catch (NoSuchFileException e) {
            throw new TrackerException(manifest + ": no such file (is this a plan directory?)");
        } catch (IOException e) {
            throw new TrackerException(manifest + ": cannot read: " + e.getMessage(), e);
        }
        return parse(bytes, manifest.toString());
    }

    static AllowList parse(byte[] json, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new TrackerException(where + ": not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr());
        } catch (IOException e) {
            throw new TrackerException(where + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new TrackerException(where + ": expected a JSON object");
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != 1) {
            throw new TrackerException(where + ": \"version\" must be 1, got " + version);
        }
        JsonNode bundles = root.get("bundles");
        if (bundles == null || !bundles.isArray()) throw new TrackerException(where + ": \"bundles\" must be an array");
        List<byte[]> hashes = new ArrayList<>(bundles.size());
        for (int i = 0; i < bundles.size(); i++) {
            JsonNode ih = bundles.get(i).get("infohash");
            String s = ih == null || !ih.isTextual() ? null : ih.textValue();
            if (s == null || !s.matches("[0-9a-f]{40}")) {
                throw new TrackerException(where + ": bundles[" + i + "].infohash must be 40 lowercase hex characters, got "
                        + ih);
            }
            hashes.add(HexFormat.of().parseHex(s));
        }
        return AllowList.of(hashes);
    }
}
