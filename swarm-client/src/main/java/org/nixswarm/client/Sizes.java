package org.nixswarm.client;

import java.util.Locale;

/** Sizes and rates as the command line writes them: {@code 10G}, {@code 500M}, {@code 64K}, {@code 0}. */
public final class Sizes {
    private Sizes() {}

    /** Bytes for {@code N[KMGT]} (binary multiples); {@code what} names the option in errors. */
    public static long parse(String text, String what) {
        if (text == null || text.isBlank()) throw new ClientException(what + ": empty size");
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("B") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        // "iB" or "B" alone: no digits left to look at
        if (t.isEmpty()) throw new ClientException(what + ": not a size '" + text + "' (expected e.g. 10G, 500M, 64K or 0)");
        long mult = 1;
        char last = t.charAt(t.length() - 1);
        switch (last) {
            case 'K' -> mult = 1L << 10;
            case 'M' -> mult = 1L << 20;
            case 'G' -> mult = 1L << 30;
            case 'T' -> mult = 1L << 40;
            default -> { }
        }
        if (mult != 1) t = t.substring(0, t.length() - 1);
        try {
            long n = Long.parseLong(t);
            if (n < 0) throw new ClientException(what + ": negative size '" + text + "'");
            return Math.multiplyExact(n, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ClientException(what + ": not a size '" + text + "' (expected e.g. 10G, 500M, 64K or 0)");
        }
    }

    public static String format(long bytes) {
        if (bytes < 1024) return bytes + " B";
        double v = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
