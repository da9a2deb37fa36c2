package org.nixswarm.client.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nixswarm.client.ClientException;

/**
 * One {@code nar/} file of the cache, complete or being downloaded. While incomplete it lives in
 * {@code partial/<name>.part} with its verified pieces listed in {@code partial/<name>.pieces};
 * once every piece is there and the FileHash matches it is renamed atomically into {@code nar/}.
 * One channel serves the whole life of the file: the rename keeps the inode, so readers and Bt's
 * storage unit never see the switch. Only verified bytes are ever readable by servers.
 */
public final class NarFile implements AutoCloseable {
    private final NarCache cache;
    private final String name;
    private final long size;
    private final String fileHash;
    private final Path partPath;
    private final Path statePath;
    private final Path finalPath;
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Path> completion = new CompletableFuture<>();

    // piece granularity of the verification state; 0 until a torrent layout (or stream mode) sets it
    private long pieceLength;
    private int pieceCount;
    private BitSet done = new BitSet();
    private volatile long servable;
    // volatile: read without the monitor (see channel())
    private volatile FileChannel channel;
    private FileChannel stateOut;
    private boolean finishing;
    private volatile boolean closed;
    private boolean discarding; // fail() has begun; guarded by this
    private volatile long bytesFromPeers;
    private volatile long bytesFromWebSeed;
    private volatile long bytesFromUpstream;
    private volatile boolean hashVerified;
    private final AtomicBoolean downloadClaimed = new AtomicBoolean();

    /** Where this file stands in the cache's LRU reservations; guarded by the cache's lock. */
    enum Accounting { NONE, RESERVED, RELEASED }
    Accounting accounting = Accounting.NONE;
    // The FileHash is computed as the servable prefix grows, so finishing hashes only what is left
    // (was: the whole file re-read after its last piece, 0.15 s per 50 MB, with Nix waiting).
    private final Object hashLock = new Object();
    private volatile int hashGeneration; // bumped whenever the servable prefix is reset
    private MessageDigest running;       // guarded by hashLock
    private long hashedTo;               // guarded by hashLock
    private int hashedGeneration = -1;   // guarded by hashLock

    NarFile(NarCache cache, String name, long size, String fileHash) {
        this.cache = cache;
        this.name = name;
        this.size = size;
        this.fileHash = fileHash;
        this.partPath = cache.partialDir().resolve(name + ".part");
        this.statePath = cache.partialDir().resolve(name + ".pieces");
        this.finalPath = cache.narDir().resolve(name);
    }

    /** Opens an existing complete file (already in {@code nar/}). */
    void openComplete() throws IOException {
        channel = FileChannel.open(finalPath, StandardOpenOption.READ);
        servable = size;
        completion.complete(finalPath);
    }

    public String name() { return name; }
    public long size() { return size; }
    public String fileHash() { return fileHash; }
    public boolean isComplete() { return completion.isDone() && !completion.isCompletedExceptionally(); }
    /** Every byte is on disk and matches the FileHash (the file may not be renamed into nar/ yet). */
    public boolean fileHashVerified() { return hashVerified || isComplete(); }
    public CompletableFuture<Path> completion() { return completion; }

    /**
     * Claims the one download of this object: true for the first caller only, who must then
     * download it (or {@link #fail} it). A file the cache dropped is never downloaded again: a new
     * request gets a new object from {@link NarCache#file}, with its own claim.
     */
    public boolean claimDownload() { return downloadClaimed.compareAndSet(false, true); }

    /** Claimed by a downloader and not finished yet. */
    public boolean isDownloading() { return downloadClaimed.get() && !completion.isDone(); }

    /** Neither failed nor closed (evicted, shut down): the cache hands out only live files. */
    boolean live() { return !closed && !completion.isCompletedExceptionally(); }

    public Path finalPath() { return finalPath; }
    public long bytesFromPeers() { return bytesFromPeers; }
    public long bytesFromWebSeed() { return bytesFromWebSeed; }
    public long bytesFromUpstream() { return bytesFromUpstream; }

    /** Bytes from offset 0 that are verified and can be served. */
    public long servableBytes() { return servable; }

    public void addListener(Runnable r) { listeners.add(r); }
    public void removeListener(Runnable r) { listeners.remove(r); }

    /**
     * Sets the piece granularity and loads the saved state. {@code pieceLength == 0} is stream mode
     * (upstream downloads with no piece hashes: bytes become servable as they are appended, and only
     * the FileHash at the end vouches for them). Returns the pieces the saved state claims, which the
     * caller re-hashes before trusting them (restart verifies). The first call starts the
     * download as far as the cache's bound is concerned: the file's size is reserved in it.
     */
    public BitSet prepare(long pieceLength) throws IOException {
        if (!isComplete()) cache.started(this); // outside our lock: the cache locks files while it holds its own
        return prepareState(pieceLength);
    }

