package org.nixswarm.core.testcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.nar.NarReader;
import org.nixswarm.core.nar.NarSummary;
import org.nixswarm.core.nar.Xz;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.narinfo.SampleNarInfos;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.StorePath;

class TestCacheGeneratorTest {
    @TempDir
    Path tmp;

    @Test
    void writesACompleteSignedCache() throws Exception {
        long maxSize = 512 * 1024;
        TestCache cache = TestCacheGenerator.create(40).withSeed(3).withMaxSize(maxSize).generate(tmp.resolve("c"));
        Path dir = cache.dir();
        assertEquals("StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n", Files.readString(dir.resolve("nix-cache-info")));
        PublicKey pub = PublicKey.readFile(dir.resolve("public-key"));
        assertEquals(cache.publicKey(), pub);
        assertEquals(TestCacheGenerator.DEFAULT_KEY_NAME, pub.name());

        List<Path> narinfos;
        try (Stream<Path> s = Files.list(dir)) {
            narinfos = s.filter(p -> p.toString().endsWith(".narinfo")).toList();
        }
        assertEquals(40, narinfos.size());
        assertEquals(40, cache.entries().size());
        try (Stream<Path> s = Files.list(dir.resolve("nar"))) {
            assertEquals(40, s.peek(p -> assertTrue(p.getFileName().toString().endsWith(".nar.xz"), "no leftovers: " + p)).count());
        }
        for (Path file : narinfos) {
            NarInfo info = NarInfo.readFile(file);
            StorePath sp = info.storePath();
            assertEquals(sp.hashPart() + ".narinfo", file.getFileName().toString());
            assertEquals(sp, StorePath.parse(sp.toString()), "a valid store path with a 32-char base32 hash part");
            assertTrue(info.verify(List.of(pub)), "signed: " + file);
            assertEquals("xz", info.compression());
            byte[] xz = Files.readAllBytes(dir.resolve(info.url()));
            assertEquals(info.url(), "nar/" + info.fileHash().orElseThrow().toBase32() + ".nar.xz");
            assertEquals(xz.length, info.fileSize().getAsLong());
            assertEquals(Hash.sha256(xz), info.fileHash().orElseThrow());
            NarSummary nar;
            try (InputStream in = Xz.decompressing(new java.io.ByteArrayInputStream(xz))) {
                nar = NarReader.validate(in);
            }
            assertEquals(info.narHash(), nar.narHash());
            assertEquals(info.narSize(), nar.size());
            assertTrue(info.narSize() <= maxSize + 8, "capped: " + info.narSize());
            for (StorePath ref : info.referencePaths()) {
                assertTrue(Files.exists(dir.resolve(ref.hashPart() + ".narinfo")), ref + " is in the cache");
            }
            assertEquals(info, cache.entry(sp).narInfo());
        }
    }

    @Test
    void theDagHasSharedBasesAndDeepClosures() throws Exception {
        TestCache cache = TestCacheGenerator.create(60).withSeed(5).withMaxSize(8192).generate(tmp.resolve("c"));
        List<TestCache.Entry> all = cache.entries();
        StorePath glibc = all.get(0).storePath();
        assertTrue(glibc.name().startsWith("glibc"));
        long usingGlibc = all.stream().filter(e -> e.narInfo().referencePaths().contains(glibc)).count();
        assertTrue(usingGlibc > 0.8 * all.size(), usingGlibc + " of " + all.size() + " reference glibc");
        assertTrue(cache.deepest().depth() >= 3, "depth " + cache.deepest().depth());
        for (int i = 4; i < all.size(); i++) assertTrue(all.get(i).depth() >= 3, "path " + i + " depth " + all.get(i).depth());
        // references point backwards only: generation order is a topological order
        Map<StorePath, Integer> index = new TreeMap<>();
        for (int i = 0; i < all.size(); i++) index.put(all.get(i).storePath(), i);
        for (int i = 0; i < all.size(); i++) {
            for (StorePath r : all.get(i).narInfo().referencePaths()) assertTrue(index.get(r) <= i);
        }
        assertTrue(all.stream().anyMatch(e -> e.narInfo().referencePaths().contains(e.storePath())), "some self-references");
        assertTrue(all.stream().anyMatch(e -> e.narInfo().references().size() > 6), "a tail of large fan-out");
        assertTrue(cache.closure(cache.deepest().storePath()).size() >= 4);
    }

