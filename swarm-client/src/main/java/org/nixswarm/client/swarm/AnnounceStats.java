package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;

/** What an announce reports for a torrent: bytes sent to and got from peers, and bytes still missing. */
interface AnnounceStats {
    record Transfer(long uploaded, long downloaded, long left) {}

    Transfer of(TorrentId torrent);

    /** A tracker answered an announce for {@code torrent} with these peers. */
    default void answered(TorrentId torrent, java.util.List<bt.net.Peer> peers) {}

    /**
     * Whether this client wants pieces of {@code torrent} now. A client that only seeds is not
     * handed the tracker's peers: leechers connect to it, and when both sides dial each other Bt
     * 1.10 drops both connections as duplicates (and ties up its few connection workers).
     */
    default boolean wanting(TorrentId torrent) { return true; }
}
