package org.nixswarm.dht;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.core.torrent.Torrent;

/**
 * Where a resolver gets the index torrent's metadata and a few of its files: from the torrent's
 * peers (BEP 9 metadata, then only the chosen files' pieces) in the full design. The resolver
 * checks what it gets (the metadata's infohash, the files' piece hashes), so a source need not
 * be trusted.
 */
public interface IndexTorrentSource {
    /** The metadata and the bytes of the files {@code choose} picked (paths inside the torrent). */
    record Fetched(Torrent torrent, Map<String, byte[]> files) {}

    /**
     * Fetches the metadata of {@code infohash} from {@code peers}, asks {@code choose} which files
     * (paths inside the torrent, as {@code TorrentFile.pathString()}) it needs, and fetches those.
     */
    Fetched fetch(InfoHash infohash, Set<InetSocketAddress> peers, Function<Torrent, List<String>> choose) throws Exception;
}
