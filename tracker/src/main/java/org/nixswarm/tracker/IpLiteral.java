package org.nixswarm.tracker;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Address literals, parsed without ever asking DNS. */
public final class IpLiteral {
    private IpLiteral() {}

    /** The 4 or 16 address bytes of an IPv4 or IPv6 literal, or null if it is not one. */
    public static byte[] parse(String s) {
        if (s.isEmpty() || s.length() > 45) return null;
        boolean colon = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') colon = true;
            else if (!(c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return null;
        }
        if (!colon) return parseV4(s);
        try {
            // A literal with a colon never reaches DNS.
            return normalize(InetAddress.getByName(s).getAddress());
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] parseV4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i == s.length() ? '.' : s.charAt(i);
            if (c == '.') {
                if (value < 0 || part > 3) return null;
                out[part++] = (byte) value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                if (value == 0) return null; // no leading zeros: "010" is octal to some parsers
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) return null;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    /** IPv4-mapped IPv6 addresses become plain IPv4, so a dual-stack socket sees one peer once. */
    public static byte[] normalize(byte[] a) {
        if (a.length == 16) {
            for (int i = 0; i < 10; i++) if (a[i] != 0) return a;
            if (a[10] == (byte) 0xff && a[11] == (byte) 0xff) return new byte[] {a[12], a[13], a[14], a[15]};
        }
        return a;
    }

    public static String format(byte[] a, int off, int len) {
        try {
            byte[] b = new byte[len];
            System.arraycopy(a, off, b, 0, len);
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
