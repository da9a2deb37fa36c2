package org.nixswarm.core.testcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.nar.Xz;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testing.RealNix;
import org.nixswarm.core.testing.Tools;

/** Real Nix substitutes a generated cache served by StaticHttpServer, checking our signatures. */
class RealNixSubstitutionTest {
    @TempDir
    Path tmp;

    private TestCache cache() throws Exception {
        return TestCacheGenerator.create(24).withSeed(7).withMaxSize(256 * 1024).generate(tmp.resolve("cache"));
    }

    @Test
    void nixRealisesADeepClosureAndGetsOurBytes() throws Exception {
        Tools.require("nix-store", "nix-bin");
        TestCache cache = cache();
        TestCache.Entry top = cache.deepest();
        assertTrue(top.depth() >= 3, "closure depth " + top.depth());
        recompressWithXz(cache, top);
        try (StaticHttpServer server = new StaticHttpServer(cache.dir()).start(0)) {
            RealNix nix = RealNix.in(tmp).substituter(server.baseUrl()).trust(cache.publicKey().toNixFormat());
            nix.realise(top.storePath().toString()).assertOk();

            Set<StorePath> closure = cache.closure(top.storePath());
            assertTrue(closure.size() >= 4, "closure of " + closure.size());
            for (StorePath p : closure) {
                assertTrue(Files.exists(nix.physicalPath(p.toString()), java.nio.file.LinkOption.NOFOLLOW_LINKS), p + " realised");
                byte[] ours;
                NarInfo served = NarInfo.readFile(cache.dir().resolve(p.hashPart() + ".narinfo"));
                try (InputStream in = Xz.decompressing(Files.newInputStream(cache.dir().resolve(served.url())))) {
                    ours = in.readAllBytes();
                }
                assertArrayEquals(ours, nix.dump(p.toString()), "Nix's copy of " + p + " is our NAR");
            }
            // Nix asked for narinfos and NARs, nothing else, and only from this server
            assertTrue(server.recentRequests().stream().anyMatch(r -> r.path().equals("/nix-cache-info")));
            assertTrue(server.recentRequests().stream().allMatch(r -> r.status() == 200 || r.path().endsWith(".narinfo")));
        }
    }

    /**
     * Replaces the path's .nar.xz (written by the generator's block writer) with one from
     * {@link Xz#compress} at Nix's default preset, re-signed: Nix must read that too.
     */
    private static void recompressWithXz(TestCache cache, TestCache.Entry e) throws Exception {
        byte[] nar;
        try (InputStream in = Xz.decompressing(Files.newInputStream(cache.dir().resolve(e.url())))) {
            nar = in.readAllBytes();
        }
        byte[] xz = Xz.compress(nar, Xz.DEFAULT_PRESET);
        Hash fileHash = Hash.sha256(xz);
        String url = "nar/" + fileHash.toBase32() + ".nar.xz";
        Files.write(cache.dir().resolve(url), xz);
        SecretKey key = TestCacheGenerator.create(24).withSeed(7).key();
        NarInfo info = e.narInfo().withUrl(url).withFileHash(fileHash).withFileSize(xz.length).withSignature(key);
        Files.write(cache.dir().resolve(e.storePath().hashPart() + ".narinfo"), info.printBytes());
    }

    @Test
    void nixRefusesPathsSignedByAKeyItDoesNotTrust() throws Exception {
        Tools.require("nix-store", "nix-bin");
        TestCache cache = cache();
        TestCache.Entry top = cache.deepest();
        String otherKey = SecretKey.fromSeed(TestCacheGenerator.DEFAULT_KEY_NAME, new byte[32]).publicKey().toNixFormat();
        try (StaticHttpServer server = new StaticHttpServer(cache.dir()).start(0)) {
            RealNix nix = RealNix.in(tmp).substituter(server.baseUrl()).trust(otherKey);
            RealNix.Result r = nix.realise(top.storePath().toString());
            assertFalse(r.ok(), "Nix must refuse: " + r.stderr());
            assertFalse(Files.exists(nix.physicalPath(top.storePath().toString())));
            assertTrue(r.stderr().contains("is not signed by any of the keys"), r.stderr());
            // and no NAR of the closure was accepted into the store
            for (StorePath p : cache.closure(top.storePath())) assertFalse(Files.exists(nix.physicalPath(p.toString())), p.toString());
        }
    }
}
