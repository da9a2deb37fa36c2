package org.nixswarm.client.swarm;

import bt.torrent.PieceStatistics;
import bt.torrent.selector.PieceSelector;
import java.util.BitSet;
import java.util.stream.IntStream;

/**
 * Asks peers only for pieces of files someone wants now, in file order (so Nix can start
 * unpacking). Bt 1.10's skip selection is fixed when a torrent starts and can never be undone, so a
 * file wanted later would need a restart of the bundle's session; this selector makes the wanted
 * set dynamic instead.
 */
final class WantedPieceSelector implements PieceSelector {
    private final BundleSession session;

    WantedPieceSelector(BundleSession session) {
        this.session = session;
    }

    @Override
    public IntStream getNextPieces(BitSet relevantChunks, PieceStatistics pieceStatistics) {
        BitSet wanted = session.wantedPieces();
        wanted.and(relevantChunks);
        return wanted.stream();
    }
}
