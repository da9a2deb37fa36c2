package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BanAgentTest {
    private static final TorrentId T = TorrentId.fromBytes(new byte[20]);
    private static final InetSocketAddress LIAR = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7001);
    private static final InetSocketAddress HONEST = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7002);

    private static void block(BanAgent bans, InetSocketAddress from, int piece) {
        bans.blockFrom(T, InetPeer.build(from.getAddress(), from.getPort()), piece);
    }

    @Test
    void theSoleSenderOfABadPieceIsBanned() {
        BanAgent bans = new BanAgent();
        block(bans, LIAR, 0);
        block(bans, LIAR, 0);
        bans.pieceFailed(T, 0);
        assertEquals(Set.of(LIAR), bans.banned(T));
    }

    @Test
    void aBadPieceFinishedByAnHonestPeerAfterTheBanBlamesOnlyTheBannedOne() {
        // the liar's blocks still in flight when it was banned land in a piece the honest peer finishes
        BanAgent bans = new BanAgent();
        block(bans, LIAR, 0);
        bans.pieceFailed(T, 0);
        block(bans, LIAR, 1);
        block(bans, HONEST, 1);
        bans.pieceFailed(T, 1);
        assertEquals(Set.of(LIAR), bans.banned(T));
        assertFalse(bans.isBanned(T, HONEST));
    }

    @Test
    void sharedBadPiecesBanOnlyAfterRepeatedStrikes() {
        BanAgent bans = new BanAgent();
        for (int piece = 0; piece < BanAgent.MIXED_STRIKES_TO_BAN - 1; piece++) {
            block(bans, LIAR, piece);
            block(bans, HONEST, piece);
            bans.pieceFailed(T, piece);
        }
        assertTrue(bans.banned(T).isEmpty(), "no ban on a shared failure alone");
        int last = BanAgent.MIXED_STRIKES_TO_BAN - 1;
        block(bans, LIAR, last);
        block(bans, HONEST, last);
        bans.pieceFailed(T, last);
        assertEquals(Set.of(LIAR, HONEST), bans.banned(T), "every repeat contributor to bad pieces is banned");
    }

    @Test
    void aVerifiedPieceForgetsItsSenders() {
        BanAgent bans = new BanAgent();
        block(bans, HONEST, 0);
        bans.pieceVerified(T, 0);
        bans.pieceFailed(T, 0);
        assertTrue(bans.banned(T).isEmpty());
    }
}
