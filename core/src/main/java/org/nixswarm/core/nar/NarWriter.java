package org.nixswarm.core.nar;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a NAR (Nix ARchive), byte for byte what {@code nix-store --dump} writes, to a stream,
 * computing its SHA-256 and size on the way. Either from a directory tree ({@link #dump}) or from
 * events ({@link NarSink}: a generator builds a NAR without touching the disk). The events are
 * checked: a node where none may go, an invalid name or an entry out of Nix's order is a
 * programming error and throws {@link IllegalStateException} before anything wrong is written.
 *
 * <p>The format: every item is a string, written as its length (u64, little endian), its bytes and
 * zero padding to a multiple of 8. After the magic {@code nix-archive-1} comes one node:
 * {@code ( type regular [executable ""] contents <bytes> )}, {@code ( type symlink target <t> )} or
 * {@code ( type directory [entry ( name <n> node <node> )]* )}.
 */
public final class NarWriter implements NarSink {
    static final String MAGIC = "nix-archive-1";
    private static final int COPY_BUFFER = 64 * 1024;

    private final OutputStream out;
    private final MessageDigest sha256 = NarDigests.sha256();
    private final byte[] small = new byte[8];
    private long size;

    /** Open directories, innermost first; each remembers its last entry name and whether a node is due. */
    private final Deque<Dir> dirs = new ArrayDeque<>();
    private boolean started;
    private boolean rootDone;

    private static final class Dir {
        byte[] lastName;
        boolean nodeDue; // after entry(name), before the node
        boolean nodeDone; // after the node, before endEntry()
    }

    /** Writes to {@code out} (which it does not buffer or close: pass a buffered stream). */
    public NarWriter(OutputStream out) {
        this.out = out;
    }

    /** Dumps the tree at {@code root} (a directory, regular file or symlink) as a NAR to {@code out}. */
    public static NarSummary dump(Path root, OutputStream out) throws IOException {
        NarWriter w = new NarWriter(out);
        w.dumpNode(root);
        return w.finish();
    }

    /** The NAR of {@code root}'s tree, hashed and measured without writing it anywhere. */
    public static NarSummary summarize(Path root) throws IOException {
        return dump(root, OutputStream.nullOutputStream());
    }

    /** Ends the NAR (the root node must be complete) and returns its hash and size. */
    public NarSummary finish() throws IOException {
        if (!rootDone) throw new IllegalStateException("the NAR's root node is not complete");
        out.flush();
        return new NarSummary(sha256.digest(), size);
    }

    // ---- events ----

    @Override
    public void regular(boolean executable, long size, InputStream contents) throws IOException {
        if (size < 0) throw new IllegalArgumentException("negative file size " + size);
        beginNode();
        str("(");
        str("type");
        str("regular");
        if (executable) {
            str("executable");
            str("");
        }
        str("contents");
        u64(size);
        byte[] buf = new byte[(int) Math.min(COPY_BUFFER, Math.max(size, 1))];
        long left = size;
        while (left > 0) {
            int n = contents.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new IOException("file contents ended " + left + " bytes short of the announced " + size);
            bytes(buf, 0, n);
            left -= n;
        }
        pad(size);
        str(")");
        endNode();
    }

    public void regular(boolean executable, byte[] contents) throws IOException {
        regular(executable, contents.length, new ByteArrayInputStream(contents));
    }

    @Override
    public void symlink(byte[] target) throws IOException {
        if (target.length == 0) throw new IllegalArgumentException("empty symlink target");
        for (byte b : target) if (b == 0) throw new IllegalArgumentException("symlink target contains NUL");
        beginNode();
        str("(");
        str("type");
        str("symlink");
        str("target");
        str(target);
        str(")");
        endNode();
    }

    public void symlink(String target) throws IOException {
        symlink(target.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void startDirectory() throws IOException {
        beginNode();
        str("(");
        str("type");
        str("directory");
        dirs.push(new Dir());
    }

    @Override
    public void entry(byte[] name) throws IOException {
        Dir d = dirs.peek();
        if (d == null || d.nodeDue || d.nodeDone) throw new IllegalStateException("entry() outside a directory");
        String problem = NarNames.problem(name);
        if (problem != null) throw new IllegalArgumentException("invalid entry: " + problem);
        if (d.lastName != null && NarNames.compare(d.lastName, name) >= 0) {
            throw new IllegalStateException("entry '" + NarNames.show(name) + "' is not after '"
                    + NarNames.show(d.lastName) + "' in byte order");
        }
        d.lastName = name.clone();
        d.nodeDue = true;
        str("entry");
        str("(");
        str("name");
        str(name);
        str("node");
    }

    public void entry(String name) throws IOException {
        entry(name.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void endEntry() throws IOException {
        Dir d = dirs.peek();
        if (d == null || !d.nodeDone) throw new IllegalStateException("endEntry() without a complete entry");
        d.nodeDone = false;
        str(")");
    }

    @Override
    public void endDirectory() throws IOException {
        Dir d = dirs.peek();
        if (d == null || d.nodeDue || d.nodeDone) throw new IllegalStateException("endDirectory() inside an entry");
        dirs.pop();
        str(")");
        endNode();
    }

    private void beginNode() throws IOException {
        if (!started) {
            started = true;
            str(MAGIC);
            return;
        }
        Dir d = dirs.peek();
        if (rootDone || d == null || !d.nodeDue) throw new IllegalStateException("a node where none is expected");
        d.nodeDue = false;
    }

    private void endNode() {
        Dir d = dirs.peek();
        if (d == null) rootDone = true;
        else d.nodeDone = true;
    }

    // ---- from a file system ----

    private void dumpNode(Path p) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            symlink(FileNames.bytes(Files.readSymbolicLink(p).toString(), p));
        } else if (a.isRegularFile()) {
            // Nix looks at the owner's execute bit only.
            boolean exec = a.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                regular(exec, a.size(), in);
            }
        } else if (a.isDirectory()) {
            List<Named> children = new ArrayList<>();
            try (Stream<Path> s = Files.list(p)) {
                for (Path c : (Iterable<Path>) s::iterator) {
                    children.add(new Named(c, FileNames.bytes(c.getFileName().toString(), c)));
                }
            }
            children.sort((x, y) -> NarNames.compare(x.name, y.name));
            startDirectory();
            for (Named c : children) {
                entry(c.name);
                dumpNode(c.path);
                endEntry();
            }
            endDirectory();
        } else {
            throw new IOException("cannot put " + p + " in a NAR: it is neither a regular file, a directory nor a symlink");
        }
    }

    private record Named(Path path, byte[] name) {}

    // ---- wire ----

    private void str(String s) throws IOException {
        str(s.getBytes(StandardCharsets.US_ASCII));
    }

    private void str(byte[] b) throws IOException {
        u64(b.length);
        bytes(b, 0, b.length);
        pad(b.length);
    }

    private void u64(long v) throws IOException {
        for (int i = 0; i < 8; i++) small[i] = (byte) (v >>> (8 * i));
        bytes(small, 0, 8);
    }

    private void pad(long len) throws IOException {
        int n = (int) ((8 - (len & 7)) & 7);
        if (n == 0) return;
        for (int i = 0; i < n; i++) small[i] = 0;
        bytes(small, 0, n);
    }

    private void bytes(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sha256.update(b, off, len);
        size += len;
    }
}
