package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;

/** What an announce reports for a torrent: bytes sent to and got from peers, and bytes still missing. */
interface AnnounceStats {
    record Transfer(long uploaded, long downloaded, long left) {}

    Transfer of(TorrentId torrent);
}
