package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;
import java.util.concurrent.CompletableFuture;

/**
 * Bt's data worker with one addition: it tells the {@link BanAgent} who sent each block before
 * the block is written, so that a piece failing its hash is always traced to its senders (a
 * messaging agent may see the message only after the piece was checked).
 */
final class RecordingDataWorker implements DataWorker {
    private final DataWorker delegate;
    private final BanAgent bans;

    RecordingDataWorker(DataWorker delegate, BanAgent bans) {
        this.delegate = delegate;
        this.bans = bans;
    }

    @Override
    public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int pieceIndex, int offset, int length) {
        return delegate.addBlockRequest(torrentId, peer, pieceIndex, offset, length);
    }

    @Override
    public CompletableFuture<BlockWrite> addBlock(TorrentId torrentId, Peer peer, int pieceIndex, int offset, BufferedData buffer) {
        bans.blockFrom(torrentId, peer, pieceIndex);
        return delegate.addBlock(torrentId, peer, pieceIndex, offset, buffer);
    }
}
