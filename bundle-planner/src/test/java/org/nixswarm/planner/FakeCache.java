package org.nixswarm.planner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.NixBase32;

/**
 * A small signed binary cache for planner tests: narinfos (built with core's NarInfo, signed)
 * over random "NAR" files (the planner never looks inside them) with a reference chain structure:
 * group g has a top path referencing its own libraries and a shared base path.
 */
final class FakeCache {
    final Path dir;
    final SecretKey key;
    final List<String> hashes = new ArrayList<>();
    final List<String> storePaths = new ArrayList<>();
    final List<String> urls = new ArrayList<>();
    private final Random rnd;

    FakeCache(Path dir, long seed) throws IOException {
        this.dir = dir;
        this.rnd = new Random(seed);
        byte[] s = new byte[32];
        rnd.nextBytes(s);
        this.key = SecretKey.fromSeed("test-cache-1", s);
        Files.createDirectories(dir.resolve("nar"));
        Files.writeString(dir.resolve("nix-cache-info"), "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n");
        Files.writeString(dir.resolve("public-key"), key.publicKey().toNixFormat() + "\n");
    }

    /** Adds a path of {@code size} bytes referencing {@code refs} (indexes of earlier paths); returns its index. */
    int add(String name, int size, int... refs) throws IOException {
        byte[] h = new byte[20];
        rnd.nextBytes(h);
        String hash = NixBase32.encode(h);
        byte[] content = new byte[size];
        rnd.nextBytes(content);
        Hash fileHash = Hash.sha256(content);
        String url = "nar/" + fileHash.toBase32() + ".nar.xz";
        Files.write(dir.resolve(url), content);
        StringBuilder refLine = new StringBuilder();
        List<String> refNames = new ArrayList<>();
        for (int r : refs) refNames.add(storePaths.get(r).substring("/nix/store/".length()));
        refNames.sort(null);
        refLine.append(String.join(" ", refNames));
        String storePath = "/nix/store/" + hash + "-" + name;
        String text = "StorePath: " + storePath + "\n"
                + "URL: " + url + "\n"
                + "Compression: xz\n"
                + "FileHash: " + fileHash.toBase32String() + "\n"
                + "FileSize: " + size + "\n"
                + "NarHash: " + Hash.sha256(h).toBase32String() + "\n"
                + "NarSize: " + (size * 3L) + "\n"
                + "References: " + refLine + "\n";
        NarInfo signed = NarInfo.parse(text).withSignature(key);
        Files.writeString(dir.resolve(hash + ".narinfo"), signed.print(), StandardCharsets.UTF_8);
        hashes.add(hash);
        storePaths.add(storePath);
        urls.add(url);
        return hashes.size() - 1;
    }

    /** {@code groups} packages of {@code perGroup} libraries each over one shared base path. */
    static FakeCache packages(Path dir, long seed, int groups, int perGroup, int size) throws IOException {
        FakeCache c = new FakeCache(dir, seed);
        int base = c.add("glibc-2.40", size);
        for (int g = 0; g < groups; g++) {
            int[] libs = new int[perGroup + 1];
            libs[0] = base;
            for (int i = 0; i < perGroup; i++) libs[i + 1] = c.add("lib" + g + "-" + i, size / 2 + c.rnd.nextInt(size), base);
            c.add("app" + g, size, libs);
        }
        return c;
    }

    void writeStorePaths(Path file) throws IOException {
        Files.writeString(file, String.join("\n", storePaths) + "\n");
    }

    static SecretKey plannerKey() {
        return SecretKey.generate("nix-swarm-planner-1", new SecureRandom());
    }
}
