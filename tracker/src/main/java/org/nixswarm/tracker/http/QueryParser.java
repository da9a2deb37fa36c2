package org.nixswarm.tracker.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.nixswarm.tracker.AnnounceRequest;
import org.nixswarm.tracker.ErrorKind;
import org.nixswarm.tracker.Event;
import org.nixswarm.tracker.IpLiteral;
import org.nixswarm.tracker.RequestRefused;

/**
 * Decodes announce and scrape query strings straight from the request bytes (percent-decoding
 * each value once, into exactly the bytes BEP 3 means). Every field is checked; anything wrong is
 * a {@link RequestRefused} naming the field and, shortened and escaped, the value.
 */
final class QueryParser {
    static final int MAX_SCRAPE_HASHES = 64;
    private static final int MAX_KEY = 64;

    private QueryParser() {}

    static AnnounceRequest announce(byte[] t, int from, int to, boolean trustIp) {
        byte[] infoHash = null;
        byte[] peerId = null;
        int port = -1;
        long uploaded = -1;
        long downloaded = -1;
        long left = -1;
        Event event = Event.NONE;
        int numwant = -1;
        boolean compact = true;
        boolean noPeerId = false;
        byte[] ip = null;
        String key = null;
        int p = from;
        while (p < to) {
            int amp = indexOf(t, (byte) '&', p, to);
            int eq = indexOf(t, (byte) '=', p, amp);
            int ks = p;
            int ke = eq;
            int vs = eq < amp ? eq + 1 : amp;
            p = amp + 1;
            if (ke == ks) continue;
            switch (keyOf(t, ks, ke)) {
                case "info_hash":
                    if (infoHash != null) throw new RequestRefused(ErrorKind.BAD_INFO_HASH, "info_hash given twice");
                    infoHash = exact20(t, vs, amp, "info_hash", ErrorKind.BAD_INFO_HASH);
                    break;
                case "peer_id":
                    peerId = exact20(t, vs, amp, "peer_id", ErrorKind.BAD_PEER_ID);
                    break;
                case "port": {
                    long v = number(t, vs, amp, "port", ErrorKind.BAD_PORT);
                    if (v < 1 || v > 65535) {
                        throw new RequestRefused(ErrorKind.BAD_PORT, "port must be from 1 to 65535, got " + show(t, vs, amp));
                    }
                    port = (int) v;
                    break;
                }
                case "uploaded":
                    uploaded = number(t, vs, amp, "uploaded", ErrorKind.BAD_NUMBER);
                    break;
                case "downloaded":
                    downloaded = number(t, vs, amp, "downloaded", ErrorKind.BAD_NUMBER);
                    break;
                case "left":
                    left = number(t, vs, amp, "left", ErrorKind.BAD_NUMBER);
                    break;
                case "event":
                    event = event(t, vs, amp);
                    break;
                case "numwant": {
                    long v = number(t, vs, amp, "numwant", ErrorKind.BAD_NUMWANT);
                    if (v > Integer.MAX_VALUE) {
                        throw new RequestRefused(ErrorKind.BAD_NUMWANT,
                                "numwant must be from 0 to " + Integer.MAX_VALUE + ", got " + show(t, vs, amp));
                    }
                    numwant = (int) v;
                    break;
                }
                case "compact":
                    compact = flag(t, vs, amp, "compact");
                    break;
                case "no_peer_id":
                    noPeerId = flag(t, vs, amp, "no_peer_id");
                    break;
                case "key": {
                    byte[] k = decode(t, vs, amp, "key");
                    if (k.length == 0 || k.length > MAX_KEY) {
                        throw new RequestRefused(ErrorKind.BAD_KEY, "key must be 1 to " + MAX_KEY + " bytes, got " + k.length);
                    }
                    key = new String(k, StandardCharsets.ISO_8859_1);
                    break;
                }
                case "ip":
                    if (trustIp) {
                        byte[] v = decode(t, vs, amp, "ip");
                        ip = IpLiteral.parse(new String(v, StandardCharsets.ISO_8859_1));
                        if (ip == null) {
                            throw new RequestRefused(ErrorKind.BAD_IP, "ip must be an IPv4 or IPv6 address literal, got "
                                    + show(t, vs, amp));
                        }
                    }
                    break;
                default:
                    break; // clients send many optional parameters (supportcrypto, corrupt, …)
            }
        }
        if (infoHash == null) throw missing("info_hash");
        if (peerId == null) throw missing("peer_id");
        if (port < 0) throw missing("port");
        if (uploaded < 0) throw missing("uploaded");
        if (downloaded < 0) throw missing("downloaded");
        if (left < 0) throw missing("left");
        return new AnnounceRequest(infoHash, peerId, port, uploaded, downloaded, left, event, numwant, compact,
                noPeerId, ip, key);
    }

