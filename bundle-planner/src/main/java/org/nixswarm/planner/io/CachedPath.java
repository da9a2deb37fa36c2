package org.nixswarm.planner.io;

import org.nixswarm.core.narinfo.NarInfo;

/** A usable path of the cache: its narinfo (text kept byte for byte) and the NAR file it names. */
public record CachedPath(NarInfo info, String text, String url, long fileSize) {
    public String hashPart() {
        return info.storePath().hashPart();
    }

    /** The file's name inside the torrent's {@code nar/} directory. */
    public String fileName() {
        return url.substring("nar/".length());
    }
}
