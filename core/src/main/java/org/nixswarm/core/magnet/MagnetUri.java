package org.nixswarm.core.magnet;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.core.torrent.Torrent;

/**
 * A BitTorrent magnet link: {@code magnet:?xt=urn:btih:<infohash>&dn=<name>&tr=<tracker>…&ws=<web
 * seed>…&so=<file indexes>} (BEP 9, BEP 19 {@code ws}, BEP 53 {@code so}, e.g. {@code 0,2,4-6}).
 * Immutable; {@link #parse} is strict and {@link #toString} writes the canonical form (hex infohash,
 * every value percent-encoded except RFC 3986 unreserved characters). Parameters it does not know
 * (e.g. {@code xl}, {@code x.pe}) are kept and written back.
 */
public final class MagnetUri {
    /** Bound on the file indexes an {@code so=} may select, so that {@code so=0-2000000000} cannot exhaust memory. */
    public static final int MAX_SELECTED = 1_000_000;
    private static final String PREFIX = "magnet:?";
    private static final String BTIH = "urn:btih:";

    private final InfoHash infoHash;
    private final Optional<String> displayName;
    private final List<String> trackers;
    private final List<String> webSeeds;
    private final SortedSet<Integer> selectOnly;
    private final List<Map.Entry<String, String>> otherParameters;

    private MagnetUri(InfoHash infoHash, Optional<String> displayName, List<String> trackers, List<String> webSeeds,
                      SortedSet<Integer> selectOnly, List<Map.Entry<String, String>> otherParameters) {
        this.infoHash = infoHash;
        this.displayName = displayName;
        this.trackers = List.copyOf(trackers);
        this.webSeeds = List.copyOf(webSeeds);
        this.selectOnly = Collections.unmodifiableSortedSet(new TreeSet<>(selectOnly));
        this.otherParameters = List.copyOf(otherParameters);
    }

    /** A magnet link with only the infohash. */
    public static MagnetUri of(InfoHash infoHash) {
        return new MagnetUri(infoHash, Optional.empty(), List.of(), List.of(), new TreeSet<>(), List.of());
    }

    /** A magnet link for a torrent: its infohash, name, trackers and web seeds. */
    public static MagnetUri of(Torrent torrent) {
        return of(torrent.infoHash()).withDisplayName(torrent.name()).withTrackers(torrent.trackers())
                .withWebSeeds(torrent.urlList());
    }

    public MagnetUri withDisplayName(String name) {
        return new MagnetUri(infoHash, Optional.of(name), trackers, webSeeds, selectOnly, otherParameters);
    }

    public MagnetUri withTrackers(Collection<String> trackers) {
        return new MagnetUri(infoHash, displayName, List.copyOf(trackers), webSeeds, selectOnly, otherParameters);
    }

    public MagnetUri withWebSeeds(Collection<String> webSeeds) {
        return new MagnetUri(infoHash, displayName, trackers, List.copyOf(webSeeds), selectOnly, otherParameters);
    }

    /** Selects only these file indexes (0-based, pad files count); empty selects everything. */
    public MagnetUri withSelectOnly(Collection<Integer> indexes) {
        TreeSet<Integer> set = new TreeSet<>();
        for (int i : indexes) {
            if (i < 0) throw new IllegalArgumentException("negative file index " + i);
            set.add(i);
        }
        return new MagnetUri(infoHash, displayName, trackers, webSeeds, set, otherParameters);
    }

    public InfoHash infoHash() {
        return infoHash;
    }

    public Optional<String> displayName() {
        return displayName;
    }

    public List<String> trackers() {
        return trackers;
    }

    public List<String> webSeeds() {
        return webSeeds;
    }

    /** The BEP 53 {@code so=} file indexes, ascending; empty when absent. */
    public SortedSet<Integer> selectOnly() {
        return selectOnly;
    }

    /** Parameters other than xt, dn, tr, ws and so, decoded, in order. */
    public List<Map.Entry<String, String>> otherParameters() {
        return otherParameters;
    }

