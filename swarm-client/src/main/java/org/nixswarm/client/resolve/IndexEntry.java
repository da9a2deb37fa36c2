package org.nixswarm.client.resolve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.nixswarm.client.CoreFormats;

/** One line of the index (docs/formats.md, index.jsonl): where a store path lives in which bundle. */
public record IndexEntry(String storeHash, String storePath, String infohash, int fileIndex, String filePath,
                         long fileSize, String narinfo, String sig) {

    /** The bytes the planner signs (docs/formats.md). */
    public byte[] signedMessage() {
        String narinfoSha;
        try {
            narinfoSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(narinfo.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return ("nix-swarm-index-1;" + storePath + ";" + infohash + ";" + fileIndex + ";" + filePath + ";" + fileSize + ";" + narinfoSha)
                .getBytes(StandardCharsets.UTF_8);
    }

    public boolean signedBy(List<CoreFormats.NixKey> keys) {
        if (sig == null) return false;
        byte[] m = signedMessage();
        for (CoreFormats.NixKey k : keys) if (k.verify(m, sig)) return true;
        return false;
    }
}
