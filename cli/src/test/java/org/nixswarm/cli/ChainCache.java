package org.nixswarm.cli;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nixswarm.core.nar.NarSummary;
import org.nixswarm.core.nar.NarWriter;
import org.nixswarm.core.nar.Xz;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.HashAlgorithm;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.store.StorePath;

/**
 * A binary cache of three store paths, c ← b ← a (each refers to the one before: a closure three
 * levels deep), written as real NARs (xz) with narinfos signed by {@code cacheKey}.
 */
final class ChainCache {
    record Built(StorePath path, NarInfo narinfo, String fileName, byte[] xz) {}

    private static final String[] NAMES = {"leaf-c", "middle-b", "top-a"};
    private static final int[] SIZES = {40_000, 90_000, 150_000};

    private ChainCache() {}

    /** Writes {@code cacheDir} (nix-cache-info, nar/, narinfos); {@code work} holds the source trees. */
    static List<Built> write(Path work, Path cacheDir, SecretKey cacheKey, long seed) throws Exception {
        Files.createDirectories(cacheDir.resolve("nar"));
        Files.writeString(cacheDir.resolve("nix-cache-info"), "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n");
        Random rnd = new Random(seed);
        List<Built> built = new ArrayList<>();
        StorePath previous = null;
        for (int i = 0; i < NAMES.length; i++) {
            Path tree = work.resolve("trees/" + NAMES[i]);
            Files.createDirectories(tree.resolve("bin"));
            byte[] payload = new byte[SIZES[i]];
            rnd.nextBytes(payload);
            Files.write(tree.resolve("bin/payload"), payload);
            Files.writeString(tree.resolve("README"), "store path " + NAMES[i] + "\n");
            ByteArrayOutputStream nar = new ByteArrayOutputStream();
            NarSummary sum = NarWriter.dump(tree, nar);
            byte[] xz = Xz.compress(nar.toByteArray(), 6);
            Hash fileHash = Hash.sha256(xz);
            String fileName = fileHash.toBase32String().substring(7) + ".nar.xz";
            Files.write(cacheDir.resolve("nar/" + fileName), xz);
            byte[] h = new byte[20];
            rnd.nextBytes(h);
            StorePath sp = StorePath.parse("/nix/store/" + NixBase32.encode(h) + "-" + NAMES[i]);
            NarInfo.Builder nb = NarInfo.builder().storePath(sp).url("nar/" + fileName).compression("xz").fileHash(fileHash)
                    .fileSize(xz.length).narHash(new Hash(HashAlgorithm.SHA256, sum.sha256())).narSize(sum.size());
            if (previous != null) nb.reference(previous);
            NarInfo ni = nb.build().withSignature(cacheKey);
            Files.writeString(cacheDir.resolve(sp.hashPart() + ".narinfo"), ni.print());
            built.add(new Built(sp, ni, fileName, xz));
            previous = sp;
        }
        return built;
    }
}
