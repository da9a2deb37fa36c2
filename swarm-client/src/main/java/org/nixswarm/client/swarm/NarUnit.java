package org.nixswarm.client.swarm;

import bt.data.StorageUnit;
import bt.net.buffer.ByteBufferView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.nixswarm.client.cache.NarFile;

/**
 * A real file of a bundle as Bt sees it: backed by the shared cache's {@link NarFile} when this
 * client resolved it (it knows the FileHash), else, for seeding, by the complete file in
 * {@code nar/} if there is one. A file that is neither is absent: reads fail, writes are dropped.
 */
final class NarUnit implements StorageUnit {
    private static final int BLOCK = 16 * 1024;
    private static final ThreadLocal<byte[]> BLOCK_COPY = ThreadLocal.withInitial(() -> new byte[BLOCK]);
    private final BundleSession session;
    private final BundleLayout.Entry entry;
    private FileChannel readOnly;

    NarUnit(BundleSession session, BundleLayout.Entry entry) {
        this.session = session;
        this.entry = entry;
    }

    BundleSession session() { return session; }
    BundleLayout.Entry entry() { return entry; }

    @Override
    public int readBlock(ByteBuffer buffer, long offset) {
        // (--max-upload is charged when the Piece goes out, by the message dispatcher, which never sleeps for it)
        session.cache().noteUpload(entry.fileName()); // an upload in progress is not evicted under the peer
        try {
            NarFile f = session.narFile(entry);
            // evicted since the session started: an open channel would keep serving the unlinked
            // file (and keep its disk space). Bt has no "unhave": the peer's request just fails.
            boolean gone = (f == null || f.isComplete()) && !session.cache().hasComplete(entry.fileName());
            FileChannel ch = gone || f != null ? null : readOnly();
            if (gone || (f == null && ch == null)) {
                close();
                throw new IllegalStateException(entry.path() + " is not in the cache");
            }
            return f != null ? f.read(buffer, offset) : ch.read(buffer, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized FileChannel readOnly() throws IOException {
        if (readOnly == null) {
            Path p = session.cache().narDir().resolve(entry.fileName());
            if (!Files.exists(p)) return null;
            readOnly = FileChannel.open(p, StandardOpenOption.READ);
        }
        return readOnly;
    }

    @Override
    public int writeBlock(ByteBuffer buffer, long offset) {
        NarFile f = session.narFile(entry);
        int n = buffer.remaining();
        // (the download limit was taken when the block came off the network: ReceivedBlocks)
        if (f == null) {
            buffer.position(buffer.limit());
            return n;
        }
        if (org.nixswarm.client.net.Trace.on() && offset == 0) org.nixswarm.client.net.Trace.mark(f.name(), "first block written");
        try {
            return f.write(buffer, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int writeBlock(ByteBufferView buffer, long offset) {
        // (ByteBufferView.transferTo(ByteBuffer) copies the other way, into the view.) Blocks are
        // nearly always 16 KiB: one array per data thread instead of 16 KiB of garbage per block.
        int n = buffer.remaining();
        byte[] copy = n == BLOCK ? BLOCK_COPY.get() : new byte[n];
        buffer.get(copy);
        return writeBlock(ByteBuffer.wrap(copy), offset);
    }

    @Override
    public boolean createEmpty() {
        return true;
    }

    @Override
    public long capacity() {
        return entry.size();
    }

    @Override
    public long size() {
        NarFile f = session.narFile(entry);
        if (f != null) return f.isComplete() ? entry.size() : f.servableBytes();
        return session.cache().hasComplete(entry.fileName()) ? entry.size() : 0;
    }

    @Override
    public synchronized void close() throws IOException {
        // the NarFile belongs to the cache and outlives Bt's sessions; only our own channel closes
        if (readOnly != null) readOnly.close();
        readOnly = null;
    }
}
