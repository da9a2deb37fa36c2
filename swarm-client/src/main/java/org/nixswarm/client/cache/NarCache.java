package org.nixswarm.client.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.nixswarm.client.ClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's disk cache, laid out like a binary cache so that one {@code nar/} directory serves
 * Nix, every bundle's swarm and the web seed alike:
 * <pre>
 * DIR/nar/&lt;file&gt;              complete files, FileHash verified
 * DIR/partial/&lt;file&gt;.part      downloads in progress (never served beyond verified pieces)
 * DIR/partial/&lt;file&gt;.pieces    their verified pieces
 * DIR/spare/                   empty files made ahead, renamed into partial/ (see SpareFiles)
 * DIR/narinfo/&lt;hash&gt;.narinfo   narinfo texts as received (signatures intact)
 * DIR/bundles/&lt;infohash&gt;.torrent
 * </pre>
 * Bounded and least-recently-used: the access time is the file's mtime, so the order survives a
 * restart. Every write goes to a temporary name and is renamed into place.
 *
 * <p>Two budgets, never shared: the LRU budget ({@code --cache-size}, {@link #used()}) holds what
 * Nix asked for; files held for volunteer seeding ({@code --seed-budget}, {@link #seedUsed()}) are
 * counted against the seed budget instead and are never evicted while a bundle holds them (the holds
 * are saved in {@code DIR/seeding.list}, so a restart does not evict them either). A file released
 * by every bundle joins the LRU as its youngest entry.
 *
 * <p>Eviction never deletes a file in use: one pinned by a stream to Nix, or one a peer read
 * within {@link #UPLOAD_ACTIVE_MILLIS} (seeding alone does not protect a file, or a cache whose every file
 * is seeded could never shrink). Such files may keep the LRU over its bound until they are idle; the
 * next pass (after a completion or an unpin) removes them.
 *
 * <p>Crash safety: the cache's index is the directory itself (sizes and mtimes, rebuilt by a scan at
 * start), eviction is one unlink per file, and a completed file is renamed into {@code nar/} before
 * it is counted. A {@code kill -9} between the rename and the eviction it causes, or half way
 * through a pass, leaves the LRU over its bound: the start-up scan evicts, so the bound holds again
 * before anything is served.
 */
public final class NarCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NarCache.class);
    /** A file a peer read this recently is being uploaded: eviction leaves it alone. */
    public static final long UPLOAD_ACTIVE_MILLIS = 30_000;
    private static final String SEEDING_LIST = "seeding.list";

    private final Path dir;
    private final long capacity;
    private final Map<String, NarFile> files = new ConcurrentHashMap<>();
    private final Map<String, Integer> pins = new HashMap<>();
    // name -> last access millis, for the complete files in nar/
    private final LinkedHashMap<String, Long> lru = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Long> sizes = new HashMap<>();
    private final Set<String> verifiedSinceStart = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> lastUpload = new ConcurrentHashMap<>();
    // volunteer holds: bundle infohash -> (file name -> size); a held file is in no LRU structure
    private final Map<String, Map<String, Long>> holds = new LinkedHashMap<>();
    // complete held files on disk -> size
    private final Map<String, Long> seedFiles = new HashMap<>();
    private long seedBudget = Long.MAX_VALUE;
    private long used;
    private long seedUsed;
    private final SpareFiles spares;

    public NarCache(Path dir, long capacity) {
        this.dir = dir;
        this.capacity = capacity;
        try {
            Files.createDirectories(narDir());
            Files.createDirectories(partialDir());
            Files.createDirectories(narinfoDir());
            Files.createDirectories(bundleDir());
            loadHolds();
            scan();
            evict();
            spares = new SpareFiles(dir.resolve("spare"), 4);
        } catch (IOException e) {
            throw new ClientException("cache directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() { return dir; }
    public Path narDir() { return dir.resolve("nar"); }
    public Path partialDir() { return dir.resolve("partial"); }
    SpareFiles spares() { return spares; }
    public Path narinfoDir() { return dir.resolve("narinfo"); }
    public Path bundleDir() { return dir.resolve("bundles"); }
    public long capacity() { return capacity; }

    /** Bytes of complete files in the LRU budget ({@code --cache-size}). */
    public synchronized long used() { return used; }

    /** Bytes of complete files held for volunteer seeding ({@code --seed-budget}). */
    public synchronized long seedUsed() { return seedUsed; }

    private void scan() throws IOException {
        List<Map.Entry<String, Long>> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(narDir())) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(".tmp-")) {
                    Files.deleteIfExists(p); // a rename that never happened
                    continue;
                }
                long size = Files.size(p);
                if (isHeld(n)) {
                    seedFiles.put(n, size);
                    seedUsed += size;
                    continue;
                }
                found.add(Map.entry(n, Files.getLastModifiedTime(p).toMillis()));
                sizes.put(n, size);
                used += size;
            }
        }
        found.sort(Map.Entry.comparingByValue());
        for (Map.Entry<String, Long> e : found) lru.put(e.getKey(), e.getValue());
    }

    /**
     * The file for {@code name} of the given size and FileHash: complete from {@code nar/}, or a
     * fresh or resumed partial file. Complete files found on disk at start are re-checked against
     * the FileHash the first time they are asked for (restart verifies).
     */
    public NarFile file(String name, long size, String fileHash) {
        checkName(name);
        NarFile f = files.get(name);
        if (f != null) {
            if (f.size() != size || !f.fileHash().equals(fileHash)) {
                throw new ClientException(name + ": asked with size " + size + " / " + fileHash
                        + " but known with size " + f.size() + " / " + f.fileHash());
            }
            return f;
        }
        synchronized (this) {
            f = files.get(name);
            if (f != null) return f;
            f = new NarFile(this, name, size, fileHash);
            Path finalPath = narDir().resolve(name);
            if (Files.exists(finalPath)) {
                if (verifiedSinceStart.contains(name) || verifyComplete(finalPath, size, fileHash)) {
                    try {
                        f.openComplete();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    verifiedSinceStart.add(name);
                } else {
                    LOG.warn("{}: cached file does not match its FileHash; discarded", name);
                    removeComplete(name);
                }
            }
            files.put(name, f);
            touch(name);
            return f;
        }
    }

    /** A file already known this run (complete or in progress), if any. */
    public Optional<NarFile> existing(String name) {
        return Optional.ofNullable(files.get(name));
    }

    /** True when {@code nar/<name>} is on disk (complete, maybe not yet re-verified this run). */
    public synchronized boolean hasComplete(String name) {
        return lru.containsKey(name) || seedFiles.containsKey(name);
    }

    private boolean verifyComplete(Path p, long size, String fileHash) {
        try {
            if (Files.size(p) != size) return false;
            java.security.MessageDigest sha = NarFile.digest("SHA-256");
            try (var in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) sha.update(buf, 0, r);
            }
            return NarFile.fileHashMatches(fileHash, sha.digest());
        } catch (IOException e) {
            return false;
        }
    }

    synchronized void completed(NarFile f) {
        verifiedSinceStart.add(f.name());
        if (isHeld(f.name())) {
            if (seedFiles.put(f.name(), f.size()) == null) seedUsed += f.size();
            evict(); // nothing of ours to evict, but a pass deferred by a pin may be due
            return;
        }
        if (!lru.containsKey(f.name())) {
            used += f.size();
            sizes.put(f.name(), f.size());
        }
        lru.put(f.name(), System.currentTimeMillis());
        evict();
    }

    synchronized void forget(NarFile f) {
        files.remove(f.name(), f);
    }

    /** Marks a use: moves the file to the young end of the LRU order (and on disk, its mtime). */
    public synchronized void touch(String name) {
        if (lru.containsKey(name)) {
            long now = System.currentTimeMillis();
            lru.put(name, now);
            try {
                Files.setLastModifiedTime(narDir().resolve(name), FileTime.fromMillis(now));
            } catch (IOException ignored) {
                // the order is a hint; losing it costs only a less precise eviction
            }
        }
    }

    /** Keeps a file from eviction while it is being served or seeded on purpose. */
    public synchronized void pin(String name) {
        pins.merge(name, 1, Integer::sum);
    }

    /** Ends a pin; the eviction it held back happens now. */
    public synchronized void unpin(String name) {
        pins.computeIfPresent(name, (k, v) -> v <= 1 ? null : v - 1);
        evict();
    }

    /** A peer read from {@code name} (Bt's storage calls this per block): an upload is in progress. */
    public void noteUpload(String name) {
        lastUpload.put(name, System.currentTimeMillis());
    }

    /** True while eviction must leave the file alone (see the class comment). */
    private boolean inUse(String name, long now) {
        if (pins.containsKey(name)) return true;
        Long t = lastUpload.get(name);
        return t != null && now - t < UPLOAD_ACTIVE_MILLIS;
    }

    // --- volunteer seeding: its own budget ---

    /** The {@code --seed-budget}: the most that files held for seeding may take. */
    public synchronized void setSeedBudget(long bytes) {
        this.seedBudget = bytes;
    }

    public synchronized long seedBudget() { return seedBudget; }

    /**
     * Holds a bundle's files (name → size) for seeding: they leave the LRU budget for the seed
     * budget and are not evicted until {@link #releaseSeeding}. Refused when the files of every held
     * bundle together would not fit in the seed budget.
     */
    public synchronized void holdForSeeding(String bundle, Map<String, Long> bundleFiles) {
        for (String n : bundleFiles.keySet()) checkName(n);
        Map<String, Long> after = new HashMap<>();
        for (Map.Entry<String, Map<String, Long>> h : holds.entrySet()) if (!h.getKey().equals(bundle)) after.putAll(h.getValue());
        after.putAll(bundleFiles);
        long reserved = after.values().stream().mapToLong(Long::longValue).sum();
        if (reserved > seedBudget) {
            throw new ClientException("bundle " + bundle + ": seeding it would hold " + reserved + " bytes, over the seed budget of "
                    + seedBudget + " bytes");
        }
        holds.put(bundle, Map.copyOf(bundleFiles));
        for (String n : bundleFiles.keySet()) {
            if (lru.remove(n) != null) {
                long s = sizes.remove(n);
                used -= s;
                seedFiles.put(n, s);
                seedUsed += s;
            }
        }
        saveHolds();
    }

    /** Ends a bundle's hold: its files no longer held by another bundle join the LRU (and may be evicted). */
    public synchronized void releaseSeeding(String bundle) {
        Map<String, Long> released = holds.remove(bundle);
        if (released == null) return;
        saveHolds();
        long now = System.currentTimeMillis();
        for (String n : released.keySet()) {
            if (isHeld(n)) continue;
            Long s = seedFiles.remove(n);
            if (s == null) continue;
            seedUsed -= s;
            sizes.put(n, s);
            used += s;
            lru.put(n, now);
        }
        evict();
    }

    /** The bundles holding files for seeding (kept across restarts). */
    public synchronized Set<String> seedingBundles() {
        return Set.copyOf(holds.keySet());
    }

    private boolean isHeld(String name) {
        for (Map<String, Long> h : holds.values()) if (h.containsKey(name)) return true;
        return false;
    }

    private void loadHolds() throws IOException {
        Path p = dir.resolve(SEEDING_LIST);
        if (!Files.exists(p)) return;
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length != 3) continue; // a torn line cannot happen (atomic rename); ignore anything else
            try {
                checkName(f[1]);
                holds.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], Long.parseLong(f[2]));
            } catch (RuntimeException e) {
                LOG.warn("{}: bad line ignored: {}", p, line);
            }
        }
    }

    private void saveHolds() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Map<String, Long>> h : holds.entrySet()) {
            for (Map.Entry<String, Long> f : h.getValue().entrySet()) b.append(h.getKey()).append(' ').append(f.getKey()).append(' ').append(f.getValue()).append('\n');
        }
        writeAtomically(dir.resolve(SEEDING_LIST), b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void evict() {
        if (capacity <= 0 || used <= capacity) return;
        List<String> victims = new ArrayList<>();
        long projected = used;
        long now = System.currentTimeMillis();
        for (String name : lru.keySet()) {
            if (projected <= capacity) break;
            if (inUse(name, now)) continue;
            victims.add(name);
            projected -= sizes.getOrDefault(name, 0L);
        }
        for (String v : victims) {
            LOG.info("cache full ({} of {}): evicting {}", used, capacity, v);
            removeComplete(v);
        }
    }

    private void removeComplete(String name) {
        NarFile f = files.remove(name);
        if (f != null) {
            try {
                f.close();
            } catch (IOException ignored) {
                // closing a read channel cannot lose data
            }
        }
        Long s = sizes.remove(name);
        if (lru.remove(name) != null && s != null) used -= s;
        Long hs = seedFiles.remove(name);
        if (hs != null) seedUsed -= hs;
        lastUpload.remove(name);
        verifiedSinceStart.remove(name);
        try {
            Files.deleteIfExists(narDir().resolve(name));
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", name, e.getMessage());
        }
    }

    /** Names of the complete files in the LRU budget, oldest use first (held files are not in it). */
    public synchronized List<String> completeFiles() {
        return new ArrayList<>(lru.keySet());
    }

    // --- narinfos and torrents: small files, written atomically ---

    public void putNarinfo(String storeHash, String text) {
        writeAtomically(narinfoDir().resolve(storeHash + ".narinfo"), text.getBytes(StandardCharsets.UTF_8));
    }

    public Optional<String> narinfo(String storeHash) {
        Path p = narinfoDir().resolve(storeHash + ".narinfo");
        try {
            return Files.exists(p) ? Optional.of(Files.readString(p)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void putSidecar(String storeHash, String suffix, byte[] data) {
        writeAtomically(narinfoDir().resolve(storeHash + suffix), data);
    }

    public Optional<byte[]> sidecar(String storeHash, String suffix) {
        Path p = narinfoDir().resolve(storeHash + suffix);
        try {
            return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public List<String> narinfoHashes() {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(narinfoDir(), "*.narinfo")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                out.add(n.substring(0, n.length() - ".narinfo".length()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    public void putTorrent(String infohash, byte[] torrent) {
        writeAtomically(bundleDir().resolve(infohash + ".torrent"), torrent);
    }

    public Optional<byte[]> torrent(String infohash) {
        Path p = bundleDir().resolve(infohash + ".torrent");
        try {
            return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void writeAtomically(Path target, byte[] data) {
        try {
            Path tmp = target.resolveSibling(".tmp-" + target.getFileName() + "-" + Thread.currentThread().getId());
            Files.write(tmp, data);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void checkName(String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".") || name.contains("\0")) {
            throw new ClientException("not a plain nar file name: '" + name + "'");
        }
    }

    @Override
    public void close() {
        spares.close();
        for (NarFile f : files.values()) {
            try {
                f.close();
            } catch (IOException ignored) {
                // shutting down
            }
        }
        files.clear();
    }
}