    @Test
    void theSameSeedGivesTheSameBytes() throws Exception {
        TestCacheGenerator g = TestCacheGenerator.create(25).withSeed(42).withMaxSize(300_000);
        g.withThreads(1).generate(tmp.resolve("a"));
        g.withThreads(3).generate(tmp.resolve("b"));
        TestCacheGenerator.create(25).withSeed(43).withMaxSize(300_000).generate(tmp.resolve("c"));
        Map<String, byte[]> a = files(tmp.resolve("a"));
        Map<String, byte[]> b = files(tmp.resolve("b"));
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k), b.get(k), k);
        Map<String, byte[]> c = files(tmp.resolve("c"));
        assertNotEquals(a.keySet(), c.keySet(), "another seed, other paths");
        assertFalse(java.util.Arrays.equals(a.get("public-key"), c.get("public-key")), "the derived key depends on the seed");
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
        return m;
    }

    @Test
    void signsWithAGivenKey() throws Exception {
        SecretKey key = SecretKey.generate("my-cache-1", new java.security.SecureRandom());
        TestCache cache = TestCacheGenerator.create(5).withKey(key).withMaxSize(8192).generate(tmp.resolve("c"));
        assertEquals(key.publicKey(), cache.publicKey());
        assertEquals(key.publicKey(), PublicKey.readFile(cache.dir().resolve("public-key")));
        for (TestCache.Entry e : cache.entries()) {
            assertTrue(e.narInfo().verify(List.of(key.publicKey())));
            assertTrue(e.narInfo().sigs().get(0).startsWith("my-cache-1:"));
        }
    }

    @Test
    void badOptionsAndOccupiedDirectories() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> TestCacheGenerator.create(0));
        assertThrows(IllegalArgumentException.class, () -> TestCacheGenerator.create(3).withMaxSize(100));
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("x"), "x");
        IOException e = assertThrows(IOException.class, () -> TestCacheGenerator.create(3).generate(full));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    }

    @Test
    void narSizesFollowTheRealSample() {
        List<Long> real = new ArrayList<>();
        for (String text : SampleNarInfos.cacheNixosOrgSample()) real.add(NarInfo.parse(text).narSize());
        real.sort(null);
        Rng r = new Rng(9);
        List<Long> drawn = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) drawn.add(NarSizeDistribution.draw(r));
        drawn.sort(null);
        for (double q : new double[] {0.25, 0.5, 0.75, 0.9, 0.95, 0.99}) {
            double want = real.get((int) (q * (real.size() - 1)));
            double got = drawn.get((int) (q * (drawn.size() - 1)));
            double ratio = got / want;
            assertTrue(ratio > 0.7 && ratio < 1.4, "quantile " + q + ": drawn " + got + ", real " + want);
        }
        assertTrue(drawn.get(drawn.size() - 1) > 500_000_000L, "a heavy tail");
    }

    @Test
    void twoHundredPathsWithTheDefaultCapTakeSeconds() throws Exception {
        long t0 = System.nanoTime();
        TestCache cache = TestCacheGenerator.create(200).withSeed(1).generate(tmp.resolve("c"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] ratios = cache.entries().stream()
                .mapToDouble(e -> (double) e.narInfo().fileSize().getAsLong() / e.narInfo().narSize()).sorted().toArray();
        long[] sizes = cache.entries().stream().mapToLong(e -> e.narInfo().narSize()).sorted().toArray();
        System.out.printf("testcache: 200 paths in %.1f s, NarSize total %d MB, median %d, p90 %d; FileSize/NarSize median %.3f%n",
                seconds, cache.totalNarSize() >> 20, sizes[100], sizes[180], ratios[100]);
        assertTrue(seconds < 90, "took " + seconds + " s"); // seconds on an idle machine; generous for a loaded CI box
        assertTrue(ratios[100] > 0.15 && ratios[100] < 0.35, "median FileSize/NarSize " + ratios[100]);
        assertTrue(sizes[100] > 40_000 && sizes[100] < 300_000, "median NarSize " + sizes[100]);
        assertTrue(sizes[199] <= TestCacheGenerator.DEFAULT_MAX_SIZE + 8);
    }

    @Test
    void xzBlockStreamsAreReadByRealXz() throws Exception {
        java.nio.file.Path xzTool = org.nixswarm.core.testing.Tools.require("xz", "xz-utils");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        XzBlockWriter w = new XzBlockWriter(out, 0);
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        ContentPool pool = ContentPool.get();
        for (int i = 0; i < 5; i++) {
            w.block(pool.block(0, i));
            plain.writeBytes(pool.data(0, i));
            byte[] small = ("framing " + i).getBytes();
            w.compress(small, 0, small.length);
            plain.writeBytes(small);
            byte[] stored = new byte[i == 4 ? 70_000 : 100 + i];
            new java.util.Random(i).nextBytes(stored);
            for (int off = 0; off < stored.length; off += XzBlockWriter.DICT_SIZE) {
                w.block(XzBlockWriter.stored(stored, off, Math.min(XzBlockWriter.DICT_SIZE, stored.length - off)));
            }
            plain.writeBytes(stored);
        }
        w.finish();
        assertArrayEquals(plain.toByteArray(), Xz.decompress(out.toByteArray()));
        Process p = new ProcessBuilder(xzTool.toString(), "-dc").start();
        // feed stdin from another thread: xz's output would fill the pipe while we are still writing
        byte[] compressed = out.toByteArray();
        Thread feeder = new Thread(() -> {
            try (var in = p.getOutputStream()) {
                in.write(compressed);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        feeder.start();
        assertArrayEquals(plain.toByteArray(), p.getInputStream().readAllBytes());
        feeder.join();
        assertEquals(0, p.waitFor());
        // no blocks at all is a valid, empty stream
        java.io.ByteArrayOutputStream empty = new java.io.ByteArrayOutputStream();
        new XzBlockWriter(empty, 6).finish();
        assertEquals(0, Xz.decompress(empty.toByteArray()).length);
    }
}
