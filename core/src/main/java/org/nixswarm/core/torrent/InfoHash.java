package org.nixswarm.core.torrent;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.store.Quoting;

/**
 * A BitTorrent v1 infohash: the SHA-1 of a torrent's bencoded info dictionary. Written as 40
 * lowercase hex digits; magnet URIs may also carry it as 32 characters of RFC 4648 base32.
 */
public final class InfoHash implements Comparable<InfoHash> {
    public static final int LENGTH = 20;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final byte[] bytes;

    private InfoHash(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The infohash with these 20 bytes (the compact form used on the wire and in the DHT). */
    public static InfoHash of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new FormatException("infohash must be 20 bytes, got " + bytes.length);
        }
        return new InfoHash(bytes.clone());
    }

    /** SHA-1 of {@code data}: the infohash of a torrent whose bencoded info dictionary is {@code data}. */
    public static InfoHash sha1(byte[] data) {
        return new InfoHash(sha1Digest().digest(data));
    }

    /** Parses 40 hex digits or 32 base32 characters, either case. */
    public static InfoHash parse(String text) {
        if (text.length() == 40) {
            byte[] out = new byte[LENGTH];
            for (int i = 0; i < LENGTH; i++) {
                int hi = hexDigit(text.charAt(2 * i));
                int lo = hexDigit(text.charAt(2 * i + 1));
                if (hi < 0 || lo < 0) {
                    throw new FormatException("infohash " + Quoting.quote(text) + ": not a hex digit at position " + (2 * i + (hi < 0 ? 0 : 1)));
                }
                out[i] = (byte) (hi << 4 | lo);
            }
            return new InfoHash(out);
        }
        if (text.length() == 32) {
            byte[] out = new byte[LENGTH];
            long buffer = 0;
            int bits = 0;
            int n = 0;
            for (int i = 0; i < 32; i++) {
                int v = BASE32.indexOf(Character.toUpperCase(text.charAt(i)));
                if (v < 0 || text.charAt(i) > 0x7f) {
                    throw new FormatException("infohash " + Quoting.quote(text) + ": not a base32 character at position " + i);
                }
                buffer = buffer << 5 | v;
                bits += 5;
                if (bits >= 8) {
                    bits -= 8;
                    out[n++] = (byte) (buffer >>> bits);
                }
            }
            return new InfoHash(out);
        }
        throw new FormatException("infohash " + Quoting.quote(text) + " must be 40 hex or 32 base32 characters, got " + text.length());
    }

    /** A copy of the 20 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** 40 lowercase hex digits. */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** 32 uppercase RFC 4648 base32 characters (the compact magnet form). */
    public String base32() {
        StringBuilder b = new StringBuilder(32);
        int buffer = 0;
        int bits = 0;
        for (byte x : bytes) {
            buffer = buffer << 8 | (x & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                b.append(BASE32.charAt((buffer >>> bits) & 31));
            }
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoHash h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(InfoHash o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }

    static MessageDigest sha1Digest() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
