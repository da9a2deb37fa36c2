package org.nixswarm.core.nar;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Nix's rules for the names of directory entries and for their order. */
final class NarNames {
    /** NAME_MAX on Linux: a longer name cannot exist on disk, so no real NAR holds one. */
    static final int MAX_NAME = 255;

    private NarNames() {}

    /** Null if {@code name} is a valid entry name, else what is wrong with it. */
    static String problem(byte[] name) {
        if (name.length == 0) return "empty file name";
        if (name.length > MAX_NAME) return "file name longer than " + MAX_NAME + " bytes";
        if (Arrays.equals(name, new byte[] {'.'}) || Arrays.equals(name, new byte[] {'.', '.'})) {
            return "file name '" + show(name) + "'";
        }
        for (byte b : name) {
            if (b == '/') return "file name containing '/': '" + show(name) + "'";
            if (b == 0) return "file name containing a NUL byte: '" + show(name) + "'";
        }
        return null;
    }

    /** Nix keeps entries in a std::map of std::string: unsigned byte order. */
    static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** A name for an error message: printable ASCII kept, everything else escaped. */
    static String show(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(bytes.length, 200);
        for (int i = 0; i < n; i++) {
            int c = bytes[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') sb.append((char) c);
            else sb.append(String.format("\\x%02x", c));
        }
        if (bytes.length > n) sb.append("...");
        return sb.toString();
    }

    static String show(String s) {
        return show(s.getBytes(StandardCharsets.UTF_8));
    }
}
