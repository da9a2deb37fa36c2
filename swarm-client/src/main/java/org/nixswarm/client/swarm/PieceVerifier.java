package org.nixswarm.client.swarm;

import bt.data.ChunkDescriptor;
import bt.data.ChunkVerifier;
import bt.data.LocalBitfield;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bt's piece checks, routed to the bundle that owns the piece. Replaces Bt's default verifier for
 * two reasons: Bt 1.10 has no fast resume (it would re-hash every bundle at every start: we use
 * the cache's saved piece state and re-hash only the pieces it claims), and every verified piece
 * must reach the cache's accounting (per-file completion, streaming to Nix, bans).
 */
final class PieceVerifier implements ChunkVerifier {

    @Override
    public boolean verify(List<ChunkDescriptor> chunks, LocalBitfield bitfield) {
        BundleSession s = chunks.isEmpty() ? null : sessionOf(chunks.get(0));
        if (s == null) return false;
        // Bt has just built the pieces: their pad blocks need never be asked of a peer
        for (ChunkDescriptor c : chunks) PadBlocks.mark(c);
        return s.initialVerify(bitfield);
    }

    @Override
    public boolean verify(ChunkDescriptor chunk) {
        Located at = locate(chunk);
        return at != null && at.session.verifyDownloadedPiece(at.piece);
    }

    @Override
    public boolean verifyIfPresent(ChunkDescriptor chunk) {
        return verify(chunk);
    }

    private record Located(BundleSession session, int piece) {}

    /** The piece's bundle and index, from the first real file it touches. */
    private static Located locate(ChunkDescriptor chunk) {
        AtomicReference<Located> found = new AtomicReference<>();
        chunk.getData().visitUnits((unit, off, lim) -> {
            if (unit instanceof NarUnit n) {
                BundleLayout l = n.session().layout();
                found.set(new Located(n.session(), (int) ((n.entry().offset() + off) / l.pieceLength())));
                return false;
            }
            return true;
        });
        return found.get();
    }

    private static BundleSession sessionOf(ChunkDescriptor chunk) {
        Located l = locate(chunk);
        return l == null ? null : l.session;
    }
}
