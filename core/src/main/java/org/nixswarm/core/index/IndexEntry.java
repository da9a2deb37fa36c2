package org.nixswarm.core.index;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.torrent.InfoHash;

/**
 * One line of a plan's {@code index.jsonl} (docs/formats.md): where a store path lives (bundle
 * infohash, file index and path inside the torrent, file size) and its narinfo, signed by the
 * planner's key over {@link #signedMessage()}. The narinfo keeps the cache's own signatures; the
 * planner's only vouches for the mapping.
 */
public record IndexEntry(StorePath storePath, InfoHash infohash, int fileIndex, String filePath, long fileSize,
        String narinfo, String sig) {
    public static final String DOMAIN = "nix-swarm-index-1";
    private static final JsonFactory JSON = new JsonFactory();

    public IndexEntry {
        if (fileIndex < 0) throw new FormatException("index entry " + storePath + ": negative fileIndex " + fileIndex);
        if (fileSize < 0) throw new FormatException("index entry " + storePath + ": negative fileSize " + fileSize);
        if (filePath == null || filePath.isEmpty() || filePath.indexOf(';') >= 0) {
            throw new FormatException("index entry " + storePath + ": bad filePath " + filePath);
        }
        if (narinfo == null) throw new FormatException("index entry " + storePath + ": missing narinfo");
    }

    /** An unsigned entry signed with the planner's key. */
    public static IndexEntry signed(StorePath storePath, InfoHash infohash, int fileIndex, String filePath,
            long fileSize, String narinfo, SecretKey plannerKey) {
        IndexEntry unsigned = new IndexEntry(storePath, infohash, fileIndex, filePath, fileSize, narinfo, "");
        return unsigned.withSig(plannerKey.sign(unsigned.signedMessage()));
    }

    public IndexEntry withSig(String signature) {
        return new IndexEntry(storePath, infohash, fileIndex, filePath, fileSize, narinfo, signature);
    }

    /** The 32-character Nix base32 hash part of the store path. */
    public String storeHash() {
        return storePath.hashPart();
    }

    /**
     * {@code nix-swarm-index-1;<storePath>;<infohash>;<fileIndex>;<filePath>;<fileSize>;<sha256
     * of the narinfo text, lowercase hex>}, the bytes the planner signs (UTF-8).
     */
    public String signedMessage() {
        String narinfoSha = HexFormat.of().formatHex(Hash.sha256(narinfo.getBytes(StandardCharsets.UTF_8)).digest());
        return DOMAIN + ";" + storePath + ";" + infohash.hex() + ";" + fileIndex + ";" + filePath + ";" + fileSize
                + ";" + narinfoSha;
    }

    /** Whether {@link #sig()} is {@code key}'s valid signature; a malformed sig is false. */
    public boolean verify(PublicKey key) {
        if (sig == null || sig.isEmpty()) return false;
        try {
            return key.verify(signedMessage().getBytes(StandardCharsets.UTF_8), sig);
        } catch (FormatException e) {
            return false;
        }
    }

    /** The entry as one line of {@code index.jsonl}, fields in the documented order, no newline. */
    public String toJsonLine() {
        StringWriter out = new StringWriter(narinfo.length() + 300);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("storeHash", storeHash());
            g.writeStringField("storePath", storePath.toString());
            g.writeStringField("infohash", infohash.hex());
            g.writeNumberField("fileIndex", fileIndex);
            g.writeStringField("filePath", filePath);
            g.writeNumberField("fileSize", fileSize);
            g.writeStringField("narinfo", narinfo);
            g.writeStringField("sig", sig);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /**
     * Parses one line of {@code index.jsonl}. Checks the shape (every field present, once, of the
     * right type; storeHash equal to the store path's hash part), not the signature.
     */
    public static IndexEntry parse(String line) {
        String storeHash = null;
        String storePath = null;
        String infohash = null;
        String filePath = null;
        String narinfo = null;
        String sig = null;
        Long fileIndex = null;
        Long fileSize = null;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new FormatException("index entry is not a JSON object");
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "storeHash" -> storeHash = text(p, v, field, storeHash);
                    case "storePath" -> storePath = text(p, v, field, storePath);
                    case "infohash" -> infohash = text(p, v, field, infohash);
                    case "filePath" -> filePath = text(p, v, field, filePath);
                    case "narinfo" -> narinfo = text(p, v, field, narinfo);
                    case "sig" -> sig = text(p, v, field, sig);
                    case "fileIndex" -> fileIndex = number(p, v, field, fileIndex);
                    case "fileSize" -> fileSize = number(p, v, field, fileSize);
                    default -> p.skipChildren(); // unknown fields: later versions may add some
                }
            }
            if (t != JsonToken.END_OBJECT) throw new FormatException("index entry: malformed JSON object");
            if (p.nextToken() != null) throw new FormatException("index entry: trailing data after the JSON object");
        } catch (IOException e) {
            throw new FormatException("index entry: malformed JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        require(storeHash, "storeHash");
        require(storePath, "storePath");
        require(infohash, "infohash");
        require(filePath, "filePath");
        require(narinfo, "narinfo");
        require(sig, "sig");
        require(fileIndex, "fileIndex");
        require(fileSize, "fileSize");
        StorePath path = StorePath.parse(storePath);
        if (!path.hashPart().equals(storeHash)) {
            throw new FormatException("index entry " + storePath + ": storeHash " + storeHash
                    + " is not the store path's hash part");
        }
        if (fileIndex > Integer.MAX_VALUE) throw new FormatException("index entry " + storePath + ": fileIndex too large");
        return new IndexEntry(path, InfoHash.parse(infohash), fileIndex.intValue(), filePath, fileSize, narinfo, sig);
    }

    private static String text(JsonParser p, JsonToken v, String field, String previous) throws IOException {
        if (previous != null) throw new FormatException("index entry: field " + field + " appears twice");
        if (v != JsonToken.VALUE_STRING) throw new FormatException("index entry: field " + field + " must be a string");
        return p.getText();
    }

    private static Long number(JsonParser p, JsonToken v, String field, Long previous) throws IOException {
        if (previous != null) throw new FormatException("index entry: field " + field + " appears twice");
        if (v != JsonToken.VALUE_NUMBER_INT) throw new FormatException("index entry: field " + field + " must be an integer");
        return p.getLongValue();
    }

    private static void require(Object value, String field) {
        if (value == null) throw new FormatException("index entry: missing field " + field);
    }
}
