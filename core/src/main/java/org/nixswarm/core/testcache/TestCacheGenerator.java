package org.nixswarm.core.testcache;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.nar.NarSummary;
import org.nixswarm.core.nar.NarWriter;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.HashAlgorithm;
import org.nixswarm.core.store.StorePath;

/**
 * Writes a real, signed binary cache of generated store paths: {@code nix-cache-info},
 * {@code <hash>.narinfo}, {@code nar/<filehash>.nar.xz} and {@code public-key}. Nix can substitute
 * from it (served over HTTP, with the public key trusted).
 *
 * <p>The store paths form a DAG like a real package set: a few low-level paths (glibc, gcc's
 * runtime, zlib, openssl) under nearly everything, every path referencing a recent one so that
 * closures run deep (at least three levels from the fifth path on), some self-references, and a
 * heavy tail of reference counts. NarSize follows cache.nixos.org's distribution (median 111 KB,
 * 90th percentile about 7 MB, heavy tail) capped at {@code maxSize}; the NAR is a package-like tree
 * whose files xz compresses to about a quarter, as on cache.nixos.org. Everything (hashes, bytes,
 * signatures) is a function of the seed and the key; without a key, one is derived from the seed.
 */
public final class TestCacheGenerator {
    public static final String DEFAULT_KEY_NAME = "nix-swarm-testcache-1";
    /** 8 MiB: 200 paths make about 260 MB of NAR, 60 MB on disk, in seconds. */
    public static final long DEFAULT_MAX_SIZE = 8L << 20;
    public static final long MIN_MAX_SIZE = 4096;
    /** The NAR framing and small remainders: little data, compressed per file, so the fastest preset. */
    private static final int FRAMING_PRESET = 0;

    private static final String[] BASE = {"glibc-2.38", "gcc-13.2.0-lib", "zlib-1.3", "openssl-3.0.12"};
    private static final String[] NAMES = {
        "bash-5.2-p15", "coreutils-9.3", "ncurses-6.4", "readline-8.2p1", "xz-5.4.4", "bzip2-1.0.8", "gnugrep-3.11",
        "gnused-4.9", "gawk-5.2.2", "findutils-4.9.0", "diffutils-3.10", "gnutar-1.35", "gzip-1.13", "libffi-3.4.4",
        "pcre2-10.42", "sqlite-3.43.1", "curl-8.4.0", "libssh2-1.11.0", "nghttp2-1.57.0", "libidn2-2.3.4", "expat-2.5.0",
        "libxml2-2.11.5", "python3-3.11.6", "perl-5.38.0", "icu4c-73.2", "boost-1.81.0", "systemd-254.3", "dbus-1.14.10",
        "glib-2.78.0", "libxcb-1.16", "libX11-1.8.7", "freetype-2.13.2", "fontconfig-2.14.2", "harfbuzz-8.2.1",
        "cairo-1.18.0", "pango-1.51.0", "gtk+3-3.24.38", "mesa-23.1.9", "llvm-16.0.6-lib", "git-2.42.0", "nix-2.18.1",
        "openssh-9.5p1", "vim-9.0.2048", "emacs-29.1", "firefox-119.0", "texlive-combined-full-2023", "linux-6.1.60",
        "util-linux-2.39.2-lib", "shadow-4.14.0", "tzdata-2023c", "cacert-3.95", "libcap-2.69-lib", "acl-2.3.1",
        "attr-2.5.1", "gmp-6.3.0", "mpfr-4.2.1", "libunistring-1.1", "gettext-0.21.1", "libtool-2.4.7-lib",
    };
    private static final String[] OUTPUT_SUFFIXES = {"", "", "", "-bin", "-dev", "-man", "-doc", "-lib"};

    private final int paths;
    private final long seed;
    private final SecretKey key;
    private final long maxSize;
    private final int threads;