    /** Parses a magnet link; the message of the exception names the offending parameter. */
    public static MagnetUri parse(String uri) {
        if (uri.length() < PREFIX.length() || !uri.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw error("must start with 'magnet:?'");
        }
        if (uri.indexOf('#') >= 0) throw error("a fragment ('#') is not allowed");
        String query = uri.substring(PREFIX.length());
        if (query.isEmpty()) throw error("no parameters");
        InfoHash infoHash = null;
        String displayName = null;
        List<String> trackers = new ArrayList<>();
        List<String> webSeeds = new ArrayList<>();
        SortedSet<Integer> selectOnly = null;
        List<Map.Entry<String, String>> other = new ArrayList<>();
        for (String param : query.split("&", -1)) {
            int eq = param.indexOf('=');
            if (param.isEmpty()) throw error("empty parameter (stray '&')");
            if (eq <= 0) throw error("parameter '" + abbreviate(param) + "' is not key=value");
            String key = decode(param.substring(0, eq), "parameter name");
            String value = decode(param.substring(eq + 1), key);
            // Some clients number repeated keys (tr.1, tr.2); they mean the same as tr.
            String base = key.matches("(tr|ws|xt)\\.[0-9]+") ? key.substring(0, key.indexOf('.')) : key;
            switch (base) {
                case "xt" -> {
                    if (value.regionMatches(true, 0, BTIH, 0, BTIH.length())) {
                        if (infoHash != null) throw error("xt: more than one urn:btih");
                        try {
                            infoHash = InfoHash.parse(value.substring(BTIH.length()));
                        } catch (FormatException e) {
                            throw error("xt: " + e.getMessage());
                        }
                    } else if (!value.regionMatches(true, 0, "urn:btmh:", 0, 9)) {
                        // btmh (a v2 hash of a hybrid torrent) is ignored; anything else is not BitTorrent.
                        throw error("xt: '" + abbreviate(value) + "' is not urn:btih:<infohash>");
                    }
                }
                case "dn" -> {
                    if (displayName != null) throw error("dn: given more than once");
                    displayName = value;
                }
                case "tr" -> trackers.add(nonEmpty(value, "tr"));
                case "ws" -> webSeeds.add(nonEmpty(value, "ws"));
                case "so" -> {
                    if (selectOnly != null) throw error("so: given more than once");
                    selectOnly = parseSelectOnly(value);
                }
                default -> other.add(Map.entry(key, value));
            }
        }
        if (infoHash == null) throw error("missing xt=urn:btih:<infohash>");
        return new MagnetUri(infoHash, Optional.ofNullable(displayName), trackers, webSeeds,
                selectOnly == null ? new TreeSet<>() : selectOnly, other);
    }

    /** The canonical form; {@code parse(toString())} gives an equal magnet link. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(PREFIX).append("xt=").append(BTIH).append(infoHash.hex());
        displayName.ifPresent(n -> b.append("&dn=").append(encode(n)));
        for (String t : trackers) b.append("&tr=").append(encode(t));
        for (String w : webSeeds) b.append("&ws=").append(encode(w));
        if (!selectOnly.isEmpty()) b.append("&so=").append(formatSelectOnly(selectOnly));
        for (Map.Entry<String, String> e : otherParameters) {
            b.append('&').append(encode(e.getKey())).append('=').append(encode(e.getValue()));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MagnetUri m && infoHash.equals(m.infoHash) && displayName.equals(m.displayName)
                && trackers.equals(m.trackers) && webSeeds.equals(m.webSeeds) && selectOnly.equals(m.selectOnly)
                && otherParameters.equals(m.otherParameters);
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** BEP 53: comma-separated indexes and inclusive ranges {@code a-b}, e.g. {@code 0,2,4-6}. */
    static SortedSet<Integer> parseSelectOnly(String value) {
        SortedSet<Integer> out = new TreeSet<>();
        if (value.isEmpty()) throw error("so: empty");
        long count = 0;
        for (String part : value.split(",", -1)) {
            if (!part.matches("[0-9]{1,10}(-[0-9]{1,10})?")) {
                throw error("so: '" + abbreviate(part) + "' is not an index or a range a-b");
            }
            int dash = part.indexOf('-');
            long from = Long.parseLong(dash < 0 ? part : part.substring(0, dash));
            long to = dash < 0 ? from : Long.parseLong(part.substring(dash + 1));
            if (to > Integer.MAX_VALUE) throw error("so: index " + to + " is out of range");
            if (to < from) throw error("so: range '" + part + "' ends before it starts");
            count += to - from + 1;
            if (count > MAX_SELECTED) throw error("so: selects more than " + MAX_SELECTED + " files");
            for (long i = from; i <= to; i++) out.add((int) i);
        }
        return out;
    }

    static String formatSelectOnly(SortedSet<Integer> indexes) {
        StringBuilder b = new StringBuilder();
        Integer start = null;
        Integer prev = null;
        for (int i : indexes) {
            if (prev != null && i == prev + 1) {
                prev = i;
                continue;
            }
            if (start != null) appendRange(b, start, prev);
            start = i;
            prev = i;
        }
        if (start != null) appendRange(b, start, prev);
        return b.toString();
    }

    private static void appendRange(StringBuilder b, int from, int to) {
        if (b.length() > 0) b.append(',');
        b.append(from);
        if (to > from) b.append('-').append(to);
    }

    /** Percent-encodes UTF-8, keeping only RFC 3986 unreserved characters as they are. */
    static String encode(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    /** Percent-decodes to UTF-8; {@code +} is a space, as browsers and most clients write it. */
    static String decode(String s, String what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 1 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0 || s.charAt(i + 1) > 0x7f || s.charAt(i + 2) > 0x7f) {
                    throw error(what + ": bad percent escape at '" + abbreviate(s.substring(i)) + "'");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+') {
                out.write(' ');
            } else if (c <= 0x20 || c >= 0x7f) {
                throw error(what + ": character U+" + String.format("%04X", (int) c) + " must be percent-encoded");
            } else {
                out.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw error(what + ": percent-encoded bytes are not valid UTF-8");
        }
    }

    private static String nonEmpty(String value, String key) {
        if (value.isEmpty()) throw error(key + ": empty");
        return value;
    }

    /** Shortened, with control characters escaped: the text is untrusted and the message is one line. */
    private static String abbreviate(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        StringBuilder b = new StringBuilder(t.length());
        for (char c : t.toCharArray()) {
            if (Character.isISOControl(c)) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    private static FormatException error(String what) {
        return new FormatException("magnet URI: " + what);
    }
}
