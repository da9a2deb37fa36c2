package org.nixswarm.core.testcache;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.store.StorePath;

/**
 * A binary cache written by {@link TestCacheGenerator}: where it is, the key that verifies it, and
 * its store paths in generation order (every path's references come before it).
 */
public final class TestCache {
    /** One store path of the cache; {@code depth} is the longest reference chain below it (0: no references but itself). */
    public record Entry(NarInfo narInfo, int depth) {
        public StorePath storePath() {
            return narInfo.storePath();
        }

        /** The {@code .nar.xz} file, relative to the cache directory ({@code nar/<filehash>.nar.xz}). */
        public String url() {
            return narInfo.url();
        }
    }

    private final Path dir;
    private final PublicKey publicKey;
    private final Map<StorePath, Entry> entries;

    TestCache(Path dir, PublicKey publicKey, List<Entry> entries) {
        this.dir = dir;
        this.publicKey = publicKey;
        Map<StorePath, Entry> m = new LinkedHashMap<>();
        for (Entry e : entries) m.put(e.storePath(), e);
        this.entries = java.util.Collections.unmodifiableMap(m);
    }

    public Path dir() {
        return dir;
    }

    /** The public half of the signing key, as written to {@code dir/public-key}. */
    public PublicKey publicKey() {
        return publicKey;
    }

    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    public Entry entry(StorePath p) {
        Entry e = entries.get(p);
        if (e == null) throw new IllegalArgumentException(p + " is not in the cache");
        return e;
    }

    /** The path with the deepest closure (the first such in generation order). */
    public Entry deepest() {
        Entry best = null;
        for (Entry e : entries.values()) if (best == null || e.depth() > best.depth()) best = e;
        return best;
    }

    /** {@code p} and everything it references, directly or not. */
    public Set<StorePath> closure(StorePath p) {
        Set<StorePath> seen = new LinkedHashSet<>();
        Deque<StorePath> todo = new ArrayDeque<>();
        todo.push(p);
        while (!todo.isEmpty()) {
            StorePath q = todo.pop();
            if (!seen.add(q)) continue;
            for (StorePath r : entry(q).narInfo().referencePaths()) if (!seen.contains(r)) todo.push(r);
        }
        return seen;
    }

    /** The total size of the {@code .nar.xz} files. */
    public long totalFileSize() {
        long sum = 0;
        for (Entry e : entries.values()) sum += e.narInfo().fileSize().orElse(0);
        return sum;
    }

    public long totalNarSize() {
        long sum = 0;
        for (Entry e : entries.values()) sum += e.narInfo().narSize();
        return sum;
    }
}
