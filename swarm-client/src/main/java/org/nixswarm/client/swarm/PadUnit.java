package org.nixswarm.client.swarm;

import bt.data.StorageUnit;
import bt.net.buffer.ByteBufferView;
import java.nio.ByteBuffer;

/** A BEP 47 pad file: never on disk, reads as zeros, writes are dropped (peers send zeros anyway). */
final class PadUnit implements StorageUnit {
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(64 * 1024).asReadOnlyBuffer();
    private final long size;

    PadUnit(long size) {
        this.size = size;
    }

    @Override
    public int readBlock(ByteBuffer buffer, long offset) {
        int n = (int) Math.min(buffer.remaining(), size - offset);
        if (n <= 0) return -1;
        // in bulk: seeders read pad blocks on Bt's message thread, and a byte loop showed in profiles
        for (int left = n; left > 0; ) {
            int k = Math.min(left, ZEROS.capacity());
            buffer.put(ZEROS.duplicate().limit(k));
            left -= k;
        }
        return n;
    }

    @Override
    public int writeBlock(ByteBuffer buffer, long offset) {
        int n = buffer.remaining();
        buffer.position(buffer.limit());
        return n;
    }

    @Override
    public int writeBlock(ByteBufferView buffer, long offset) {
        int n = buffer.remaining();
        buffer.position(buffer.limit());
        return n;
    }

    @Override
    public boolean createEmpty() {
        return true;
    }

    @Override
    public long capacity() {
        return size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void close() {}
}
