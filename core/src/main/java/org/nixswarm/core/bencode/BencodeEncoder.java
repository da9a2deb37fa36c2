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
            ascii(out, "i" + i.value() + "e");
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
        ascii(out, b.length + ":");
        out.write(b, 0, b.length);
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
    }
}
