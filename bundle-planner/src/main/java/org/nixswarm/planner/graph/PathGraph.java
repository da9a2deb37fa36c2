package org.nixswarm.planner.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * The store paths the planner works on, as int ids 0..n-1 with primitive arrays: the store-path
 * hash part and name, FileSize (compressed bytes: what a torrent holds), NarSize, and the
 * reference graph in CSR form (self references and references outside the set are dropped).
 * Memory is O(n + references), so 10 M paths fit in a few GB.
 */
public final class PathGraph {
    public final int n;
    private final String[] hash;
    private final String[] name;
    public final long[] fileSize;
    public final long[] narSize;
    public final int[] refOff;
    public final int[] refs;
    private final long danglingRefs;

    private PathGraph(String[] hash, String[] name, long[] fileSize, long[] narSize, int[] refOff, int[] refs,
            long danglingRefs) {
        this.n = hash.length;
        this.hash = hash;
        this.name = name;
        this.fileSize = fileSize;
        this.narSize = narSize;
        this.refOff = refOff;
        this.refs = refs;
        this.danglingRefs = danglingRefs;
    }

    public String hash(int p) {
        return hash[p];
    }

    public String name(int p) {
        return name[p];
    }

    /** {@code <hash>-<name>}, the store path's base name. */
    public String baseName(int p) {
        return hash[p] + "-" + name[p];
    }

    /** References that named a path outside this graph (a partial cache): dropped, counted. */
    public long danglingRefs() {
        return danglingRefs;
    }

    public long totalFileSize() {
        long s = 0;
        for (long f : fileSize) s += f;
        return s;
    }

    /** The id of a 32-character hash part, or -1. Builds its lookup table on first use. */
    public int idOf(String hashPart) {
        LongIntMap m = index;
        if (m == null) {
            m = new LongIntMap(n);
            for (int p = 0; p < n; p++) m.put(HashKey.of(hash[p]), p);
            index = m;
        }
        long k = HashKey.of(hashPart);
        int p = k == HashKey.INVALID ? -1 : m.get(k);
        return p >= 0 && hash[p].equals(hashPart) ? p : -1;
    }

    private volatile LongIntMap index;

    /** Reverse references (referrers) in CSR form: {@code [0]} offsets, {@code [1]} ids. */
    public int[][] referrers() {
        int[] cnt = new int[n + 1];
        for (int r : refs) cnt[r + 1]++;
        for (int i = 0; i < n; i++) cnt[i + 1] += cnt[i];
        int[] pos = cnt.clone();
        int[] out = new int[refs.length];
        for (int p = 0; p < n; p++) {
            for (int i = refOff[p]; i < refOff[p + 1]; i++) out[pos[refs[i]]++] = p;
        }
        return new int[][] {cnt, out};
    }

    /** The first {@code m} paths (references among them kept): a release's graph when ids are appended per release. */
    public PathGraph prefix(int m) {
        if (m == n) return this;
        int[] off = java.util.Arrays.copyOf(refOff, m + 1);
        IntList out = new IntList(off[m]);
        int[] o2 = new int[m + 1];
        for (int p = 0; p < m; p++) {
            for (int i = refOff[p]; i < refOff[p + 1]; i++) if (refs[i] < m) out.add(refs[i]);
            o2[p + 1] = out.size();
        }
        return new PathGraph(java.util.Arrays.copyOf(hash, m), java.util.Arrays.copyOf(name, m),
                java.util.Arrays.copyOf(fileSize, m), java.util.Arrays.copyOf(narSize, m), o2, out.toArray(), danglingRefs);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects paths with references by hash part, resolved when built. */
    public static final class Builder {
        private final List<String> hashes = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final LongList fileSizes = new LongList();
        private final LongList narSizes = new LongList();
        private final List<String[]> refHashes = new ArrayList<>();

        /** Adds a path; {@code references} are hash parts (or base names; only the first 32 chars count). */
        public int add(String hashPart, String name, long fileSize, long narSize, List<String> references) {
            hashes.add(hashPart);
            names.add(name);
            fileSizes.add(fileSize);
            narSizes.add(narSize);
            String[] r = new String[references.size()];
            for (int i = 0; i < r.length; i++) {
                String s = references.get(i);
                r[i] = s.length() > 32 ? s.substring(0, 32) : s;
            }
            refHashes.add(r);
            return hashes.size() - 1;
        }

        public int size() {
            return hashes.size();
        }

        public PathGraph build() {
            int n = hashes.size();
            LongIntMap ids = new LongIntMap(n);
            for (int p = 0; p < n; p++) {
                long k = HashKey.of(hashes.get(p));
                if (k == HashKey.INVALID) throw new IllegalArgumentException("not a store-path hash: " + hashes.get(p));
                if (ids.get(k) >= 0) throw new IllegalArgumentException("duplicate store path hash " + hashes.get(p));
                ids.put(k, p);
            }
            int[] off = new int[n + 1];
            IntList out = new IntList(n * 4);
            long dangling = 0;
            for (int p = 0; p < n; p++) {
                for (String r : refHashes.get(p)) {
                    long k = HashKey.of(r);
                    int q = k == HashKey.INVALID ? -1 : ids.get(k);
                    if (q < 0 || !hashes.get(q).equals(r)) {
                        dangling++;
                    } else if (q != p) {
                        out.add(q);
                    }
                }
                off[p + 1] = out.size();
            }
            return new PathGraph(hashes.toArray(new String[0]), names.toArray(new String[0]), fileSizes.toArray(),
                    narSizes.toArray(), off, out.toArray(), dangling);
        }
    }
}
