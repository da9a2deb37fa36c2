package org.nixswarm.tracker;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds announce and scrape targets, percent-encoding every byte of binary values. */
final class Query {
    private final String path;
    private final Map<String, String> params = new LinkedHashMap<>();

    private Query(String path) {
        this.path = path;
    }

    static Query announce(byte[] infoHash, byte[] peerId, int port, long left) {
        return new Query("/announce").bin("info_hash", infoHash).bin("peer_id", peerId).set("port", port)
                .set("uploaded", 0).set("downloaded", 0).set("left", left);
    }

    static Query path(String path) {
        return new Query(path);
    }

    Query set(String key, Object value) {
        params.put(key, String.valueOf(value));
        return this;
    }

    Query bin(String key, byte[] value) {
        params.put(key, pct(value));
        return this;
    }

    Query without(String key) {
        params.remove(key);
        return this;
    }

    static String pct(byte[] value) {
        StringBuilder b = new StringBuilder();
        for (byte x : value) b.append('%').append(String.format("%02X", x & 0xff));
        return b.toString();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(path);
        char sep = '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            b.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = '&';
        }
        return b.toString();
    }

    static byte[] hash(int i) {
        byte[] h = new byte[20];
        byte[] tag = "test-infohash".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, h, 0, tag.length);
        h[16] = (byte) (i >>> 24);
        h[17] = (byte) (i >>> 16);
        h[18] = (byte) (i >>> 8);
        h[19] = (byte) i;
        return h;
    }

    static byte[] peerId(int i) {
        return String.format("-TT0001-%012d", i).getBytes(StandardCharsets.US_ASCII);
    }
}
