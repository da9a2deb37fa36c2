package bt.torrent.data;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import java.util.Optional;

/**
 * Answers a peer's block request on the calling thread. Bt 1.10's data worker hands every request
 * to its own thread only to build a lazy reader (the bytes are read when the piece message is
 * encoded, on the dispatcher's thread), so each block a seeder sends waited for two thread
 * hand-offs. In Bt's package because {@link BlockRead}'s factories are package-private; the checks
 * are the ones Bt's {@code DefaultDataWorker} makes before its hand-off.
 */
public final class ImmediateBlockReads {
    private final TorrentRegistry registry;
    private final BlockCache blocks;

    public ImmediateBlockReads(TorrentRegistry registry, BlockCache blocks) {
        this.registry = registry;
        this.blocks = blocks;
    }

    public BlockRead read(TorrentId torrentId, Peer peer, int pieceIndex, int offset, int length) {
        Optional<TorrentDescriptor> d = registry.getDescriptor(torrentId);
        if (d.isEmpty() || d.get().getDataDescriptor() == null) return BlockRead.rejected(peer, pieceIndex, offset, length);
        var data = d.get().getDataDescriptor();
        var chunks = data.getChunkDescriptors();
        // a request outside the torrent or its piece is refused like one for a piece we lack (Bt
        // threw, or failed later when encoding the answer)
        if (pieceIndex < 0 || pieceIndex >= chunks.size() || offset < 0 || length <= 0
                || (long) offset + length > chunks.get(pieceIndex).getData().length()) {
            return BlockRead.rejected(peer, pieceIndex, offset, length);
        }
        if (!data.getBitfield().isVerified(pieceIndex)) return BlockRead.rejected(peer, pieceIndex, offset, length);
        try {
            return BlockRead.ready(peer, pieceIndex, offset, length, blocks.get(torrentId, pieceIndex, offset, length));
        } catch (RuntimeException e) {
            return BlockRead.exceptional(peer, e, pieceIndex, offset, length);
        }
    }
}
