package org.nixswarm.index.plan;

import java.util.Set;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.torrent.InfoHash;

/**
 * Checks one index.jsonl line: well-formed, signed by the planner, consistent with its own
 * narinfo (same store path, URL = file path, FileSize = file size) and naming a bundle of the
 * manifest. Returns the entry, or throws {@link FormatException} saying what is wrong.
 */
final class EntryVerifier {
    private final PublicKey plannerKey;
    private final Set<InfoHash> bundles;

    EntryVerifier(PublicKey plannerKey, Set<InfoHash> bundles) {
        this.plannerKey = plannerKey;
        this.bundles = bundles;
    }

    IndexEntry verify(String line) {
        IndexEntry e = IndexEntry.parse(line);
        if (!e.verify(plannerKey)) {
            throw new FormatException(e.storePath() + ": planner signature does not verify against " + plannerKey.name());
        }
        NarInfo n = NarInfo.parse(e.narinfo(), e.storePath().toString());
        if (!n.storePath().equals(e.storePath())) {
            throw new FormatException(e.storePath() + ": narinfo is for " + n.storePath());
        }
        if (!n.url().equals(e.filePath())) {
            throw new FormatException(e.storePath() + ": filePath " + e.filePath() + " differs from narinfo URL " + n.url());
        }
        if (n.fileSize().isPresent() && n.fileSize().getAsLong() != e.fileSize()) {
            throw new FormatException(e.storePath() + ": fileSize " + e.fileSize() + " differs from narinfo FileSize " + n.fileSize().getAsLong());
        }
        if (!bundles.contains(e.infohash())) {
            throw new FormatException(e.storePath() + ": bundle " + e.infohash().hex() + " is not in the manifest");
        }
        return e;
    }
}
