package org.nixswarm.index.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.nixswarm.index.IndexException;

/**
 * A read-only, memory-mapped segment (see {@link SegmentFormat}). Opening costs a few system
 * calls and one checksum pass over its index part (28 bytes per entry); a lookup is a fanout read and a binary search over about
 * {@code N / 65536} keys, then one record read. Safe for concurrent readers: only absolute reads.
 */
public final class Segment {
    private final Path file;
    private final SegmentMeta meta;
    private final long count;
    private final ByteBuffer index; // fanout followed by keys
    private final int keysStart;
    private final ByteBuffer[] data;
    private final long dataLength;

    private Segment(Path file, SegmentMeta meta, long count, ByteBuffer index, int keysStart, ByteBuffer[] data, long dataLength) {
        this.file = file;
        this.meta = meta;
        this.count = count;
        this.index = index;
        this.keysStart = keysStart;
        this.data = data;
        this.dataLength = dataLength;
    }

    public static Segment open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < SegmentFormat.HEADER) throw bad(file, "shorter than its header");
            ByteBuffer h = ByteBuffer.allocate(SegmentFormat.HEADER);
            ch.read(h, 0);
            h.flip();
            byte[] magic = new byte[8];
            h.get(magic);
            if (!Arrays.equals(magic, SegmentFormat.MAGIC)) throw bad(file, "not a nix-swarm index segment");
            int version = h.getInt();
            if (version != SegmentFormat.VERSION) throw bad(file, "segment version " + version + ", expected " + SegmentFormat.VERSION);
            int metaLength = h.getInt();
            long count = h.getLong();
            long fanoutOffset = h.getLong();
            long keysOffset = h.getLong();
            long dataOffset = h.getLong();
            long dataLength = h.getLong();
            int checksum = h.getInt();
            int reserved = h.getInt();
            if (reserved != 0 || metaLength < 0 || count < 0 || count > Integer.MAX_VALUE / SegmentFormat.KEY_RECORD || dataLength < 0
                    || keysOffset != fanoutOffset + 4L * SegmentFormat.FANOUT
                    || dataOffset < keysOffset + count * SegmentFormat.KEY_RECORD || dataOffset + dataLength != size
                    || fanoutOffset < SegmentFormat.HEADER + (long) metaLength || fanoutOffset > SegmentFormat.HEADER + (16L << 20)
                    || dataOffset - fanoutOffset > Integer.MAX_VALUE) {
                throw bad(file, "inconsistent header (truncated or corrupt): " + size + " bytes, data ends at "
                        + (dataOffset + dataLength));
            }
            ByteBuffer metaBytes = ByteBuffer.allocate((int) (fanoutOffset - SegmentFormat.HEADER));
            ch.read(metaBytes, SegmentFormat.HEADER);
            MappedByteBuffer index = ch.map(FileChannel.MapMode.READ_ONLY, fanoutOffset, dataOffset - fanoutOffset);
            CRC32C sum = new CRC32C();
            sum.update(h.array(), 0, SegmentFormat.CHECKSUM_AT);
            sum.update(metaBytes.array());
            sum.update(index.duplicate());
            if ((int) sum.getValue() != checksum) {
                throw bad(file, "checksum mismatch in header, meta or keys (corrupt; delete it to rebuild from the plan)");
            }
            SegmentMeta meta = SegmentMeta.fromJson(Arrays.copyOf(metaBytes.array(), metaLength));
            int chunks = (int) ((dataLength + SegmentFormat.CHUNK - 1) / SegmentFormat.CHUNK);
            ByteBuffer[] data = new ByteBuffer[chunks];
            for (int i = 0; i < chunks; i++) {
                long start = i * SegmentFormat.CHUNK;
                data[i] = ch.map(FileChannel.MapMode.READ_ONLY, dataOffset + start, Math.min(SegmentFormat.CHUNK, dataLength - start));
            }
            if (index.getInt(4 * (SegmentFormat.FANOUT - 1)) != count) throw bad(file, "fanout does not add up to the entry count");
            return new Segment(file, meta, count, index, 4 * SegmentFormat.FANOUT, data, dataLength);
        } catch (IOException e) {
            throw new IndexException("cannot open index segment " + file + ": " + e.getMessage(), e);
        }
    }

    private static IndexException bad(Path file, String why) {
        return new IndexException("index segment " + file + ": " + why);
    }

    public Path file() {
        return file;
    }

    public SegmentMeta meta() {
        return meta;
    }

    public long count() {
        return count;
    }

    /** The position of {@code key} among the sorted keys, or -1. */
    public int find(byte[] key) {
        int p = SegmentFormat.prefix16(key);
        int lo = index.getInt(4 * p);
        int hi = index.getInt(4 * (p + 1)) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareKey(mid, key);
            if (c < 0) lo = mid + 1;
            else if (c > 0) hi = mid - 1;
            else return mid;
        }
        return -1;
    }

    private int compareKey(int position, byte[] key) {
        int base = keysStart + position * SegmentFormat.KEY_RECORD;
        for (int i = 0; i < SegmentFormat.KEY; i++) {
            int c = Integer.compare(index.get(base + i) & 0xff, key[i] & 0xff);
            if (c != 0) return c;
        }
        return 0;
    }

    /** The record (the entry's index.jsonl line) for a key, or null. */
    public byte[] get(byte[] key) {
        int i = find(key);
        return i < 0 ? null : record(i);
    }

    public byte[] key(int position) {
        byte[] k = new byte[SegmentFormat.KEY];
        index.get(keysStart + position * SegmentFormat.KEY_RECORD, k);
        return k;
    }

    /**
     * The record at a position, checked against its checksum.
     *
     * @throws IndexException naming the file when the record is damaged (it is never returned)
     */
    public byte[] record(int position) {
        long offset = index.getLong(keysStart + position * SegmentFormat.KEY_RECORD + SegmentFormat.KEY);
        if (offset < 0 || offset > dataLength - SegmentFormat.RECORD_HEAD) throw damaged(position, "offset " + offset + " outside the data");
        ByteBuffer chunk = data[(int) (offset / SegmentFormat.CHUNK)];
        int at = (int) (offset % SegmentFormat.CHUNK);
        int length = chunk.getInt(at);
        if (length < 0 || length > SegmentFormat.MAX_RECORD || length > chunk.limit() - at - SegmentFormat.RECORD_HEAD) {
            throw damaged(position, "length " + length);
        }
        byte[] out = new byte[length];
        chunk.get(at + SegmentFormat.RECORD_HEAD, out);
        CRC32C sum = new CRC32C();
        sum.update(out);
        if ((int) sum.getValue() != chunk.getInt(at + 4)) throw damaged(position, "checksum mismatch");
        return out;
    }

    private IndexException damaged(int position, String why) {
        return new IndexException("index segment " + file + ": record " + position + " is corrupt (" + why
                + "); delete the file to rebuild it from the plan");
    }

    /**
     * The positions {@code [from, to)} of every key starting with the first {@code bits} bits of
     * {@code prefix} (1 ≤ bits ≤ 160).
     */
    public int[] range(byte[] prefix, int bits) {
        if (bits < 1 || bits > 160) throw new IllegalArgumentException("prefix bits " + bits);
        int lowMask = (1 << (16 - Math.min(bits, 16))) - 1;
        int p = SegmentFormat.prefix16(prefix) & ~lowMask;
        int lo = index.getInt(4 * p);
        int hi = index.getInt(4 * ((p | lowMask) + 1));
        if (bits <= 16) return new int[] {lo, hi};
        int from = lo;
        while (from < hi && comparePrefix(from, prefix, bits) < 0) from++;
        int to = from;
        while (to < hi && comparePrefix(to, prefix, bits) == 0) to++;
        return new int[] {from, to};
    }

    private int comparePrefix(int position, byte[] prefix, int bits) {
        int base = keysStart + position * SegmentFormat.KEY_RECORD;
        for (int b = 0; b < bits; b += 8) {
            int mask = bits - b >= 8 ? 0xff : (0xff << (8 - (bits - b))) & 0xff;
            int c = Integer.compare(index.get(base + b / 8) & mask, prefix[b / 8] & mask);
            if (c != 0) return c;
        }
        return 0;
    }
}
