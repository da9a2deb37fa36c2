package org.nixswarm.core.nar;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.nixswarm.core.FormatException;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZIOException;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * xz compression as binary caches use it (the {@code .nar.xz} files), with xz-java. Nix compresses
 * with liblzma's preset 6 and a CRC64 check unless told otherwise; so does {@link #compress}.
 * Decompression reads concatenated streams (as xz(1) does) and turns corrupt input into a
 * {@link FormatException} naming the compressed byte offset.
 */
public final class Xz {
    /** Nix's default (compression-level unset): liblzma's default preset. */
    public static final int DEFAULT_PRESET = 6;
    /**
     * Decompression memory cap: preset 9 needs about 65 MiB; a stream that asks for more than
     * this is hostile or not from a binary cache.
     */
    public static final int MEMORY_LIMIT_KIB = 256 * 1024;

    private Xz() {}

    /** A stream that compresses into {@code out}; closing it finishes the xz stream and closes {@code out}. */
    public static OutputStream compressing(OutputStream out, int preset) throws IOException {
        try {
            return new XZOutputStream(out, new LZMA2Options(preset), XZ.CHECK_CRC64);
        } catch (UnsupportedOptionsException e) {
            throw new IllegalArgumentException("xz preset must be 0..9, not " + preset, e);
        }
    }

    public static OutputStream compressing(OutputStream out) throws IOException {
        return compressing(out, DEFAULT_PRESET);
    }

    /** Compresses all of {@code in} into {@code out} (which stays open); returns the compressed size. */
    public static long compress(InputStream in, OutputStream out, int preset) throws IOException {
        CountingOutputStream counted = new CountingOutputStream(out);
        OutputStream xz = compressing(counted, preset);
        in.transferTo(xz);
        ((XZOutputStream) xz).finish();
        counted.flush();
        return counted.count;
    }

    public static byte[] compress(byte[] data, int preset) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(data.length / 3 + 64);
        try {
            compress(new java.io.ByteArrayInputStream(data), out, preset);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory streams do not fail", e);
        }
        return out.toByteArray();
    }

    /** A stream of the decompressed bytes of {@code in}. Corrupt input throws {@link FormatException}. */
    public static InputStream decompressing(InputStream in) throws IOException {
        CountingInputStream counted = new CountingInputStream(in);
        XZInputStream xz;
        try {
            xz = new XZInputStream(counted, MEMORY_LIMIT_KIB);
        } catch (XZIOException e) {
            throw corrupt(e, counted.count);
        } catch (java.io.EOFException e) {
            throw new FormatException("xz: truncated stream header at compressed byte offset " + counted.count, e);
        }
        return new FilterInputStream(xz) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (XZIOException | java.io.EOFException e) {
                    throw corrupt(e, counted.count);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (XZIOException | java.io.EOFException e) {
                    throw corrupt(e, counted.count);
                }
            }
        };
    }

    public static byte[] decompress(byte[] data) {
        try (InputStream in = decompressing(new java.io.ByteArrayInputStream(data))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory streams do not fail", e);
        }
    }

    private static FormatException corrupt(IOException e, long offset) {
        String what = e instanceof java.io.EOFException ? "truncated stream"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new FormatException("xz: " + what + " (near compressed byte offset " + offset + ")", e);
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = in.read();
            if (c >= 0) count++;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(n);
            count += s;
            return s;
        }
    }
}
