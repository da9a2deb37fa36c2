package org.nixswarm.core.testcache;

import java.io.InputStream;

/**
 * File contents for generated store paths: deterministic for a seed, cheap to make, and about as
 * compressible by xz as real store paths (FileSize ≈ 0.24 × NarSize at the median on
 * cache.nixos.org). A fraction of fresh random bytes keeps xz from doing better; the rest are
 * copies of earlier bytes (as in binaries: repeated code, strings, tables), which it finds.
 */
final class ContentStream extends InputStream {
    /** Share of bytes that are fresh randomness; the rest repeat what came before. */
    static final double FRESH = 0.16;
    private static final int HISTORY = 64 * 1024;

    private final Rng random;
    private final byte[] history = new byte[HISTORY];
    private int historyFill;
    private long left;
    private final byte[] chunk = new byte[512];
    private int chunkPos;
    private int chunkLen;

    ContentStream(long seed, long size) {
        this.random = new Rng(seed);
        this.left = size;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (left == 0) return -1;
        int done = 0;
        while (done < len && left > 0) {
            if (chunkPos == chunkLen) nextChunk();
            int n = (int) Math.min(Math.min(len - done, chunkLen - chunkPos), left);
            System.arraycopy(chunk, chunkPos, b, off + done, n);
            chunkPos += n;
            done += n;
            left -= n;
        }
        return done;
    }

    private void nextChunk() {
        int len = 16 + random.nextInt(chunk.length - 16);
        if (historyFill < 256 || random.nextDouble() < FRESH) {
            for (int i = 0; i < len; i += 8) {
                long v = random.nextLong();
                for (int j = 0; j < 8 && i + j < len; j++) chunk[i + j] = (byte) (v >>> (8 * j));
            }
        } else {
            int from = random.nextInt(historyFill - len < 1 ? 1 : historyFill - Math.min(len, historyFill - 1));
            len = Math.min(len, historyFill - from);
            System.arraycopy(history, from, chunk, 0, len);
        }
        remember(chunk, len);
        chunkPos = 0;
        chunkLen = len;
    }

    private void remember(byte[] b, int len) {
        if (historyFill + len <= HISTORY) {
            System.arraycopy(b, 0, history, historyFill, len);
            historyFill += len;
        } else {
            // keep a sliding window: overwrite at a random place, so old and new material mix
            int at = random.nextInt(HISTORY - len);
            System.arraycopy(b, 0, history, at, len);
        }
    }
}
