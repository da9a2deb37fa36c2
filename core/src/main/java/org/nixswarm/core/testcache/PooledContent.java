package org.nixswarm.core.testcache;

import java.io.IOException;
import java.io.InputStream;

/**
 * One generated file's contents: pool blocks chosen by the seed, largest first, then fewer than
 * 64 fresh bytes. Each read returns at most one pool block and announces it to the xz output, so
 * that the NarWriter's next write of those bytes maps to the precompressed block.
 */
final class PooledContent extends InputStream {
    private final ContentPool pool;
    private final PooledXzOutput xz;
    private final Rng random;
    private long left;
    private byte[] current = new byte[0];
    private int pos;

    PooledContent(ContentPool pool, PooledXzOutput xz, long seed, long size) {
        this.pool = pool;
        this.xz = xz;
        this.random = new Rng(seed);
        this.left = size;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (pos == current.length) {
            if (left == 0) return -1;
            next(len);
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    private void next(int room) throws IOException {
        pos = 0;
        for (int s = 0; s < ContentPool.SIZES.length; s++) {
            int size = ContentPool.SIZES[s];
            if (left >= size) {
                int i = random.nextInt(ContentPool.PER_SIZE);
                current = pool.data(s, i);
                left -= size;
                // announced only if the reader takes it in one piece; else it is compressed as plain bytes
                if (room >= size) xz.expect(pool.block(s, i));
                return;
            }
        }
        current = new byte[(int) left];
        random.nextBytes(current);
        left = 0;
    }
}
