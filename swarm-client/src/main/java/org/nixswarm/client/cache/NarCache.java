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
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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
 * Nix asked for, and reserves the whole size of every download in progress from the moment it
 * starts ({@link #inProgress()}), evicting complete files to make room before the bytes arrive.
 * Partial files left by an earlier run count at their size on disk until resumed, and are
 * deleted in the same oldest-first order as complete files when room is needed.
 * Files held for volunteer seeding ({@code --seed-budget}, {@link #seedUsed()}) are counted
 * against the seed budget instead (a hold reserves its files' sizes when it is taken) and are
 * never evicted while a bundle holds them (the holds are saved in {@code DIR/seeding.list}, so a
 * restart does not evict them either). A file released by every bundle joins the LRU as its
 * youngest entry.
 *
 * <p>A pin protects a name: the file the cache maps that name to. So the cache never hands out, nor
 * keeps in its map, an object it has dropped (evicted, failed or closed): {@link #file} always
 * returns the live object for the name, and whoever downloads must download that object
 * ({@link NarFile#claimDownload()}), never one remembered from before.
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
    // test seam: runs on the finishing thread once completed() has released the lock, before the
    // file's completion future is completed (the window in which the file may already be evicted)
    volatile Consumer<NarFile> afterCompleted;
    private volatile Consumer<String> onEvicted;

    /**
     * Told the name of every complete file the cache deletes, under the cache's lock: the listener
     * must be quick and take no lock of ours (the swarm uses it to stop offering the file's pieces).
     */
    public void onEvicted(Consumer<String> listener) {
        this.onEvicted = listener;
    }
    // test seam: runs on the failing thread once the cache hands out a new object for the failed
    // file's name (a new download of the same name may start from here on)
    volatile Consumer<NarFile> afterDropped;
    private long used;
    private long seedUsed;
    // downloads in progress (prepared, neither complete nor failed): each reserves its whole size in
    // the LRU budget unless a volunteer hold already reserved it in the seed budget
    private final Set<NarFile> downloads = Collections.newSetFromMap(new IdentityHashMap<>());
    // partial files left by an earlier run (killed mid-download), until resumed or evicted: they take
    // disk, so they count in the LRU budget at their size on disk and go in mtime order with the rest
    private record Leftover(long size, long mtime) {}
    private final LinkedHashMap<String, Leftover> leftovers = new LinkedHashMap<>();
    private long leftoverBytes;
    private long startsOverBound;
    private long evictions;
    private boolean overBoundLogged;
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

    /** Bytes reserved in the LRU budget for downloads in progress (their whole sizes). */
    public synchronized long inProgress() { return reserved(); }

    /**
     * The cache's figures. {@code startsOverBound} counts downloads that started although no room
     * could be made for them (everything evictable was pinned or being uploaded): they proceed, and
     * the LRU stays over its bound until the files in use are released.
     */
    public record Stats(long capacity, long used, long inProgress, int downloads, long leftoverPartials, long seedUsed,
                        long seedBudget, long startsOverBound, long evictions) {
        /** Bytes over the LRU bound right now (complete files, reservations, leftover partials), 0 when within it. */
        public long overBound() {
            return capacity <= 0 ? 0 : Math.max(0, used + inProgress + leftoverPartials - capacity);
        }
    }

    public synchronized Stats stats() {
        return new Stats(capacity, used, reserved(), downloads.size(), leftoverBytes, seedUsed, seedBudget, startsOverBound, evictions);
    }

    private long reserved() {
        long r = 0;
        for (NarFile f : downloads) if (!isHeld(f.name())) r += f.size();
        return r;
    }

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

        List<Map.Entry<String, Leftover>> partials = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(partialDir(), "*.part")) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                String n = f.substring(0, f.length() - ".part".length());
                if (n.isEmpty() || n.startsWith(".") || isHeld(n) || lru.containsKey(n) || seedFiles.containsKey(n)) continue;
                partials.add(Map.entry(n, new Leftover(Files.size(p), Files.getLastModifiedTime(p).toMillis())));
            }
        }
        partials.sort(Comparator.comparingLong((Map.Entry<String, Leftover> e) -> e.getValue().mtime()));
        for (Map.Entry<String, Leftover> e : partials) {
            leftovers.put(e.getKey(), e.getValue());
            leftoverBytes += e.getValue().size();
        }
    }

    private void dropLeftover(String name) {
        Leftover l = leftovers.remove(name);
        if (l != null) leftoverBytes -= l.size();
    }

    /**
     * The file for {@code name} of the given size and FileHash: complete from {@code nar/}, or a
     * fresh or resumed partial file. Complete files found on disk at start are re-checked against
     * the FileHash the first time they are asked for (restart verifies).
     */
    public NarFile file(String name, long size, String fileHash) {
        checkName(name);
        NarFile f = files.get(name);
        if (f != null && f.live()) return checkSame(f, size, fileHash);
        synchronized (this) {
            f = files.get(name);
            if (f != null && f.live()) return checkSame(f, size, fileHash);
            if (f != null) files.remove(name, f); // failed: its forget() is on its way; a request gets a fresh file
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

    private static NarFile checkSame(NarFile f, long size, String fileHash) {
        if (f.size() != size || !f.fileHash().equals(fileHash)) {
            throw new ClientException(f.name() + ": asked with size " + size + " / " + fileHash
                    + " but known with size " + f.size() + " / " + f.fileHash());
        }
        return f;
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

    /**
     * A download begins (its first {@link NarFile#prepare}): its whole size is reserved now, and
     * complete files are evicted to make room. With no room to make, it proceeds over the bound.
     */
    synchronized void started(NarFile f) {
        if (f.accounting != NarFile.Accounting.NONE || f.isComplete() || !f.live()) return;
        f.accounting = NarFile.Accounting.RESERVED;
        downloads.add(f);
        dropLeftover(f.name()); // resumed: its reservation (the whole size) takes over
        if (isHeld(f.name())) return; // its hold reserved it in the seed budget
        evict();
        long load = used + reserved() + leftoverBytes;
        if (capacity > 0 && load > capacity) {
            startsOverBound++;
            if (!overBoundLogged) {
                overBoundLogged = true;
                LOG.warn("cache full ({} of {} bytes, {} of them downloads in progress) and every complete file in use: "
                        + "downloading {} over the bound (logged once; counted in the cache's stats)", load, capacity, reserved(), f.name());
            } else {
                LOG.debug("cache full: downloading {} over the bound", f.name());
            }
        }
    }

    private void release(NarFile f) {
        if (downloads.remove(f)) f.accounting = NarFile.Accounting.RELEASED;
        else if (f.accounting == NarFile.Accounting.NONE) f.accounting = NarFile.Accounting.RELEASED;
    }

    synchronized void completed(NarFile f) {
        release(f);
        dropLeftover(f.name());
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
        release(f);
        dropLeftover(f.name()); // fail() deletes the partial files
        files.remove(f.name(), f);
    }

    /**
     * Marks a use: moves the file to the young end of the LRU order, and on disk (its mtime, the
     * order after a restart) at most every {@link #MTIME_EVERY_MS}, outside the lock: an mtime
     * write waits for the disk's journal, 1-18 ms while Nix commits its store, and Nix asks for
     * files one after another.
     */
    public void touch(String name) {
        long now = System.currentTimeMillis();
        synchronized (this) {
            if (!lru.containsKey(name)) return;
            lru.put(name, now);
            Long written = mtimeWritten.get(name);
            if (written != null && now - written < MTIME_EVERY_MS) return;
            mtimeWritten.put(name, now);
        }
        try {
            Files.setLastModifiedTime(narDir().resolve(name), FileTime.fromMillis(now));
        } catch (IOException ignored) {
            // the order is a hint; losing it costs only a less precise eviction
        }
    }

    /** How stale a file's mtime may get behind its last use (the LRU order in memory is exact). */
    static final long MTIME_EVERY_MS = 10 * 60_000;
    private final Map<String, Long> mtimeWritten = new HashMap<>();

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
        if (capacity <= 0) return;
        long reserved = reserved();
        long load = used + reserved + leftoverBytes;
        if (load <= capacity) return;
        List<String> victims = new ArrayList<>();
        List<String> partialVictims = new ArrayList<>();
        long projected = load;
        long now = System.currentTimeMillis();
        // oldest first across complete files (last use) and leftover partials (last write)
        var complete = lru.entrySet().iterator();
        var partial = leftovers.entrySet().iterator();
        Map.Entry<String, Long> c = complete.hasNext() ? complete.next() : null;
        Map.Entry<String, Leftover> p = partial.hasNext() ? partial.next() : null;
        while (projected > capacity && (c != null || p != null)) {
            if (c == null || (p != null && p.getValue().mtime() <= c.getValue())) {
                if (!inUse(p.getKey(), now)) {
                    partialVictims.add(p.getKey());
                    projected -= p.getValue().size();
                }
                p = partial.hasNext() ? partial.next() : null;
            } else {
                if (!inUse(c.getKey(), now)) {
                    victims.add(c.getKey());
                    projected -= sizes.getOrDefault(c.getKey(), 0L);
                }
                c = complete.hasNext() ? complete.next() : null;
            }
        }
        long freed = 0;
        for (String v : partialVictims) {
            Leftover l = leftovers.get(v);
            long size = l == null ? 0 : l.size();
            LOG.debug("cache full: deleting {} ({} bytes), left partial by an earlier run", v, size);
            dropLeftover(v);
            try {
                Files.deleteIfExists(partialDir().resolve(v + ".part"));
                Files.deleteIfExists(partialDir().resolve(v + ".pieces"));
            } catch (IOException e) {
                LOG.warn("cannot delete partial {}: {}", v, e.getMessage());
            }
            freed += size;
            evictions++;
        }
        for (String v : victims) {
            long size = sizes.getOrDefault(v, 0L);
            LOG.debug("cache full: evicting {} ({} bytes)", v, size);
            removeComplete(v);
            freed += size;
            evictions++;
        }
        // one line per pass: a pass can remove thousands of small files
        if (!victims.isEmpty() || !partialVictims.isEmpty()) {
            LOG.info("cache full ({} of {} bytes, {} of them downloads in progress): evicted {} files ({} bytes){}", load, capacity, reserved,
                    victims.size() + partialVictims.size(), freed,
                    partialVictims.isEmpty() ? "" : ", " + partialVictims.size() + " of them partials left by an earlier run");
        }
    }

    private void removeComplete(String name) {
        NarFile f = files.remove(name);
        if (f != null) {
            release(f);
            try {
                f.close();
            } catch (IOException ignored) {
                // closing a read channel cannot lose data
            }
        }
        Long s = sizes.remove(name);
        mtimeWritten.remove(name);
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
        Consumer<String> l = onEvicted;
        if (l != null) {
            try {
                l.accept(name);
            } catch (RuntimeException e) {
                LOG.warn("after evicting {}: {}", name, e.toString());
            }
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
        return savedHashes(".narinfo");
    }

    /** The store hashes with a sidecar of this suffix saved. */
    public List<String> sidecarHashes(String suffix) {
        return savedHashes(suffix);
    }

    private List<String> savedHashes(String suffix) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(narinfoDir(), "*" + suffix)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".")) out.add(n.substring(0, n.length() - suffix.length()));
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
        synchronized (this) {
            downloads.clear();
        }
    }
}
