package org.nixswarm.index.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * All loaded segments, newest generation first: a hash found in several generations is answered
 * from the newest (a bundle never changes, but a later plan may place a path again).
 */
public final class IndexStore {
    private final List<Segment> segments;

    public IndexStore(List<Segment> segments) {
        List<Segment> sorted = new ArrayList<>(segments);
        sorted.sort(Comparator.comparing((Segment s) -> s.meta().generation()).reversed());
        this.segments = List.copyOf(sorted);
    }

    public List<Segment> segments() {
        return segments;
    }

    public long size() {
        return segments.stream().mapToLong(Segment::count).sum();
    }

    /** One hit: the record bytes and the segment (for its manifest data). */
    public record Hit(Segment segment, byte[] record) {}

    public Hit get(byte[] key) {
        for (Segment s : segments) {
            int i = s.find(key);
            if (i >= 0) return new Hit(s, s.record(i));
        }
        return null;
    }

    /** Every entry whose hash starts with the first {@code bits} bits of {@code prefix}, sorted by hash. */
    public List<Hit> prefix(byte[] prefix, int bits) {
        Map<String, Hit> byKey = new TreeMap<>();
        for (Segment s : segments) {
            int[] r = s.range(prefix, bits);
            for (int i = r[0]; i < r[1]; i++) {
                byKey.putIfAbsent(java.util.HexFormat.of().formatHex(s.key(i)), new Hit(s, s.record(i)));
            }
        }
        return new ArrayList<>(byKey.values());
    }
}