    /** The distinct infohashes of a scrape, in the order given. */
    static List<byte[]> scrape(byte[] t, int from, int to) {
        List<byte[]> hashes = new ArrayList<>(4);
        int p = from;
        while (p < to) {
            int amp = indexOf(t, (byte) '&', p, to);
            int eq = indexOf(t, (byte) '=', p, amp);
            int vs = eq < amp ? eq + 1 : amp;
            int ks = p;
            p = amp + 1;
            if (eq - ks == 9 && "info_hash".equals(keyOf(t, ks, eq))) {
                if (hashes.size() == MAX_SCRAPE_HASHES) {
                    throw new RequestRefused(ErrorKind.TOO_MANY_HASHES,
                            "a scrape may name at most " + MAX_SCRAPE_HASHES + " info_hash values");
                }
                hashes.add(exact20(t, vs, amp, "info_hash", ErrorKind.BAD_INFO_HASH));
            }
        }
        if (hashes.isEmpty()) {
            throw new RequestRefused(ErrorKind.MISSING_FIELD,
                    "scrape needs at least one info_hash (full scrapes are not served)");
        }
        return hashes;
    }

    private static RequestRefused missing(String field) {
        return new RequestRefused(ErrorKind.MISSING_FIELD, "missing " + field);
    }

    private static String keyOf(byte[] t, int from, int to) {
        if (to - from > 32) return "";
        return new String(t, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static byte[] exact20(byte[] t, int from, int to, String field, ErrorKind kind) {
        byte[] v = decode(t, from, to, field);
        if (v.length != 20) {
            throw new RequestRefused(kind, field + " must be 20 bytes, got " + v.length);
        }
        return v;
    }

    /**
     * A non-negative decimal up to 18 digits (fits in a long with room), no sign, no spaces. Some
     * clients (Bt) percent-encode every byte of every value, digits included, so an encoded value is
     * decoded first; the common plain value is parsed in place without allocating.
     */
    private static long number(byte[] t, int from, int to, String field, ErrorKind kind) {
        if (indexOf(t, (byte) '%', from, to) < to) {
            byte[] plain = decode(t, from, to, field);
            return number(plain, 0, plain.length, field, kind);
        }
        int n = to - from;
        if (n == 0 || n > 18) {
            throw new RequestRefused(kind, field + " must be a non-negative integer, got " + show(t, from, to));
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = t[i] - '0';
            if (d < 0 || d > 9) {
                throw new RequestRefused(kind, field + " must be a non-negative integer, got " + show(t, from, to));
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static boolean flag(byte[] t, int from, int to, String field) {
        if (indexOf(t, (byte) '%', from, to) < to) {
            byte[] plain = decode(t, from, to, field);
            return flag(plain, 0, plain.length, field);
        }
        if (to - from == 1 && (t[from] == '0' || t[from] == '1')) return t[from] == '1';
        throw new RequestRefused(ErrorKind.BAD_FLAG, field + " must be 0 or 1, got " + show(t, from, to));
    }

    private static Event event(byte[] t, int from, int to) {
        if (indexOf(t, (byte) '%', from, to) < to) {
            byte[] plain = decode(t, from, to, "event");
            return event(plain, 0, plain.length);
        }
        switch (keyOf(t, from, to)) {
            case "":
            case "empty":
                return Event.NONE;
            case "started":
                return Event.STARTED;
            case "completed":
                return Event.COMPLETED;
            case "stopped":
                return Event.STOPPED;
            case "paused":
                return Event.PAUSED;
            default:
                throw new RequestRefused(ErrorKind.BAD_EVENT,
                        "event must be started, completed, stopped, paused or empty, got " + show(t, from, to));
        }
    }

    /** Percent-decodes {@code t[from, to)}; {@code +} is a space, as in HTML forms. */
    static byte[] decode(byte[] t, int from, int to, String field) {
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte c = t[i];
            if (c == '%') {
                int hi = i + 2 < to ? hex(t[i + 1]) : -1;
                int lo = hi >= 0 ? hex(t[i + 2]) : -1;
                if (lo < 0) {
                    throw new RequestRefused(ErrorKind.MALFORMED_QUERY, "malformed percent-encoding in " + field);
                }
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else {
                out[n++] = c == '+' ? (byte) ' ' : c;
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    static int indexOf(byte[] t, byte b, int from, int to) {
        for (int i = from; i < to; i++) if (t[i] == b) return i;
        return to;
    }

    /** A value for an error message: at most 32 bytes, non-printable bytes escaped. */
    static String show(byte[] t, int from, int to) {
        StringBuilder b = new StringBuilder("'");
        int end = Math.min(to, from + 32);
        for (int i = from; i < end; i++) {
            int c = t[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') b.append((char) c);
            else b.append(String.format("\\x%02x", c));
        }
        if (end < to) b.append("…");
        return b.append('\'').toString();
    }
}
