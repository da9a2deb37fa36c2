package org.nixswarm.index.store;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes one segment (see {@link SegmentFormat}): entries are appended in any order to a data
 * file beside the target; {@link #finish()} sorts the keys (counting sort on the first 16 bits,
 * then each small bucket), drops duplicate hashes (the first one added wins) and writes the final
 * file under a temporary name, renamed into place at the end so a crash never leaves a half
 * segment behind.
 */
public final class SegmentWriter implements AutoCloseable {
    private final Path target;
    private final Path dataFile;
    private final DataOutputStream data;
    private byte[] keys = new byte[SegmentFormat.KEY * 1024];
    private long[] offsets = new long[1024];
    private int count;
    private long dataLength;
    private boolean done;
    private final CRC32C crc = new CRC32C();

    public SegmentWriter(Path target) throws IOException {
        this.target = target;
        Files.createDirectories(target.toAbsolutePath().getParent());
        this.dataFile = target.resolveSibling(target.getFileName() + ".data.tmp");
        this.data = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(dataFile), 1 << 16));
    }

    /** Appends an entry: its 20-byte store-path hash and the bytes to serve for it. */
    public void add(byte[] key, byte[] record) throws IOException {
        if (key.length != SegmentFormat.KEY) throw new IllegalArgumentException("key must have 20 bytes");
        if (record.length > SegmentFormat.MAX_RECORD) {
            throw new IllegalArgumentException("record of " + record.length + " bytes exceeds " + SegmentFormat.MAX_RECORD);
        }
        long size = SegmentFormat.RECORD_HEAD + (long) record.length;
        long chunkEnd = (dataLength / SegmentFormat.CHUNK + 1) * SegmentFormat.CHUNK;
        if (dataLength + size > chunkEnd) { // pad to the next chunk: records never straddle a map
            pad(chunkEnd - dataLength);
        }
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            keys = Arrays.copyOf(keys, keys.length * 2);
        }
        System.arraycopy(key, 0, keys, count * SegmentFormat.KEY, SegmentFormat.KEY);
        offsets[count++] = dataLength;
        crc.reset();
        crc.update(record, 0, record.length);
        data.writeInt(record.length);
        data.writeInt((int) crc.getValue());
        data.write(record);
        dataLength += size;
    }

    private void pad(long n) throws IOException {
        byte[] zeros = new byte[8192];
        while (n > 0) {
            int k = (int) Math.min(n, zeros.length);
            data.write(zeros, 0, k);
            n -= k;
            dataLength += k;
        }
    }

    /** Hashes that were added more than once (only the first is kept), as 20-byte arrays. */
    public record Result(long entries, List<byte[]> duplicates) {}

    /** Sorts, writes the segment with {@code meta} and renames it into place. */
    public Result finish(SegmentMeta meta) throws IOException {
        data.close();
        int[] order = sortedOrder();
        List<byte[]> duplicates = new ArrayList<>();
        int[] kept = new int[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (n > 0 && compare(kept[n - 1], order[i]) == 0) {
                duplicates.add(Arrays.copyOfRange(keys, order[i] * SegmentFormat.KEY, (order[i] + 1) * SegmentFormat.KEY));
                continue;
            }
            kept[n++] = order[i];
        }
        byte[] metaJson = meta.toJson();
        long fanoutOffset = align8(SegmentFormat.HEADER + metaJson.length);
        long keysOffset = fanoutOffset + 4L * SegmentFormat.FANOUT;
        long dataOffset = align8(keysOffset + (long) n * SegmentFormat.KEY_RECORD);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        CRC32C sum = new CRC32C();
        try (OutputStream raw = Files.newOutputStream(tmp);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
            ByteBuffer header = ByteBuffer.allocate(SegmentFormat.HEADER);
            header.put(SegmentFormat.MAGIC).putInt(SegmentFormat.VERSION).putInt(metaJson.length).putLong(n)
                    .putLong(fanoutOffset).putLong(keysOffset).putLong(dataOffset).putLong(dataLength);
            sum.update(header.array(), 0, SegmentFormat.CHECKSUM_AT);
            out.write(header.array()); // checksum written in place below, once known
            byte[] metaPadded = Arrays.copyOf(metaJson, (int) (fanoutOffset - SegmentFormat.HEADER));
            sum.update(metaPadded);
            out.write(metaPadded);
            int[] fanout = new int[SegmentFormat.FANOUT];
            for (int i = 0; i < n; i++) fanout[prefix16(kept[i]) + 1]++;
            for (int i = 1; i < fanout.length; i++) fanout[i] += fanout[i - 1];
            ByteBuffer fanoutBytes = ByteBuffer.allocate(4 * SegmentFormat.FANOUT);
            for (int f : fanout) fanoutBytes.putInt(f);
            sum.update(fanoutBytes.array());
            out.write(fanoutBytes.array());
            ByteBuffer keyRecord = ByteBuffer.allocate(SegmentFormat.KEY_RECORD);
            for (int i = 0; i < n; i++) {
                keyRecord.clear();
                keyRecord.put(keys, kept[i] * SegmentFormat.KEY, SegmentFormat.KEY).putLong(offsets[kept[i]]);
                sum.update(keyRecord.array());
                out.write(keyRecord.array());
            }
            byte[] keysPadding = new byte[(int) (dataOffset - keysOffset - (long) n * SegmentFormat.KEY_RECORD)];
            sum.update(keysPadding);
            out.write(keysPadding);
            out.flush();
            try (FileChannel in = FileChannel.open(dataFile, StandardOpenOption.READ)) {
                long pos = 0;
                long size = in.size();
                byte[] buf = new byte[1 << 20];
                ByteBuffer bb = ByteBuffer.wrap(buf);
                while (pos < size) {
                    bb.clear();
                    int r = in.read(bb, pos);
                    if (r < 0) break;
                    out.write(buf, 0, r);
                    pos += r;
                }
            }
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).putInt(0, (int) sum.getValue()), SegmentFormat.CHECKSUM_AT);
            ch.force(true); // the rename below must not publish a segment whose bytes are not on disk
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(dataFile);
        done = true;
        return new Result(n, duplicates);
    }

    private int[] sortedOrder() {
        int[] start = new int[SegmentFormat.FANOUT];
        for (int i = 0; i < count; i++) start[prefix16(i) + 1]++;
        for (int i = 1; i < start.length; i++) start[i] += start[i - 1];
        int[] order = new int[count];
        int[] fill = Arrays.copyOf(start, start.length);
        for (int i = 0; i < count; i++) order[fill[prefix16(i)]++] = i;
        for (int b = 0; b < SegmentFormat.FANOUT - 1; b++) {
            int lo = start[b];
            int hi = start[b + 1];
            if (hi - lo < 2) continue;
            // stable, so that among duplicates the first added stays first
            Integer[] bucket = new Integer[hi - lo];
            for (int i = lo; i < hi; i++) bucket[i - lo] = order[i];
            Arrays.sort(bucket, this::compare);
            for (int i = lo; i < hi; i++) order[i] = bucket[i - lo];
        }
        return order;
    }

    private int prefix16(int entry) {
        int o = entry * SegmentFormat.KEY;
        return ((keys[o] & 0xff) << 8) | (keys[o + 1] & 0xff);
    }

    private int compare(int a, int b) {
        return Arrays.compareUnsigned(keys, a * SegmentFormat.KEY, (a + 1) * SegmentFormat.KEY,
                keys, b * SegmentFormat.KEY, (b + 1) * SegmentFormat.KEY);
    }

    private static long align8(long x) {
        return (x + 7) & ~7L;
    }

    @Override
    public void close() throws IOException {
        data.close();
        if (!done) Files.deleteIfExists(dataFile);
    }
}
