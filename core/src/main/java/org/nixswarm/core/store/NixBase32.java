package org.nixswarm.core.store;

import org.nixswarm.core.FormatException;

/**
 * Nix's base32: the alphabet {@code 0123456789abcdfghijklmnpqrsvwxyz} (no e, o, u, t) and Nix's own
 * bit order, which is not RFC 4648: the string is read from its last character to its first, each
 * character adding 5 bits little-endian into the byte array. Encoding a byte array of n bytes gives
 * {@code ceil(8n/5)} characters; unused high bits of the first character must be zero.
 */
public final class NixBase32 {
    public static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

    private static final byte[] DIGITS = new byte[128];

    static {
        java.util.Arrays.fill(DIGITS, (byte) -1);
        for (int i = 0; i < ALPHABET.length(); i++) DIGITS[ALPHABET.charAt(i)] = (byte) i;
    }

    private NixBase32() {}

    /** The length of the encoding of {@code byteLength} bytes. */
    public static int encodedLength(int byteLength) {
        if (byteLength < 0) throw new IllegalArgumentException("negative length " + byteLength);
        return byteLength == 0 ? 0 : (byteLength * 8 - 1) / 5 + 1;
    }

    public static String encode(byte[] bytes) {
        int len = encodedLength(bytes.length);
        char[] out = new char[len];
        for (int n = len - 1; n >= 0; n--) {
            int b = n * 5;
            int i = b / 8;
            int j = b % 8;
            int c = (bytes[i] & 0xff) >>> j;
            if (i + 1 < bytes.length) c |= (bytes[i + 1] & 0xff) << (8 - j);
            out[len - 1 - n] = ALPHABET.charAt(c & 0x1f);
        }
        return new String(out);
    }

    /**
     * Decodes a Nix base32 string. Rejects characters outside the alphabet, lengths that no byte
     * count encodes to, and non-zero unused bits (so every byte array has exactly one encoding).
     */
    public static byte[] decode(String s) {
        int byteLength = s.length() * 5 / 8;
        if (encodedLength(byteLength) != s.length()) {
            throw new FormatException("invalid Nix base32 string " + Quoting.quote(s) + ": length "
                    + s.length() + " is not the encoding of any number of bytes");
        }
        byte[] out = new byte[byteLength];
        for (int n = 0; n < s.length(); n++) {
            char c = s.charAt(s.length() - n - 1);
            int digit = c < 128 ? DIGITS[c] : -1;
            if (digit < 0) {
                throw new FormatException("invalid Nix base32 string " + Quoting.quote(s)
                        + ": illegal character " + Quoting.quote(String.valueOf(c)) + " at position " + (s.length() - n - 1));
            }
            int b = n * 5;
            int i = b / 8;
            int j = b % 8;
            out[i] |= (byte) (digit << j);
            int carry = digit >>> (8 - j);
            if (i + 1 < byteLength) {
                out[i + 1] |= (byte) carry;
            } else if (carry != 0) {
                throw new FormatException("invalid Nix base32 string " + Quoting.quote(s)
                        + ": non-zero unused bits in its first character");
            }
        }
        return out;
    }

    /** Decodes and checks that the result has {@code expectedBytes} bytes. */
    public static byte[] decode(String s, int expectedBytes) {
        if (s.length() != encodedLength(expectedBytes)) {
            throw new FormatException("invalid Nix base32 string " + Quoting.quote(s) + ": expected "
                    + encodedLength(expectedBytes) + " characters for " + expectedBytes + " bytes, got " + s.length());
        }
        return decode(s);
    }

    public static boolean isBase32Char(char c) {
        return c < 128 && DIGITS[c] >= 0;
    }
}
