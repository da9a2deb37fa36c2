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
 * 56  meta                      M bytes of UTF-8 JSON (generation, cache URL, trackers, planner key)
 * ... data                      records: int length, then that many bytes (the entry's index.jsonl
 *                               line); no record crosses a 1 GiB boundary of the data area, so the
 *                               area maps as 1 GiB chunks
 * </pre>
 */
final class SegmentFormat {
    static final byte[] MAGIC = "NXSWIDX1".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 56;
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
