package org.nixswarm.core.nar;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.nixswarm.core.FormatException;

/**
 * Reads a NAR from an untrusted stream and hands its contents to a {@link NarSink}, computing the
 * NarHash and NarSize on the way. It accepts only the canonical form that {@code nix-store --dump}
 * writes, so that a NAR that passes has exactly one meaning: the magic, the tokens in their
 * order, zero padding, entry names that are valid (not empty, {@code .}, {@code ..}, no {@code /}
 * or NUL) and strictly ascending in byte order, non-empty symlink targets without NUL, bounded
 * lengths and depth, and nothing after the root node. Every violation, including a stream that
 * ends early, is a {@link FormatException} naming the byte offset.
 */
public final class NarReader {
    public static final int MAX_DEPTH = 1024;
    /** PATH_MAX - 1: a longer target cannot be a symlink on Linux. */
    public static final int MAX_TARGET = 4095;
    private static final int MAX_TOKEN = 16;

    private final long maxSize;

    private NarReader(long maxSize) {
        this.maxSize = maxSize;
    }

    /** A reader without a size limit beyond what the format allows. */
    public static NarReader create() {
        return new NarReader(Long.MAX_VALUE);
    }

    /** A reader that rejects a NAR longer than {@code maxSize} bytes (e.g. the narinfo's NarSize). */
    public NarReader withMaxSize(long maxSize) {
        if (maxSize < 0) throw new IllegalArgumentException("negative maxSize");
        return new NarReader(maxSize);
    }

    /** Checks a whole NAR without writing anything; returns its NarHash and NarSize. */
    public static NarSummary validate(InputStream in) throws IOException {
        return create().read(in, NarSink.DISCARD);
    }

    /** Unpacks a NAR to {@code target}, which must not exist yet (see {@link NarUnpacker}). */
    public static NarSummary unpack(InputStream in, Path target) throws IOException {
        return create().read(in, NarUnpacker.to(target));
    }

    /** Reads one whole NAR from {@code in} (to its end) into {@code sink}. */
    public NarSummary read(InputStream in, NarSink sink) throws IOException {
        Parser p = new Parser(new Input(in, maxSize), sink);
        p.expect(NarWriter.MAGIC, "the NAR magic");
        p.node(0);
        p.in.expectEnd();
        return new NarSummary(p.in.sha256.digest(), p.in.pos);
    }

    private static final class Parser {
        final Input in;
        final NarSink sink;

        Parser(Input in, NarSink sink) {
            this.in = in;
            this.sink = sink;
        }

        void node(int depth) throws IOException {
            if (depth > MAX_DEPTH) throw in.error("directories nested deeper than " + MAX_DEPTH, in.pos);
            expect("(", "'(' opening a node");
            expect("type", "'type'");
            long at = in.pos;
            String type = in.token("the node type");
            switch (type) {
                case "regular" -> regular();
                case "symlink" -> symlink();
                case "directory" -> directory(depth);
                default -> throw in.error("unknown node type '" + NarNames.show(type) + "'", at);
            }
        }

        private void regular() throws IOException {
            long at = in.pos;
            String t = in.token("'executable' or 'contents'");
            boolean executable = false;
            if (t.equals("executable")) {
                executable = true;
                long markAt = in.pos;
                if (!in.token("the empty string after 'executable'").isEmpty()) {
                    throw in.error("expected an empty string after 'executable'", markAt);
                }
                at = in.pos;
                t = in.token("'contents'");
            }
            if (!t.equals("contents")) throw in.error("expected 'contents', found '" + NarNames.show(t) + "'", at);
            long sizeAt = in.pos;
            long size = in.u64();
            if (size < 0 || size > in.limit - in.pos) {
                throw in.error("absurd file size " + Long.toUnsignedString(size)
                        + (in.limit == Long.MAX_VALUE ? "" : " (the NAR may be at most " + in.limit + " bytes)"), sizeAt);
            }
            Contents c = new Contents(in, size);
            sink.regular(executable, size, c);
            c.drain();
            in.padding(size);
            expect(")", "')' closing the regular file");
        }

        private void symlink() throws IOException {
            expect("target", "'target'");
            long at = in.pos;
            byte[] target = in.string(MAX_TARGET, "symlink target");
            if (target.length == 0) throw in.error("empty symlink target", at);
            for (byte b : target) if (b == 0) throw in.error("symlink target contains a NUL byte", at);
            try {
                sink.symlink(target);
            } catch (FormatException e) {
                throw in.error(e.getMessage(), at); // the sink refused it (e.g. an escaping link): say where
            }
            expect(")", "')' closing the symlink");
        }

