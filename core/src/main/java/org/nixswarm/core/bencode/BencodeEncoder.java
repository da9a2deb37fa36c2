package org.nixswarm.core.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes the canonical bencoding of a value: dictionary keys in raw byte order. */
public final class BencodeEncoder {
    private BencodeEncoder() {}

    public static byte[] encode(BValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        write(value, out);
        return out.toByteArray();
    }

    public static void write(BValue value, ByteArrayOutputStream out) {
        // Java 17: no pattern matching for switch yet, so an instanceof chain over the sealed type.
        if (value instanceof BValue.BInt i) {
            out.write('i');
            number(out, i.value());
            out.write('e');
        } else if (value instanceof BValue.BBytes b) {
            bytes(out, b.bytes());
        } else if (value instanceof BValue.BList l) {
            out.write('l');
            for (BValue v : l.values()) write(v, out);
            out.write('e');
        } else if (value instanceof BValue.BDict d) {
            out.write('d');
            // BDict keeps a TreeMap of ISO-8859-1 strings: iteration order is raw byte order.
            for (Map.Entry<String, BValue> e : d.entries().entrySet()) {
                bytes(out, e.getKey().getBytes(StandardCharsets.ISO_8859_1));
                write(e.getValue(), out);
            }
            out.write('e');
        }
    }

    private static void bytes(ByteArrayOutputStream out, byte[] b) {
        number(out, b.length);
        out.write(':');
        out.write(b, 0, b.length);
    }

    /** Decimal digits straight into the output: no String per integer (torrents hold millions). */
    private static void number(ByteArrayOutputStream out, long v) {
        if (v == Long.MIN_VALUE) {
            ascii(out, Long.toString(v));
            return;
        }
        if (v < 0) {
            out.write('-');
            v = -v;
        }
        byte[] digits = new byte[19];
        int at = digits.length;
        do {
            digits[--at] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        out.write(digits, at, digits.length - at);
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
    }
}