    private TestCacheGenerator(int paths, long seed, SecretKey key, long maxSize, int threads) {
        if (paths < 1) throw new IllegalArgumentException("need at least one store path, not " + paths);
        if (maxSize < MIN_MAX_SIZE) throw new IllegalArgumentException("maxSize must be at least " + MIN_MAX_SIZE + " bytes, not " + maxSize);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
        this.paths = paths;
        this.seed = seed;
        this.key = key;
        this.maxSize = maxSize;
        this.threads = threads;
    }

    /** A generator of {@code paths} store paths, seed 1, a key derived from the seed, {@link #DEFAULT_MAX_SIZE}. */
    public static TestCacheGenerator create(int paths) {
        return new TestCacheGenerator(paths, 1, null, DEFAULT_MAX_SIZE,
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
    }

    public TestCacheGenerator withSeed(long seed) {
        return new TestCacheGenerator(paths, seed, key, maxSize, threads);
    }

    /** Signs with {@code key}; null derives one from the seed, named {@link #DEFAULT_KEY_NAME}. */
    public TestCacheGenerator withKey(SecretKey key) {
        return new TestCacheGenerator(paths, seed, key, maxSize, threads);
    }

    /** The largest NarSize: bigger draws are cut down to it (keeps the disk use bounded). */
    public TestCacheGenerator withMaxSize(long maxSize) {
        return new TestCacheGenerator(paths, seed, key, maxSize, threads);
    }

    /** How many store paths are generated at once (the output does not depend on it). */
    public TestCacheGenerator withThreads(int threads) {
        return new TestCacheGenerator(paths, seed, key, maxSize, threads);
    }

    /** The key that signs: the one given, or the one derived from the seed. */
    public SecretKey key() {
        if (key != null) return key;
        MessageDigest d = HashAlgorithm.SHA256.newDigest();
        byte[] keySeed = d.digest(("nix-swarm testcache key, seed " + seed).getBytes(StandardCharsets.UTF_8));
        return SecretKey.fromSeed(DEFAULT_KEY_NAME, keySeed);
    }

    /** The plan for one store path: everything but its contents' bytes. */
    private record Planned(StorePath path, List<StorePath> references, long narSize, long contentSeed, int depth) {}

    /** Writes the cache into {@code dir}, which must be empty or not exist yet. */
    public TestCache generate(Path dir) throws IOException {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) throw new IOException(dir + " exists and is not a directory");
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent()) throw new IOException(dir + " is not empty: the test cache needs a fresh directory");
            }
        }
        Files.createDirectories(dir.resolve("nar"));
        SecretKey signer = key();
        List<Planned> plan = plan();

        List<TestCache.Entry> entries = new ArrayList<>(plan.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "testcache-generator");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<NarInfo>> futures = new ArrayList<>();
            for (int i = 0; i < plan.size(); i++) {
                Planned p = plan.get(i);
                int index = i;
                futures.add(pool.submit(() -> writeNar(dir, p, index).withSignature(signer)));
            }
            for (int i = 0; i < plan.size(); i++) {
                NarInfo info = futures.get(i).get();
                Files.write(dir.resolve(plan.get(i).path().hashPart() + ".narinfo"), info.printBytes());
                entries.add(new TestCache.Entry(info, plan.get(i).depth()));
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException re) throw re;
            throw new IOException("generating the test cache failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating the test cache", e);
        } finally {
            pool.shutdownNow();
        }
        Files.writeString(dir.resolve("nix-cache-info"), "StoreDir: " + StorePath.STORE_DIR + "\nWantMassQuery: 1\nPriority: 40\n");
        Path pub = dir.resolve("public-key");
        Files.deleteIfExists(pub);
        signer.publicKey().writeFile(pub);
        return new TestCache(dir, signer.publicKey(), entries);
    }

    private List<Planned> plan() {
        Rng r = new Rng(seed);
        List<Planned> plan = new ArrayList<>(paths);
        Set<String> hashes = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < paths; i++) {
            String name = name(i, r, names);
            StorePath path;
            do {
                byte[] hash = new byte[StorePath.HASH_BYTES];
                r.nextBytes(hash);
                path = StorePath.of(hash, name);
            } while (!hashes.add(path.hashPart()));
            TreeSet<Integer> refs = references(i, r);
            List<StorePath> refPaths = new ArrayList<>();
            int depth = 0;
            for (int ref : refs) {
                refPaths.add(plan.get(ref).path());
                depth = Math.max(depth, plan.get(ref).depth() + 1);
            }
            if (i >= BASE.length && r.nextInt(2) == 0 || i == 0) refPaths.add(path); // self-reference, as binaries often have
            long narSize = Math.min(maxSize, NarSizeDistribution.draw(r));
            plan.add(new Planned(path, refPaths, narSize, r.nextLong(), depth));
        }
        return plan;
    }

    /** Indexes of earlier paths that path {@code i} references. */
    private static TreeSet<Integer> references(int i, Rng r) {
        TreeSet<Integer> refs = new TreeSet<>();
        switch (i) {
            case 0 -> { }
            case 1, 2 -> refs.add(0);
            case 3 -> {
                refs.add(0);
                refs.add(2);
            }
            default -> {
                if (r.nextInt(20) != 0) refs.add(0); // glibc under nearly everything
                if (r.nextInt(2) == 0) refs.add(1);
                // a recent path (openssl or later, depth >= 2): every closure from here on is >= 3 deep, and grows
                int from = Math.max(3, i / 2);
                refs.add(from + r.nextInt(i - from));
                int extra = r.nextInt(8) == 0 ? 5 + r.nextInt(40) : r.nextInt(4); // a heavy tail of fan-out
                for (int k = 0; k < extra; k++) refs.add(r.nextInt(i));
            }
        }
        return refs;
    }

    private static String name(int i, Rng r, Set<String> used) {
        String base;
        if (i < BASE.length) {
            base = BASE[i];
        } else {
            base = NAMES[r.nextInt(NAMES.length)] + OUTPUT_SUFFIXES[r.nextInt(OUTPUT_SUFFIXES.length)];
        }
        String name = base;
        for (int n = 2; !used.add(name); n++) name = base + "-" + n;
        return name;
    }

    private NarInfo writeNar(Path dir, Planned p, int index) throws IOException {
        Rng r = new Rng(p.contentSeed());
        GeneratedTree.Node tree = GeneratedTree.build(p.path(), p.references(), p.narSize(), r);
        Path tmp = dir.resolve("nar").resolve(".tmp-" + index);
        MessageDigest fileSha = HashAlgorithm.SHA256.newDigest();
        NarSummary nar;
        long fileSize;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            CountingDigestStream counted = new CountingDigestStream(file, fileSha);
            PooledXzOutput xz = new PooledXzOutput(new XzBlockWriter(counted, FRAMING_PRESET));
            nar = GeneratedTree.write(tree, new NarWriter(xz), xz);
            xz.finish();
            fileSize = counted.count;
        }
        Hash fileHash = new Hash(HashAlgorithm.SHA256, fileSha.digest());
        String url = "nar/" + fileHash.toBase32() + ".nar.xz";
        Files.move(tmp, dir.resolve(url), StandardCopyOption.REPLACE_EXISTING);
        try {
            return NarInfo.builder()
                    .storePath(p.path())
                    .url(url)
                    .compression("xz")
                    .fileHash(fileHash)
                    .fileSize(fileSize)
                    .narHash(nar.narHash())
                    .narSize(nar.size())
                    .references(p.references())
                    .build();
        } catch (FormatException e) {
            throw new IllegalStateException("generated an invalid narinfo for " + p.path(), e);
        }
    }

    private static final class CountingDigestStream extends DigestOutputStream {
        long count;

        CountingDigestStream(OutputStream out, MessageDigest d) {
            super(out, d);
        }

        @Override
        public void write(int b) throws IOException {
            super.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            super.write(b, off, len);
            count += len;
        }
    }
}
