package org.nixswarm.index.store;

import java.nio.charset.StandardCharsets;

/**
 * The on-disk layout of one segment: the verified entries of one plan generation, immutable,
 * sorted by the 20-byte store-path hash and read through memory maps. Big-endian throughout.
 *
 * <pre>
 * 0   magic "NXSWIDX1"          8 bytes
 * 8   version                   int (1)
 * 12  meta length M             int
 * 16  entry count N             long
 * 24  fanout offset             long   65537 ints: entries whose first two hash bytes are below i
 * 32  keys offset               long   N × (20-byte hash, long record offset into the data area)
 * 40  data offset               long
 * 48  data length               long
 * 56  index checksum            int    CRC32C of bytes [0, 56) and [64, data offset): header, meta,
 *                                      fanout, keys and their padding; verified on every open
 * 60  reserved                  int (0)
 * 64  meta                      M bytes of UTF-8 JSON (generation, cache URL, trackers, planner key)
 * ... data                      records: int length, int CRC32C of the record bytes, then that many
 *                               bytes (the entry's index.jsonl line); no record crosses a 1 GiB
 *                               boundary of the data area, so the area maps as 1 GiB chunks
 * </pre>
 *
 * Why two checksums: the index part (28 bytes per entry) is small enough to check in full when a
 * segment is opened, while the data area (about 1.2 KB per entry, 12 GB for 10 M paths) is not, so
 * each record carries its own checksum, checked on each read before the record is served. A
 * truncated file fails the size check on open.
 */
final class SegmentFormat {
    static final byte[] MAGIC = "NXSWIDX1".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    static final int HEADER = 64;
    /** Where the index checksum sits in the header (excluded from what it covers). */
    static final int CHECKSUM_AT = 56;
    /** Bytes before each record: length and checksum. */
    static final int RECORD_HEAD = 8;
    static final int KEY = 20;
    static final int KEY_RECORD = KEY + 8;
    static final int FANOUT = 65537;
    static final long CHUNK = 1L << 30;
    /** One entry's line may not exceed this (a narinfo with tens of thousands of references). */
    static final int MAX_RECORD = 16 << 20;

    private SegmentFormat() {}

    static int prefix16(byte[] key) {
        return ((key[0] & 0xff) << 8) | (key[1] & 0xff);
    }
}
