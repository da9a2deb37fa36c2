package org.nixswarm.core.bencode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nixswarm.core.FormatException;

/**
 * A strict bencode decoder for untrusted input. It accepts only the canonical encoding (no leading
 * zeros, no "-0", dictionary keys unique and in ascending byte order, nothing after the value), so
 * that re-encoding a decoded value gives back the same bytes: a torrent's infohash can then be
 * computed from the decoded info dictionary. Depth and sizes are bounded so that hostile input
 * cannot exhaust the stack or the heap.
 */
public final class BencodeDecoder {
    public static final int MAX_DEPTH = 64;

    private final byte[] in;
    private int pos;

    private BencodeDecoder(byte[] in) {
        this.in = in;
    }

    /** Decodes exactly one value that spans all of {@code input}. */
    public static BValue decode(byte[] input) {
        BencodeDecoder d = new BencodeDecoder(input);
        BValue v = d.value(0);
        if (d.pos != input.length) {
            throw d.error("trailing data after the value (" + (input.length - d.pos) + " bytes)");
        }
        return v;
    }

    private BValue value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        if (pos >= in.length) throw error("unexpected end of input");
        byte c = in[pos];
        if (c == 'i') return integer();
        if (c == 'l') return list(depth);
        if (c == 'd') return dict(depth);
        if (c >= '0' && c <= '9') return new BValue.BBytes(string());
        throw error("unexpected byte 0x" + String.format("%02x", c & 0xff) + ", expected i, l, d or a digit");
    }

    private BValue.BInt integer() {
        int start = pos;
        pos++; // 'i'
        int end = indexOf('e');
        // Hand-parsed rather than with a regex: torrents with many files hold millions of integers.
        int i = pos;
        boolean negative = i < end && in[i] == '-';
        if (negative) i++;
        boolean canonical = i < end && (in[i] != '0' || i + 1 == end) && !(negative && in[i] == '0');
        for (int j = i; j < end && canonical; j++) {
            if (in[j] < '0' || in[j] > '9') canonical = false;
        }
        if (!canonical) {
            String digits = ascii(pos, end);
            pos = start;
            throw error("malformed integer 'i" + printable(digits) + "e'");
        }
        if (end - pos > 20) throw error("integer too long");
        long v = 0;
        for (int j = i; j < end; j++) {
            int d = in[j] - '0';
            // Accumulate negatively so that Long.MIN_VALUE fits.
            if (v < (Long.MIN_VALUE + d) / 10) {
                String digits = ascii(pos, end);
                pos = start;
                throw error("integer out of range: " + truncate(digits));
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                String digits = ascii(pos, end);
                pos = start;
                throw error("integer out of range: " + truncate(digits));
            }
            v = -v;
        }
        pos = end + 1;
        return new BValue.BInt(v);
    }

    private byte[] string() {
        int start = pos;
        int colon = indexOf(':');
        boolean canonical = colon > pos && colon - pos <= 10 && (in[pos] != '0' || colon == pos + 1);
        long len = 0;
        for (int j = pos; j < colon && canonical; j++) {
            if (in[j] < '0' || in[j] > '9') canonical = false;
            len = len * 10 + (in[j] - '0');
        }
        if (!canonical) {
            throw error("malformed string length '" + printable(ascii(pos, colon)) + "'");
        }
        if (len > in.length - (colon + 1)) {
            pos = start;
            throw error("string of " + len + " bytes runs past the end of input");
        }
        pos = colon + 1;
        byte[] out = new byte[(int) len];
        System.arraycopy(in, pos, out, 0, (int) len);
        pos += (int) len;
        return out;
    }

    private BValue.BList list(int depth) {
        pos++; // 'l'
        List<BValue> values = new ArrayList<>();
        while (true) {
            if (pos >= in.length) throw error("unterminated list");
            if (in[pos] == 'e') {
                pos++;
                return new BValue.BList(values);
            }
            values.add(value(depth + 1));
        }
    }

    private BValue.BDict dict(int depth) {
        pos++; // 'd'
        Map<String, BValue> entries = new LinkedHashMap<>();
        String previous = null;
        while (true) {
            if (pos >= in.length) throw error("unterminated dictionary");
            if (in[pos] == 'e') {
                pos++;
                return new BValue.BDict(entries);
            }
            int keyAt = pos;
            byte c = in[pos];
            if (c < '0' || c > '9') throw error("dictionary key must be a byte string");
            String key = new String(string(), StandardCharsets.ISO_8859_1);
            if (previous != null && previous.compareTo(key) >= 0) {
                pos = keyAt;
                throw error(previous.equals(key)
                        ? "duplicate dictionary key '" + printable(key) + "'"
                        : "dictionary keys out of order: '" + printable(key) + "' after '" + printable(previous) + "'");
            }
            previous = key;
            entries.put(key, value(depth + 1));
        }
    }

    private int indexOf(char c) {
        for (int i = pos; i < in.length && i < pos + 32; i++) {
            if (in[i] == c) return i;
        }
        throw error("expected '" + c + "'");
    }

    private String ascii(int from, int to) {
        return new String(in, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private FormatException error(String what) {
        return new FormatException("bencode: " + what + " at byte " + pos);
    }

    private static String truncate(String s) {
        return s.length() > 24 ? s.substring(0, 24) + "…" : s;
    }

    private static String printable(String key) {
        StringBuilder b = new StringBuilder();
        for (char ch : truncate(key).toCharArray()) {
            b.append(ch >= 0x20 && ch < 0x7f ? String.valueOf(ch) : String.format("\\x%02x", (int) ch));
        }
        return b.toString();
    }
}
