package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import bt.net.InetPeer;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.net.pipeline.BufferedPieceRegistry;
import bt.net.pipeline.IBufferedPieceRegistry;
import bt.net.pipeline.InboundMessageProcessor;
import bt.protocol.Message;
import bt.protocol.Piece;
import bt.protocol.StandardBittorrentProtocol;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two connections (two bundles, or the same address twice) deliver block (piece 0, offset 0) at
 * the same time, decoded by Bt's own inbound pipeline. Bt's registry hands the second consumer
 * the first connection's bytes; ours hands each its own.
 */
class ReceivedBlocksTest {
    private static final int BLOCK = 16 * 1024;
    private final StandardBittorrentProtocol protocol = new StandardBittorrentProtocol(Map.of());

    /** Bt's decoder for one connection (its message deserializer is package-private). */
    private InboundMessageProcessor decoder(Peer peer, ByteBuffer in, IBufferedPieceRegistry registry) throws Exception {
        java.lang.reflect.Constructor<?> d = Class.forName("bt.net.pipeline.MessageDeserializer")
                .getDeclaredConstructor(Peer.class, bt.protocol.handler.MessageHandler.class);
        d.setAccessible(true);
        Object deserializer = d.newInstance(peer, protocol);
        return (InboundMessageProcessor) InboundMessageProcessor.class.getConstructors()[0]
                .newInstance(peer, in, deserializer, List.of(), registry);
    }

    /** A connection's decoder with {@code bytes} arrived as a piece message for (0, 0). */
    private Message deliver(Peer peer, IBufferedPieceRegistry registry, byte[] bytes) throws Exception {
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        InboundMessageProcessor p = decoder(peer, in, registry);
        in.putInt(9 + bytes.length).put((byte) 7).putInt(0).putInt(0).put(bytes);
        p.processInboundData();
        Message m = p.pollMessage();
        assertInstanceOf(Piece.class, m);
        // the connection goes on receiving into the same buffer: anything still pointing there sees new bytes
        return m;
    }

    private static byte[] fill(int v) {
        byte[] b = new byte[BLOCK];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private static byte[] bytes(BufferedData d) {
        byte[] b = new byte[d.length()];
        d.buffer().duplicate().get(b);
        return b;
    }

    private static Peer peer() throws Exception {
        return InetPeer.build(InetAddress.getLoopbackAddress(), 6881);
    }

    @Test
    void btsOwnRegistryGivesTheSecondConnectionTheFirstConnectionsBytes() throws Exception {
        BufferedPieceRegistry bt = new BufferedPieceRegistry();
        deliver(peer(), bt, fill(0xAA));
        deliver(peer(), bt, fill(0xBB));
        // the consumer of the second connection (say, bundle B) asks first and gets bundle A's block
        assertArrayEquals(fill(0xAA), bytes(bt.getBufferedPiece(0, 0)), "Bt 1.10 behaviour changed: the workaround may be obsolete");
        assertNull(bt.getBufferedPiece(0, 0), "and the first connection's consumer gets nothing");
    }

    @Test
    void eachConnectionGetsItsOwnBlock() throws Exception {
        ReceivedBlocks ours = new ReceivedBlocks(new TokenBucket(0));
        Peer a = peer(), b = peer(); // equal address and port: only the connection tells them apart
        deliver(a, ours.from(a), fill(0xAA));
        deliver(b, ours.from(b), fill(0xBB));
        BufferedData claim = ours.getBufferedPiece(0, 0);
        assertInstanceOf(ReceivedBlocks.Claim.class, claim);
        assertArrayEquals(fill(0xBB), bytes(ours.take(b, 0, 0)));
        assertArrayEquals(fill(0xAA), bytes(ours.take(a, 0, 0)));
        assertNull(ours.take(a, 0, 0), "a block is written once");
        assertEquals(0, ours.waiting());
    }

    @Test
    void theReceiveBufferIsNotHeldSoLaterBytesCannotLeakIn() throws Exception {
        ReceivedBlocks ours = new ReceivedBlocks(new TokenBucket(0));
        Peer a = peer();
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        InboundMessageProcessor p = decoder(a, in, ours.from(a));
        in.putInt(9 + BLOCK).put((byte) 7).putInt(0).putInt(0).put(fill(0xAA));
        p.processInboundData();
        // the buffer is free again at once (nothing pinned), and is overwritten by the next message
        assertEquals(0, in.position());
        in.putInt(9 + BLOCK).put((byte) 7).putInt(1).putInt(0).put(fill(0xCC));
        p.processInboundData();
        assertArrayEquals(fill(0xAA), bytes(ours.take(a, 0, 0)));
        assertArrayEquals(fill(0xCC), bytes(ours.take(a, 1, 0)));
        assertFalse(ours.from(a).addBufferedPiece(2, 0, new BufferedData(new bt.net.buffer.DelegatingByteBufferView(ByteBuffer.wrap(fill(1))))),
                "Bt must not track (and pin) a copied block");
    }
}
