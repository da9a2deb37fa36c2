package org.nixswarm.core.store;

/**
 * Puts untrusted text into an error message: single-quoted, control and non-ASCII characters
 * escaped, cut short when long, so that the message stays one readable line.
 */
public final class Quoting {
    private static final int LIMIT = 100;

    private Quoting() {}

    public static String quote(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), LIMIT) + 16).append('\'');
        int limit = Math.min(s.length(), LIMIT);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) b.append(c);
            else b.append(String.format("\\u%04x", (int) c));
        }
        b.append('\'');
        if (s.length() > limit) b.append("... (").append(s.length()).append(" characters)");
        return b.toString();
    }
}
