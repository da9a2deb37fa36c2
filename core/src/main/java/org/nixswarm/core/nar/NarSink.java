package org.nixswarm.core.nar;

import java.io.IOException;
import java.io.InputStream;

/**
 * The events of a NAR, in stream order. {@link NarReader} produces them, {@link NarWriter} turns
 * them back into bytes, {@link NarUnpacker} into files. A directory's entries arrive as
 * {@code entry(name)}, then exactly one node (regular, symlink or a nested directory), then
 * {@code endEntry()}; names arrive in strictly ascending byte order.
 */
public interface NarSink {
    void regular(boolean executable, long size, InputStream contents) throws IOException;

    void symlink(byte[] target) throws IOException;

    void startDirectory() throws IOException;

    void entry(byte[] name) throws IOException;

    void endEntry() throws IOException;

    void endDirectory() throws IOException;

    /** A sink that ignores everything: reading into it only validates the NAR. */
    NarSink DISCARD = new NarSink() {
        @Override
        public void regular(boolean executable, long size, InputStream contents) {}

        @Override
        public void symlink(byte[] target) {}

        @Override
        public void startDirectory() {}

        @Override
        public void entry(byte[] name) {}

        @Override
        public void endEntry() {}

        @Override
        public void endDirectory() {}
    };
}
