package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.InetPeer;
import bt.protocol.Cancel;
import bt.protocol.Request;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.Mapper;
import bt.torrent.messaging.MessageContext;
import java.lang.reflect.Constructor;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * The mechanism, on Bt's own connection state (its constructors are package-private: reached by
 * reflection). End to end, bench/client/nix-closure.sh (real Nix, 48 paths in 7 bundles, files
 * prefetched) stalled in most runs without it (a bundle's pieces stopped for 30 s, until the web
 * seed) and in none of 6 with it; a smaller swarm-client reproduction did not trigger it.
 */
class StaleCancelsTest {
    @Test
    void aNewRequestForABlockClearsAnEarlierCancelOfItButNoOther() throws Exception {
        Constructor<ConnectionState> cs = ConnectionState.class.getDeclaredConstructor();
        cs.setAccessible(true);
        ConnectionState state = cs.newInstance();
        ConnectionKey key = new ConnectionKey(InetPeer.build(InetAddress.getLoopbackAddress(), 6881), 6881, TorrentId.fromBytes(new byte[20]));
        Constructor<MessageContext> mc = MessageContext.class.getDeclaredConstructor(ConnectionKey.class, ConnectionState.class);
        mc.setAccessible(true);
        MessageContext context = mc.newInstance(key, state);

        // the peer cancelled two blocks after they had already been sent (nothing used the cancels up)
        state.onCancel(new Cancel(3, 0, 16384));
        state.onCancel(new Cancel(4, 16384, 16384));
        assertEquals(2, state.getCancelledPeerRequests().size());

        // it asks for one of them again: Bt would drop that answer as cancelled
        new StaleCancels().consume(new Request(3, 0, 16384), context);
        assertTrue(!state.getCancelledPeerRequests().contains(Mapper.mapper().buildKey(3, 0, 16384)), "stale cancel kept");
        assertTrue(state.getCancelledPeerRequests().contains(Mapper.mapper().buildKey(4, 16384, 16384)), "an unrelated cancel was dropped");
    }
}
