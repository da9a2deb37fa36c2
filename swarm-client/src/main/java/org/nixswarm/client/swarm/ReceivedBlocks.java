package org.nixswarm.client.swarm;

import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.net.buffer.DelegatingByteBufferView;
import bt.net.pipeline.IBufferedPieceRegistry;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a received block waits between Bt's decoder and its write to storage. Replaces Bt 1.10's
 * {@code BufferedPieceRegistry}, which is ONE map for the whole runtime keyed by (piece index,
 * offset) only: with many bundles and peers in one runtime, block 0 of piece 0 of bundle A and
 * block 0 of piece 0 of bundle B (or a connection that has since closed and whose receive buffer
 * went to another connection) share a key, the second block is not registered, and whichever
 * consumer asks first is handed the first block's bytes: a piece from an honest peer holds other
 * bytes of the stream, fails its hash, and the peer is banned. Offset 0 collides most, since
 * every piece has it.
 *
 * <p>Here the key includes the connection (its {@link Peer}, which Bt gives the same instance for
 * the decoder's pipeline, the connection and the {@code MessageContext}), and the bytes are copied
 * out of the connection's receive buffer when decoded, so the buffer is never held (Bt's own
 * scheme pins the buffer region until the write is done; here a region is pinned only while the
 * download budget is in debt, to end the read, and never read from again). Bt's piece consumer asks without saying
 * which connection: it gets a {@link Claim}, which {@link RecordingDataWorker} redeems with the
 * sender Bt passes alongside.
 */
final class ReceivedBlocks implements IBufferedPieceRegistry {
    private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int SWEEP_ABOVE = 512;
    private final Map<Key, Held> held = new ConcurrentHashMap<>();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final java.util.Queue<BufferedData> pinned = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final TokenBucket download;

    /**
     * {@code download} is the {@code --max-download} budget. It is charged here as blocks come off
     * the network (taken only at the write, it would not slow the network: blocks do not pin the
     * receive buffer, and a throttled client would queue the whole download in memory). Charged,
     * never waited for: this runs on the thread that reads every peer's socket, which must keep
     * reading the others; {@link SelectingReceiver} stops reading only the connections that deliver
     * blocks while the budget is in debt.
     */
    ReceivedBlocks(TokenBucket download) {
        this.download = download;
    }

    /** The registry one connection's decoder uses: it knows which connection the bytes came from. */
    IBufferedPieceRegistry from(Peer peer) {
        return new IBufferedPieceRegistry() {
            @Override
            public boolean addBufferedPiece(int pieceIndex, int offset, BufferedData buffer) {
                // the bytes are copied: the receive buffer region is free at once, unless pinned
                return store(peer, pieceIndex, offset, buffer);
            }

            @Override
            public BufferedData getBufferedPiece(int pieceIndex, int offset) {
                return take(peer, pieceIndex, offset);
            }
        };
    }

    /** Only reached if a pipeline was built without {@link #from}: kept apart from every connection's blocks. */
    @Override
    public boolean addBufferedPiece(int pieceIndex, int offset, BufferedData buffer) {
        return store(null, pieceIndex, offset, buffer);
    }

    @Override
    public BufferedData getBufferedPiece(int pieceIndex, int offset) {
        return new Claim(pieceIndex, offset);
    }

    /** The block {@code peer}'s connection delivered at (piece, offset), or null (already taken, or never received). */
    BufferedData take(Peer peer, int pieceIndex, int offset) {
        Held h = held.remove(new Key(peer, pieceIndex, offset));
        if (h == null) {
            misses.incrementAndGet();
            return null;
        }
        return new BufferedData(new DelegatingByteBufferView(ByteBuffer.wrap(h.bytes)));
    }

    /** Claims that found no block (for tests and diagnostics). */
    long misses() { return misses.get(); }

    int waiting() { return held.size(); }

    /** Block bytes received so far: a read that moved it delivered blocks (see {@link SelectingReceiver}). */
    long storedBytes() { return stored.get(); }

    /**
     * Frees the receive buffer regions {@link #store} pinned: the connections may be read again
     * (at most one receive buffer each until the budget is in debt again).
     */
    void unpin() {
        for (BufferedData b; (b = pinned.poll()) != null; ) b.dispose();
    }

    /** True when the block's region of the receive buffer stays pinned (see {@link #unpin}). */
    private boolean store(Peer peer, int pieceIndex, int offset, BufferedData buffer) {
        download.charge(buffer.length());
        stored.addAndGet(buffer.length());
        // In debt, the region is kept from reuse: Bt's read of a socket goes on for as long as its
        // buffer has room, and every block copied out makes room, so it would drain the socket
        // whatever the budget. A pinned buffer fills up and ends the read.
        boolean pin = download.nanosUntilAvailable() > 0;
        if (pin) pinned.add(buffer);
        byte[] bytes = new byte[buffer.length()];
        buffer.buffer().duplicate().get(bytes);
        long now = System.nanoTime();
        // a newer block from the same connection replaces an older one (same bytes: it was re-requested)
        held.put(new Key(peer, pieceIndex, offset), new Held(bytes, now));
        if (held.size() > SWEEP_ABOVE) {
            // blocks Bt discarded (unexpected, or their piece was done) are never claimed
            held.values().removeIf(x -> now - x.since > STALE_NANOS);
        }
        return pin;
    }

    /** What Bt's piece consumer holds until the data worker learns the sender. */
    static final class Claim extends BufferedData {
        final int pieceIndex;
        final int offset;

        private Claim(int pieceIndex, int offset) {
            super(new DelegatingByteBufferView(ByteBuffer.allocate(0)));
            this.pieceIndex = pieceIndex;
            this.offset = offset;
        }
    }

    private record Held(byte[] bytes, long since) {}

    /** Connection identity, not Peer equality: two connections to one address (two bundles) are two keys. */
    private static final class Key {
        private final Peer peer;
        private final int pieceIndex;
        private final int offset;

        Key(Peer peer, int pieceIndex, int offset) {
            this.peer = peer;
            this.pieceIndex = pieceIndex;
            this.offset = offset;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.peer == peer && k.pieceIndex == pieceIndex && k.offset == offset;
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(peer) * 31 + pieceIndex) * 31 + offset;
        }
    }
}
