package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.net.buffer.DelegatingByteBufferView;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;
import bt.torrent.data.ImmediateBlockReads;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Bt's data worker with one addition: it tells the {@link BanAgent} who sent each block before
 * the block is written, so that a piece failing its hash is always traced to its senders (a
 * messaging agent may see the message only after the piece was checked). It is also where a
 * {@link ReceivedBlocks.Claim} from Bt's piece consumer is exchanged for the block that this
 * sender's connection delivered (Bt passes the sender here, not to the registry).
 */
final class RecordingDataWorker implements DataWorker {
    private final DataWorker delegate;
    private final BanAgent bans;
    private final ReceivedBlocks blocks;
    private final Wakeup dispatcher;
    private final ImmediateBlockReads reads;
    private final bt.torrent.TorrentRegistry registry;

    RecordingDataWorker(DataWorker delegate, ImmediateBlockReads reads, BanAgent bans, ReceivedBlocks blocks, Wakeup dispatcher,
            bt.torrent.TorrentRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
        this.reads = reads;
        this.bans = bans;
        this.blocks = blocks;
        this.dispatcher = dispatcher;
    }

    // A block read for a peer is answered at once (see ImmediateBlockReads): the piece message goes
    // out in the dispatcher's same pass. A block written may complete a piece, which frees the
    // connection for the next request: the dispatcher is woken for it.
    @Override
    public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int pieceIndex, int offset, int length) {
        return CompletableFuture.completedFuture(reads.read(torrentId, peer, pieceIndex, offset, length));
    }

    @Override
    public CompletableFuture<BlockWrite> addBlock(TorrentId torrentId, Peer peer, int pieceIndex, int offset, BufferedData buffer) {
        BufferedData data = buffer instanceof ReceivedBlocks.Claim ? blocks.take(peer, pieceIndex, offset) : buffer;
        if (data == null) {
            // already written (a duplicate delivery): Bt's own registry answers null here too, and
            // Bt then writes nothing; an empty write is the nearest a data worker can do
            data = new BufferedData(new DelegatingByteBufferView(ByteBuffer.allocate(0)));
        } else {
            bans.blockFrom(torrentId, peer, pieceIndex);
        }
        // The stage returned is the one Bt registers its own callbacks on, so they are attached to
        // the piece check after ours, and run before ours (dependents run last-registered first):
        // the dispatcher is woken after Bt has recorded the verified piece, not before.
        return delegate.addBlock(torrentId, peer, pieceIndex, offset, data).whenComplete((r, e) -> {
            dispatcher.signal();
            // the block that completes a piece: its check runs after the write, and a verified piece
            // is a Have to send and a slot for the next request
            if (r != null) r.getVerificationFuture().ifPresent(v -> v.whenComplete((ok, err) -> {
                // a piece that failed its check was cleared, its pad blocks with it
                if (Boolean.FALSE.equals(ok)) padsAgain(torrentId, pieceIndex);
                dispatcher.signal();
            }));
        });
    }

    private void padsAgain(TorrentId torrentId, int pieceIndex) {
        registry.getDescriptor(torrentId).map(d -> d.getDataDescriptor()).filter(java.util.Objects::nonNull)
                .ifPresent(d -> PadBlocks.markAgain(d.getChunkDescriptors().get(pieceIndex), d.getBitfield(), pieceIndex));
    }
}
