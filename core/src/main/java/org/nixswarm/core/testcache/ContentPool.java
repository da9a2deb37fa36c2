package org.nixswarm.core.testcache;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Blocks of generated file content, each compressed once (xz preset 6, Nix's default) and reused
 * across files and store paths. A file's contents are a sequence of these blocks, largest first,
 * then a few fresh bytes; its {@code .nar.xz} then costs no compression beyond the NAR framing.
 * Fixed seeds: the pool, and so every cache generated from it, is the same in every run.
 */
final class ContentPool {
    /** Block sizes, largest first; the smallest bounds what is left to compress per file. */
    static final int[] SIZES = {16384, 4096, 1024, 256, 64};
    static final int PER_SIZE = 8;
    private static final int PRESET = 6;

    private final XzBlockWriter.Precompressed[][] blocks = new XzBlockWriter.Precompressed[SIZES.length][PER_SIZE];
    private final byte[][][] data = new byte[SIZES.length][PER_SIZE][];

    private static final class Holder {
        static final ContentPool POOL = new ContentPool();
    }

    static ContentPool get() {
        return Holder.POOL;
    }

    private ContentPool() {
        try {
            for (int s = 0; s < SIZES.length; s++) {
                for (int i = 0; i < PER_SIZE; i++) {
                    byte[] b = new ContentStream(0x5eed_0000L + s * 1000L + i, SIZES[s]).readAllBytes();
                    data[s][i] = b;
                    blocks[s][i] = XzBlockWriter.precompress(b, 0, b.length, PRESET);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] data(int sizeClass, int index) {
        return data[sizeClass][index];
    }

    XzBlockWriter.Precompressed block(int sizeClass, int index) {
        return blocks[sizeClass][index];
    }
}
