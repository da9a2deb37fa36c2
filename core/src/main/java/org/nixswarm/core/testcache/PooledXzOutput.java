package org.nixswarm.core.testcache;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The NAR as it streams out of the NarWriter, compressed to .xz: bytes announced as a pool block
 * ({@link #expect}) become that block's precompressed xz block, everything else (NAR framing,
 * small remainders) is gathered and compressed here, or stored when it is only a few bytes.
 */
final class PooledXzOutput extends OutputStream {
    /** Smaller runs of plain bytes (NAR framing between files) are stored, not compressed. */
    static final int STORE_BELOW = 4096;
    private final XzBlockWriter xz;
    private final byte[] pending = new byte[XzBlockWriter.DICT_SIZE];
    private int pendingLen;
    private XzBlockWriter.Precompressed expected;
    private int expectedLeft;

    PooledXzOutput(XzBlockWriter xz) {
        this.xz = xz;
    }

    /** The next {@code b.uncompressedSize()} bytes written are exactly that block's contents. */
    void expect(XzBlockWriter.Precompressed b) throws IOException {
        if (expected != null) throw new IllegalStateException("a pool block is still being written");
        flushPending();
        expected = b;
        expectedLeft = b.uncompressedSize();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (expected != null) {
            int n = Math.min(len, expectedLeft);
            expectedLeft -= n;
            off += n;
            len -= n;
            if (expectedLeft == 0) {
                xz.block(expected);
                expected = null;
            }
        }
        while (len > 0) {
            int n = Math.min(len, pending.length - pendingLen);
            System.arraycopy(b, off, pending, pendingLen, n);
            pendingLen += n;
            off += n;
            len -= n;
            if (pendingLen == pending.length) flushPending();
        }
    }

    private void flushPending() throws IOException {
        if (pendingLen == 0) return;
        if (pendingLen < STORE_BELOW) xz.block(XzBlockWriter.stored(pending, 0, pendingLen));
        else xz.compress(pending, 0, pendingLen);
        pendingLen = 0;
    }

    /** Ends the xz stream (index and footer). */
    void finish() throws IOException {
        if (expected != null) throw new IllegalStateException("a pool block was announced but not written");
        flushPending();
        xz.finish();
    }
}
