package org.nixswarm.client.swarm;

import bt.data.ChunkDescriptor;
import bt.net.buffer.DelegatingByteBufferView;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Marks the blocks of a piece that lie wholly in BEP 47 pad files as received. Bt asks peers for
 * every block of a piece it does not hold, pads included: a 100 KB file ending in a 256 KiB piece
 * cost 16 requested blocks, 9 of them zeros. Bt skips a block whose bit is set, and it sets the
 * bits of a range written through the piece's data; a write to a pad is dropped
 * ({@link PadUnit}), so writing zeros there sets exactly the pad's whole blocks. The block that
 * holds a file's last bytes and the pad's first is still asked for. Done when Bt builds the
 * pieces and again after a piece is cleared (Bt clears all its bits): see {@link #markAgain}.
 */
final class PadBlocks {
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private PadBlocks() {}

    static void mark(ChunkDescriptor chunk) {
        List<long[]> pads = new ArrayList<>(1);
        long[] at = {0};
        chunk.getData().visitUnits((unit, off, lim) -> {
            if (unit instanceof PadUnit) pads.add(new long[] {at[0], at[0] + lim - off});
            at[0] += lim - off;
            return true;
        });
        long block = chunk.blockSize();
        // whole blocks only, in steps of whole blocks: a block split between two writes is never marked
        long step = ZEROS.capacity() / block * block;
        // a piece of pad alone (none in our bundles) would be complete with no block written, and Bt
        // checks a piece only after a write: left to be fetched
        if (pads.isEmpty() || step == 0 || pads.get(0)[0] == 0 && pads.get(0)[1] == chunk.length()) return;
        for (long[] pad : pads) {
            for (long from = (pad[0] + block - 1) / block * block; from < pad[1]; from += step) {
                int n = (int) Math.min(step, pad[1] - from);
                chunk.getData().getSubrange(from, n).putBytes(new DelegatingByteBufferView(ZEROS.duplicate().limit(n)));
            }
        }
    }

    /**
     * Marks a cleared piece's pads again. Bt checks a piece only after the write that completes
     * it: if the piece's other blocks came in while its pad bits were clear (a duplicate block
     * arriving between Bt's clear and this call), marking the pads would complete it with no write
     * to follow, and Bt would neither check it nor ask for it again. Such a piece is cleared once
     * more (its blocks are fetched again). A piece already verified keeps its bits either way.
     */
    static void markAgain(ChunkDescriptor chunk, bt.data.LocalBitfield bitfield, int piece) {
        mark(chunk);
        if (chunk.isComplete() && !bitfield.isVerified(piece)) {
            chunk.clear();
            mark(chunk);
        }
    }
}
