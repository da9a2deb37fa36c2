package org.nixswarm.core.testcache;

/** CRC-64 as xz uses it for block checks (ECMA-182, reflected). */
final class Crc64 {
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0xC96C5795D7870F42L : c >>> 1;
            TABLE[i] = c;
        }
    }

    private long crc = -1;

    void update(byte[] b, int off, int len) {
        long c = crc;
        for (int i = off; i < off + len; i++) c = TABLE[(int) ((c ^ b[i]) & 0xff)] ^ (c >>> 8);
        crc = c;
    }

    long value() {
        return ~crc;
    }

    static long of(byte[] b, int off, int len) {
        Crc64 c = new Crc64();
        c.update(b, off, len);
        return c.value();
    }
}
