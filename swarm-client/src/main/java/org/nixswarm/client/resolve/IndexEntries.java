package org.nixswarm.client.resolve;

import java.util.List;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.NarinfoView;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.sign.PublicKey;

/**
 * What the client requires of an index entry, wherever it came from (the index's HTTP API, the
 * DHT's index torrent, the cache's own sidecar): the planner's signature, and a narinfo that
 * agrees with the entry's own fields, since the narinfo is what Nix is served.
 */
public final class IndexEntries {
    private IndexEntries() {}

    /** True when one of {@code plannerKeys} signed the entry. */
    public static boolean signedBy(IndexEntry e, List<PublicKey> plannerKeys) {
        return plannerKeys.stream().anyMatch(e::verify);
    }

    /** The entry's narinfo, checked against the entry; a mismatch names the field. */
    public static NarinfoView narinfo(IndexEntry e) {
        NarinfoView v = NarinfoView.parse(e.narinfo(), "index entry " + e.storePath());
        if (!v.storePath().equals(e.storePath().toString())) {
            throw new ClientException("index entry " + e.storePath() + ": narinfo is for " + v.storePath());
        }
        if (!e.filePath().equals(v.url())) {
            throw new ClientException("index entry " + e.storePath() + ": filePath " + e.filePath() + " is not the narinfo URL " + v.url());
        }
        if (e.fileSize() != v.fileSize()) {
            throw new ClientException("index entry " + e.storePath() + ": fileSize " + e.fileSize() + " differs from FileSize " + v.fileSize());
        }
        return v;
    }
}
