package org.nixswarm.core.narinfo;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testing.Tools;

/**
 * Real Nix (2.8) judges our keys and signatures: {@code nix store verify --no-contents} against a
 * {@code file://} binary cache checks exactly the narinfo's Sig against the trusted keys, no NAR needed.
 */
class RealNixSignatureTest {
    private static final Pattern UNTRUSTED = Pattern.compile("path '(/nix/store/[^']+)' is untrusted");

    @TempDir
    Path dir;

    private record Result(int exitCode, String output) {}

    private Result run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().put("NIX_CONFIG", "build-users-group =\nsandbox = false\nsubstituters =\n"
                + "experimental-features = nix-command\n");
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("xdg-cache").toString());
        pb.environment().put("HOME", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    /** Writes a file:// cache of {@code infos} and returns the store paths Nix calls untrusted. */
    private Set<String> nixUntrusted(List<NarInfo> infos, PublicKey trusted) throws Exception {
        Path nix = Tools.require("nix", "nix-bin");
        Path cache = Files.createTempDirectory(dir, "cache");
        Files.writeString(cache.resolve("nix-cache-info"), "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n");
        List<String> cmd = new ArrayList<>(List.of(nix.toString(), "store", "verify", "--store", "file://" + cache,
                "--no-contents", "--trusted-public-keys", trusted.toNixFormat()));
        for (NarInfo n : infos) {
            Files.writeString(cache.resolve(n.fileName()), n.print());
            cmd.add(n.storePath().toString());
        }
        Result r = run(cmd);
        Set<String> untrusted = new HashSet<>();
        Matcher m = UNTRUSTED.matcher(r.output());
        while (m.find()) untrusted.add(m.group(1));
        assertEquals(untrusted.isEmpty(), r.exitCode() == 0, r.output());
        assertFalse(r.output().contains("error:"), r.output());
        return untrusted;
    }

    private static List<NarInfo> generated(Random r, int count) {
        List<NarInfo> out = new ArrayList<>();
        List<StorePath> earlier = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] h = new byte[20];
            r.nextBytes(h);
            StorePath p = StorePath.of(h, "generated-" + i + "-1.0");
            byte[] nar = new byte[1000 + i];
            r.nextBytes(nar);
            byte[] file = new byte[500 + i];
            r.nextBytes(file);
            Hash fileHash = Hash.sha256(file);
            NarInfo.Builder b = NarInfo.builder()
                    .storePath(p)
                    .url("nar/" + fileHash.toBase32() + ".nar.xz")
                    .compression("xz")
                    .fileHash(fileHash)
                    .fileSize(file.length)
                    .narHash(Hash.sha256(nar))
                    .narSize(nar.length)
                    .references(earlier.subList(Math.max(0, earlier.size() - 3), earlier.size()))
                    .reference(p)
                    .deriver(StorePath.of(h, "generated-" + i + "-1.0.drv"));
            out.add(b.build());
            earlier.add(p);
        }
        return out;
    }

    @Test
    void keyGeneratedByNixParsesAndNixAcceptsOurSignaturesWithIt() throws Exception {
        Path nixStore = Tools.require("nix-store", "nix-bin");
        Result gen = run(List.of(nixStore.toString(), "--generate-binary-cache-key", "nix-made-1", "sec", "pub"));
        assertEquals(0, gen.exitCode(), gen.output());
        SecretKey secret = SecretKey.readFile(dir.resolve("sec"));
        PublicKey pub = PublicKey.readFile(dir.resolve("pub"));
        assertEquals("nix-made-1", secret.name());
        assertEquals(pub, secret.publicKey());
        assertEquals(Files.readString(dir.resolve("sec")).strip(), secret.toNixFormat());

        List<NarInfo> signed = new ArrayList<>();
        for (NarInfo n : generated(new Random(1), 4)) signed.add(n.withSignature(secret));
        for (NarInfo n : signed) assertTrue(n.verify(List.of(pub)));
        assertEquals(Set.of(), nixUntrusted(signed, pub));
    }

    @Test
    void nixAcceptsOurGeneratedKeyAndAgreesWithUsOnTampering() throws Exception {
        SecretKey key = SecretKey.generate("nix-swarm-test-1", new SecureRandom());
        key.publicKey().writeFile(dir.resolve("our.pub"));
        PublicKey pub = PublicKey.readFile(dir.resolve("our.pub"));
        List<NarInfo> good = new ArrayList<>();
        for (NarInfo n : generated(new Random(2), 3)) good.add(n.withSignature(key));

        List<NarInfo> all = new ArrayList<>(good);
        NarInfo base = good.get(2);
        List<NarInfo> tampered = List.of(
                base.withNarSize(base.narSize() + 1).withStorePath(StorePath.parseBaseName("0".repeat(32) + "-t1")),
                base.withReferences(base.referencePaths().subList(1, base.referencePaths().size()))
                        .withStorePath(StorePath.parseBaseName("1".repeat(32) + "-t2")));
        // re-keyed store paths make distinct narinfo files; changing StorePath alone already breaks the Sig
        all.addAll(tampered);
        Set<String> expectedUntrusted = new HashSet<>();
        for (NarInfo n : all) {
            if (!n.verify(List.of(pub))) expectedUntrusted.add(n.storePath().toString());
        }
        assertEquals(2, expectedUntrusted.size());
        assertEquals(expectedUntrusted, nixUntrusted(all, pub));

        // and a key of the right name but other bytes: Nix trusts none
        PublicKey impostor = SecretKey.generate("nix-swarm-test-1", new SecureRandom()).publicKey();
        assertEquals(3, nixUntrusted(good, impostor).size());
    }

    @Test
    void nixAgreesWithUsOnRealAndAlteredCacheNixosOrgNarinfos() throws Exception {
        PublicKey cacheKey = PublicKey.parse(SampleNarInfos.CACHE_NIXOS_ORG_KEY);
        List<NarInfo> infos = new ArrayList<>();
        List<String> texts = SampleNarInfos.cacheNixosOrgSample();
        for (int i = 0; i < 40; i++) {
            NarInfo n = NarInfo.parse(texts.get(i * 24));
            if (i % 4 == 1) n = n.withNarSize(n.narSize() + 1);
            if (i % 4 == 2 && !n.references().isEmpty()) n = n.withReferences(n.referencePaths().subList(1, n.referencePaths().size()));
            infos.add(n);
        }
        Set<String> ours = new HashSet<>();
        for (NarInfo n : infos) if (!n.verify(List.of(cacheKey))) ours.add(n.storePath().toString());
        assertTrue(ours.size() >= 15, "expected about half altered, got " + ours.size());
        assertEquals(ours, nixUntrusted(infos, cacheKey));
    }
}