    private synchronized BitSet prepareState(long pieceLength) throws IOException {
        if (isComplete()) return new BitSet();
        // a failed or closed file never makes its partial again: the paths may be a new download's
        if (closed || discarding) throw new IOException(name + ": file was discarded");
        if (channel == null) channel = openPart();
        if (this.pieceLength == pieceLength && stateOut != null) return (BitSet) done.clone();
        this.pieceLength = pieceLength;
        this.pieceCount = pieceLength == 0 ? 0 : (int) ((size + pieceLength - 1) / pieceLength);
        BitSet claimed = new BitSet();
        if (pieceLength > 0 && Files.exists(statePath)) {
            byte[] raw = Files.readAllBytes(statePath);
            ByteBuffer b = ByteBuffer.wrap(raw);
            if (raw.length >= 8 && b.getLong() == pieceLength) {
                while (b.remaining() >= 4) {
                    int p = b.getInt();
                    if (p >= 0 && p < pieceCount) claimed.set(p);
                }
            }
        }
        done = new BitSet();
        servable = 0;
        hashGeneration++;
        if (stateOut != null) stateOut.close();
        stateOut = null;
        if (pieceLength > 0 && size > RESUME_ABOVE) {
            // the old state was read above: truncated and rewritten rather than deleted and created
            if (!Files.exists(statePath)) cache.spares().create(statePath);
            stateOut = FileChannel.open(statePath, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            stateOut.write(ByteBuffer.allocate(8).putLong(0, pieceLength));
        } else {
            Files.deleteIfExists(statePath);
        }
        return claimed;
    }

    /**
     * Files up to this size keep no piece state (the {@code .pieces} file): after a crash they are
     * fetched again whole. Creating, closing and unlinking that file are metadata writes that wait
     * for the disk's journal (milliseconds while Nix commits its store) on every small download.
     */
    static final long RESUME_ABOVE = 1 << 20;

    /** Evicted, failed or shut down: this object will never be read or completed again. */
    public boolean isClosed() { return closed; }

    public synchronized long pieceLength() { return pieceLength; }
    public synchronized int pieceCount() { return pieceCount; }
    public synchronized boolean hasPiece(int rel) { return isComplete() || done.get(rel); }
    public synchronized BitSet donePieces() { return (BitSet) done.clone(); }

    public long pieceSize(int rel) {
        return Math.min(pieceLength, size - rel * pieceLength);
    }

    /** Reads verified bytes only; returns -1 past the servable prefix... or the count read. */
    public int read(ByteBuffer dst, long position) throws IOException {
        FileChannel ch = channel();
        return ch.read(dst, position);
    }

    /**
     * Writes file bytes at {@code position}, unless they fall in a piece that is already verified:
     * a late or malicious write must never change verified data.
     */
    public int write(ByteBuffer src, long position) throws IOException {
        int n = src.remaining();
        if (n == 0) return 0;
        // under the lock, so that no write can slip between a piece's check and its marking
        synchronized (this) {
            // pieceLength 0: not prepared for pieces, or stream mode, where only append() may write
            // (bytes below servable are already in the running FileHash)
            if (isComplete() || finishing || pieceLength == 0) {
                src.position(src.limit());
                return n;
            }
            if (pieceLength > 0) {
                int first = (int) (position / pieceLength), last = (int) ((position + n - 1) / pieceLength);
                for (int p = first; p <= last && p < pieceCount; p++) {
                    if (done.get(p)) {
                        src.position(src.limit());
                        return n;
                    }
                }
            }
            FileChannel ch = channel();
            int written = 0;
            while (src.hasRemaining()) written += ch.write(src, position + written);
            return written;
        }
    }

    /** Writes a piece whose bytes the caller has verified, and marks it, in one step. */
    public void writeVerifiedPiece(int rel, byte[] bytes, Source source) throws IOException {
        synchronized (this) {
            if (isComplete() || finishing || rel < 0 || rel >= pieceCount || done.get(rel)) return;
            FileChannel ch = channel();
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long pos = rel * pieceLength;
            while (b.hasRemaining()) pos += ch.write(b, pos);
            markVerified(rel, source);
        }
    }

    /** SHA-1 of piece {@code rel}'s file bytes followed by {@code padTo - bytes} zeros. */
    public byte[] hashPiece(int rel, long padTo) throws IOException {
        MessageDigest sha1 = digest("SHA-1");
        long start = rel * pieceLength, len = pieceSize(rel);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(len, 1 << 20));
        long pos = 0;
        FileChannel ch = channel();
        while (pos < len) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), len - pos));
            int r = ch.read(buf, start + pos);
            if (r < 0) return new byte[20]; // short file: cannot match
            buf.flip();
            sha1.update(buf);
            pos += r;
        }
        for (long z = len; z < padTo; z += 4096) sha1.update(new byte[(int) Math.min(4096, padTo - z)]);
        return sha1.digest();
    }

    public enum Source { PEER, WEB_SEED, UPSTREAM, LOCAL }

    /** Records that piece {@code rel} is on disk and verified; finishes the file when it is the last. */
    public void markVerified(int rel, Source source) {
        boolean finish;
        synchronized (this) {
            if (isComplete() || rel < 0 || rel >= pieceCount || done.get(rel)) return;
            done.set(rel);
            long n = pieceSize(rel);
            switch (source) {
                case PEER -> bytesFromPeers += n;
                case WEB_SEED -> bytesFromWebSeed += n;
                case UPSTREAM -> bytesFromUpstream += n;
                case LOCAL -> { }
            }
            try {
                if (stateOut != null) stateOut.write(ByteBuffer.allocate(4).putInt(0, rel));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int prefix = done.nextClearBit(0);
            servable = Math.min(size, prefix * pieceLength);
            finish = done.cardinality() == pieceCount && !finishing;
            if (finish) finishing = true;
        }
        notifyListeners();
        if (finish) finish();
        else hashAhead();
    }

    /** Stream mode: appends bytes at the end of what is there and makes them servable. */
    public void append(ByteBuffer src) throws IOException {
        FileChannel ch = channel();
        long pos = servable;
        int n = 0;
        while (src.hasRemaining()) n += ch.write(src, pos + n);
        if (pos + n > size) throw new ClientException(name + ": more bytes than FileSize " + size);
        bytesFromUpstream += n;
        servable = pos + n;
        notifyListeners();
        hashAhead();
    }

    /**
     * Feeds the servable prefix not yet hashed into the running FileHash, read back from the file
     * (the bytes that will be served, as the old whole-file check read them). Returns the
     * generation hashed, so that {@link #finish} can tell a digest of a reset prefix from a valid one.
     */
    private int hashAhead() {
        FileChannel ch;
        try {
            ch = channel();
        } catch (IOException e) {
            return -1; // discarded: nothing to hash
        }
        synchronized (hashLock) {
            int gen = hashGeneration;
            if (gen != hashedGeneration || running == null) {
                running = digest("SHA-256");
                hashedTo = 0;
                hashedGeneration = gen;
            }
            long target = servable;
            if (hashedTo >= target) return gen;
            ByteBuffer buf = HASH_BUFFER.get();
            try {
                while (hashedTo < target) {
                    buf.clear();
                    buf.limit((int) Math.min(buf.capacity(), target - hashedTo));
                    int r = ch.read(buf, hashedTo);
                    if (r <= 0) break;
                    buf.flip();
                    running.update(buf);
                    hashedTo += r;
                }
            } catch (IOException e) {
                // the file went away under us (evicted, discarded): start over if it comes back
                running = null;
                return -1;
            }
            return gen;
        }
    }

    private static final ThreadLocal<ByteBuffer> HASH_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1 << 16));

    /** Stream mode: all bytes appended; checks size and FileHash. */
    public void finishStream() {
        synchronized (this) {
            if (finishing || isComplete()) return;
            finishing = true;
        }
        if (servable != size) {
            fail(new ClientException(name + ": got " + servable + " bytes, FileSize is " + size));
            return;
        }
        finish();
    }

    private void finish() {
        try {
            FileChannel ch = channel();
            int gen = hashAhead();
            byte[] digest;
            long pos;
            synchronized (hashLock) {
                pos = hashedTo;
                digest = gen >= 0 && gen == hashGeneration && running != null && pos == size ? running.digest() : null;
                running = null;
            }
            if (pos != size || ch.size() < size) {
                fail(new ClientException(name + ": file is " + Math.min(pos, ch.size()) + " bytes, FileSize is " + size));
                return;
            }
            if (digest == null) {
                fail(new ClientException(name + ": the file changed while it was being checked; discarded"));
                return;
            }
            if (ch.size() > size) ch.truncate(size);
            if (!fileHashMatches(fileHash, digest)) {
                fail(new ClientException(name + ": FileHash mismatch (expected " + fileHash + ", got sha256:"
                        + org.nixswarm.core.store.NixBase32.encode(digest) + "); file discarded"));
                return;
            }
            // The FileHash matched: every byte may go out now, before the rename. No fsync: it cost
            // 0.1-1 s per file on Bt's single data thread (stalling every other transfer), and it is
            // not needed for safety: after a crash every file in nar/ is checked against its FileHash
            // (or the torrent's piece hashes) before it is served or seeded, and a torn one is discarded.
            hashVerified = true;
            notifyListeners();
            try {
                Files.move(partPath, finalPath, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partPath, finalPath, StandardCopyOption.REPLACE_EXISTING);
            }
            FileChannel state;
            synchronized (this) {
                state = stateOut;
                stateOut = null;
                servable = size;
            }
            // outside the monitor: closing and unlinking can wait for the disk (see channel())
            if (state != null) state.close();
            if (size > RESUME_ABOVE) Files.deleteIfExists(statePath); // small files never have one
            cache.completed(this);
            var hook = cache.afterCompleted;
            if (hook != null) hook.accept(this);
            completion.complete(finalPath);
        } catch (IOException e) {
            fail(new ClientException(name + ": cannot finish the download: " + e.getMessage(), e));
        }
        notifyListeners();
    }

    /**
     * Discards everything downloaded: nothing of a failed file is ever served. The partial files
     * are deleted while the cache still hands out this object for the name, and only then is the
     * name given up: a new download of the same name uses the same {@code partial/} paths, so a
     * deletion after that could unlink the new download's files.
     */
    public void fail(Throwable why) {
        if (isComplete()) return; // verified and in nar/: nothing left to fail
        boolean deletePartials;
        synchronized (this) {
            if (discarding) return; // failing already, on another thread: that failure stands
            discarding = true; // channel() refuses from now on: nothing of ours recreates the files
            // closed by the cache (shut down): the name may be another object's by now, so the
            // paths are not ours to delete (the next start re-verifies whatever is left)
            deletePartials = !closed;
            servable = 0;
            hashVerified = false;
            done = new BitSet();
            try {
                if (stateOut != null) stateOut.close();
                if (channel != null) channel.close();
            } catch (IOException ignored) {
                // closing what is about to be deleted
            }
            stateOut = null;
            channel = null;
        }
        if (deletePartials) {
            // outside our lock, unlinks can be slow; still live, so the cache hands out this
            // object for the name and no new download of it can have made files at these paths
            try {
                Files.deleteIfExists(partPath);
                Files.deleteIfExists(statePath);
            } catch (IOException ignored) {
                // best effort: the next start re-verifies whatever is left
            }
        }
        closed = true;
        // only now is the name given up (the cache never hands out a closed file)
        cache.forget(this);
        var dropped = cache.afterDropped;
        if (dropped != null) dropped.accept(this);
        completion.completeExceptionally(why);
        notifyListeners();
    }

    private void notifyListeners() {
        for (Runnable r : listeners) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // a listener's failure is its own business
            }
        }
    }

    private FileChannel channel() throws IOException {
        // Once open, returned without the monitor: writers hold it across file operations, and any
        // of those can wait for the disk's journal (1-18 ms while Nix commits its store, measured
        // with an unlink in finish()): reads (the stream to Nix, peers' requests) must not wait.
        FileChannel c = channel;
        return c != null ? c : openChannel();
    }

    private synchronized FileChannel openChannel() throws IOException {
        if (channel == null) {
            if (closed || discarding) throw new IOException(name + ": file was discarded");
            if (isComplete()) channel = FileChannel.open(finalPath, StandardOpenOption.READ);
            else channel = openPart();
        }
        return channel;
    }

    /** The partial file, opened for reading and writing; made from a spare when it does not exist yet. */
    private FileChannel openPart() throws IOException {
        Files.createDirectories(partPath.getParent());
        if (!Files.exists(partPath)) cache.spares().create(partPath);
        return FileChannel.open(partPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Evicted or shut down: releases the channel (the file itself is the cache's business). */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (stateOut != null) stateOut.close();
        stateOut = null;
        if (channel != null) channel.close();
        channel = null;
    }

    static MessageDigest digest(String alg) {
        try {
            return MessageDigest.getInstance(alg);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code fileHash} ({@code sha256:<base32|base16>}) names this SHA-256 digest; a malformed one never does. */
    static boolean fileHashMatches(String fileHash, byte[] sha256) {
        try {
            org.nixswarm.core.store.Hash expected = org.nixswarm.core.store.Hash.parse(fileHash);
            return expected.equals(new org.nixswarm.core.store.Hash(expected.algorithm(), sha256));
        } catch (org.nixswarm.core.FormatException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "NarFile[" + name + ", " + servable + "/" + size + "]";
    }

    static List<String> suffixes() {
        return List.of(".part", ".pieces");
    }
}
