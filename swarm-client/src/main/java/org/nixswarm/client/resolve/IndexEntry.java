package org.nixswarm.client.resolve;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.nixswarm.client.CoreFormats;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.torrent.InfoHash;

/** One line of the index (docs/formats.md, index.jsonl): where a store path lives in which bundle. */
public record IndexEntry(String storeHash, String storePath, String infohash, int fileIndex, String filePath,
                         long fileSize, String narinfo, String sig) {

    /** The bytes the planner signs: core's {@link org.nixswarm.core.index.IndexEntry} defines them. */
    public byte[] signedMessage() {
        return new org.nixswarm.core.index.IndexEntry(StorePath.parse(storePath), InfoHash.parse(infohash), fileIndex,
                filePath, fileSize, narinfo, sig).signedMessage().getBytes(StandardCharsets.UTF_8);
    }

    public boolean signedBy(List<CoreFormats.NixKey> keys) {
        if (sig == null) return false;
        byte[] m;
        try {
            m = signedMessage();
        } catch (FormatException e) {
            return false; // an entry whose fields do not even parse is not signed by anyone
        }
        for (CoreFormats.NixKey k : keys) if (k.verify(m, sig)) return true;
        return false;
    }
}
