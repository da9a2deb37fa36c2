package org.nixswarm.index.http;

import java.util.HexFormat;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.torrent.InfoHash;

/**
 * A request target of the index API (docs/formats.md, "Magnet index HTTP API"), parsed: which
 * endpoint, and its argument decoded, or why the argument is bad. Pure, so the router is fuzzed
 * without a server ({@code RouteFuzzTest}).
 *
 * @param endpoint the metrics label: path, narinfo, prefix, bundle, bundle-entries, metrics, cache-info or other
 * @param key the 20-byte store-path hash (path, narinfo) or the zero-padded prefix (prefix)
 * @param bits the prefix length in bits (prefix)
 * @param infohash the bundle (bundle, bundle-entries)
 * @param error why the argument is not acceptable (then 400), or null
 */
record Route(Kind kind, String endpoint, byte[] key, int bits, InfoHash infohash, String error) {
    enum Kind { PATH, NARINFO, PREFIX, BUNDLE, BUNDLE_ENTRIES, METRICS, CACHE_INFO, UNKNOWN }

    private static final String PATH = "/v1/path/";
    private static final String PREFIX = "/v1/prefix/";
    private static final String BUNDLE = "/v1/bundle/";
    private static final String ENTRIES = "/entries";
    private static final String NARINFO = ".narinfo";
    private static final int HASH_CHARS = 32;
    /** Longest argument echoed back in an error (the request line may be up to 4 KB). */
    private static final int ECHO = 80;

    static Route parse(String uri) {
        int end = uri.indexOf('?');
        if (end < 0) end = uri.length();
        if (uri.startsWith(PATH)) return storeHash(Kind.PATH, "path", uri, PATH.length(), end);
        if (uri.startsWith(PREFIX)) return prefix(uri.substring(PREFIX.length(), end));
        if (uri.startsWith(BUNDLE)) return bundle(uri.substring(BUNDLE.length(), end));
        if (end > NARINFO.length() && uri.startsWith(NARINFO, end - NARINFO.length()) && uri.lastIndexOf('/', end - 1) == 0) {
            return storeHash(Kind.NARINFO, "narinfo", uri, 1, end - NARINFO.length());
        }
        String path = uri.substring(0, end);
        if (path.equals("/metrics")) return new Route(Kind.METRICS, "metrics", null, 0, null, null);
        if (path.equals("/nix-cache-info")) return new Route(Kind.CACHE_INFO, "cache-info", null, 0, null, null);
        return new Route(Kind.UNKNOWN, "other", null, 0, null, "no such endpoint: " + echo(path));
    }

    boolean bad() {
        return error != null;
    }

    private static Route storeHash(Kind kind, String endpoint, String uri, int from, int to) {
        if (to - from == HASH_CHARS) {
            try {
                return new Route(kind, endpoint, NixBase32.decode(uri.substring(from, to), 20), 0, null, null);
            } catch (FormatException | IllegalArgumentException e) {
                // reported below
            }
        }
        return new Route(kind, endpoint, null, 0, null,
                "not a store path hash (32 Nix base32 characters): " + echo(uri.substring(from, Math.max(from, to))));
    }

    private static Route prefix(String hex) {
        if (hex.length() < 4 || hex.length() > 40 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return new Route(Kind.PREFIX, "prefix", null, 0, null,
                    "prefix must be 4 to 40 lowercase hex digits (at least 16 bits), got " + echo(hex));
        }
        byte[] prefix = new byte[20];
        byte[] given = HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : hex + "0");
        System.arraycopy(given, 0, prefix, 0, given.length);
        return new Route(Kind.PREFIX, "prefix", prefix, hex.length() * 4, null, null);
    }

    /** {@code <infohash>} (the torrent) or {@code <infohash>/entries} (the bundle's directory). */
    private static Route bundle(String arg) {
        boolean entries = arg.endsWith(ENTRIES);
        Kind kind = entries ? Kind.BUNDLE_ENTRIES : Kind.BUNDLE;
        String endpoint = entries ? "bundle-entries" : "bundle";
        String hex = entries ? arg.substring(0, arg.length() - ENTRIES.length()) : arg;
        try {
            return new Route(kind, endpoint, null, 0, InfoHash.parse(hex), null);
        } catch (FormatException | IllegalArgumentException e) {
            return new Route(kind, endpoint, null, 0, null, "not an infohash (40 hex digits): " + echo(hex));
        }
    }

    /** The argument as shown in an error: bounded, and without control characters. */
    static String echo(String s) {
        String cut = s.length() > ECHO ? s.substring(0, ECHO) + "…" : s;
        StringBuilder b = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }
}