        private void directory(int depth) throws IOException {
            sink.startDirectory();
            byte[] last = null;
            while (true) {
                long at = in.pos;
                String t = in.token("'entry' or ')'");
                if (t.equals(")")) break;
                if (!t.equals("entry")) throw in.error("expected 'entry' or ')', found '" + NarNames.show(t) + "'", at);
                expect("(", "'(' opening the entry");
                expect("name", "'name'");
                long nameAt = in.pos;
                byte[] name = in.string(NarNames.MAX_NAME, "file name");
                String problem = NarNames.problem(name);
                if (problem != null) throw in.error("invalid " + problem, nameAt);
                if (last != null) {
                    int cmp = NarNames.compare(last, name);
                    if (cmp == 0) throw in.error("duplicate entry '" + NarNames.show(name) + "'", nameAt);
                    if (cmp > 0) {
                        throw in.error("entry '" + NarNames.show(name) + "' comes after '" + NarNames.show(last)
                                + "': directory entries are not sorted", nameAt);
                    }
                }
                last = name;
                try {
                    sink.entry(name);
                } catch (FormatException e) {
                    throw in.error(e.getMessage(), nameAt); // the sink cannot write this name: say where
                }
                expect("node", "'node'");
                node(depth + 1);
                expect(")", "')' closing the entry");
                sink.endEntry();
            }
            sink.endDirectory();
        }

        void expect(String token, String what) throws IOException {
            long at = in.pos;
            String t = in.token(what);
            if (!t.equals(token)) throw in.error("expected " + what + ", found '" + NarNames.show(t) + "'", at);
        }
    }

    /** The underlying stream with a position, the running SHA-256, a size limit and exact reads. */
    private static final class Input {
        final InputStream in;
        final MessageDigest sha256 = NarDigests.sha256();
        final long limit;
        long pos;
        private final byte[] small = new byte[8];

        Input(InputStream in, long limit) {
            this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 64 * 1024);
            this.limit = limit;
        }

        int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            int n = in.read(b, off, len);
            if (n > 0) {
                sha256.update(b, off, n);
                pos += n;
            }
            return n;
        }

        void readFully(byte[] b, int off, int len, String what) throws IOException {
            if (len > limit - pos) throw error("the NAR is longer than the limit of " + limit + " bytes", pos);
            while (len > 0) {
                int n = read(b, off, len);
                if (n < 0) throw truncated(what);
                off += n;
                len -= n;
            }
        }

        FormatException truncated(String what) {
            return error("truncated NAR: the input ends inside " + what, pos);
        }

        long u64() throws IOException {
            readFully(small, 0, 8, "a length");
            long v = 0;
            for (int i = 7; i >= 0; i--) v = (v << 8) | (small[i] & 0xff);
            return v;
        }

        byte[] string(int max, String what) throws IOException {
            long at = pos;
            long len = u64();
            if (len < 0 || len > max) {
                throw error("absurd length " + Long.toUnsignedString(len) + " for " + what + " (at most " + max + ")", at);
            }
            byte[] b = new byte[(int) len];
            readFully(b, 0, b.length, what);
            padding(len);
            return b;
        }

        String token(String what) throws IOException {
            return new String(string(MAX_TOKEN, what), StandardCharsets.ISO_8859_1);
        }

        void padding(long len) throws IOException {
            int n = (int) ((8 - (len & 7)) & 7);
            if (n == 0) return;
            long at = pos;
            readFully(small, 0, n, "padding");
            for (int i = 0; i < n; i++) {
                if (small[i] != 0) throw error("non-zero padding", at + i);
            }
        }

        void expectEnd() throws IOException {
            if (in.read() >= 0) throw error("trailing data after the NAR", pos);
        }

        FormatException error(String what, long offset) {
            return new FormatException("NAR: " + what + " at byte offset " + offset);
        }
    }

    /** A regular file's contents: exactly {@code size} bytes of the NAR, hashed as they pass. */
    private static final class Contents extends InputStream {
        private final Input in;
        private long left;

        Contents(Input in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) return -1;
            if (len == 0) return 0;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw in.truncated("a file's contents (" + left + " bytes missing)");
            left -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(64 * 1024, Math.max(1, Math.min(n, left)))];
            long done = 0;
            while (done < n && left > 0) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                done += r;
            }
            return done;
        }

        void drain() throws IOException {
            if (left > 0) skip(left);
        }
    }
}
