package org.nixswarm.core.nar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;

/** Directory trees for NAR tests, covering every kind of node and awkward names. */
final class NarTrees {
    /**
     * Whether this JVM can name files outside ASCII: only with a UTF-8 file-name encoding (a UTF-8
     * locale); with LANG unset Java falls back to ASCII and cannot even create them.
     */
    static final boolean UTF8_NAMES = java.nio.charset.StandardCharsets.UTF_8.equals(FileNames.CHARSET);

    private NarTrees() {}

    /** Every node type, empty and large files, dangling links, names that sort and encode awkwardly. */
    static Path mixed(Path dir) throws IOException {
        Path root = Files.createDirectory(dir.resolve("mixed"));
        Files.write(root.resolve("empty"), new byte[0]);
        byte[] big = new byte[(1 << 20) * 3 + 12345]; // > 1 MiB, not a multiple of 8
        new Random(42).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Path exe = Files.writeString(root.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        // owner-only execute bit: Nix counts it as executable
        Path ownerExec = Files.writeString(root.resolve("owner-exec"), "x");
        Files.setPosixFilePermissions(ownerExec, PosixFilePermissions.fromString("rwx------"));
        // group/other execute without owner's: not executable for Nix
        Path groupExec = Files.writeString(root.resolve("group-exec"), "y");
        Files.setPosixFilePermissions(groupExec, PosixFilePermissions.fromString("rw-r-xr-x"));
        Files.createSymbolicLink(root.resolve("link-rel"), Path.of("big.bin"));
        Files.createSymbolicLink(root.resolve("link-abs"), Path.of("/nix/store/00000000000000000000000000000000-x/lib"));
        Files.createSymbolicLink(root.resolve("link-dangling"), Path.of("no/such/file"));
        Files.createSymbolicLink(root.resolve("link-dir"), Path.of("a/b"));
        Path deep = Files.createDirectories(root.resolve("a/b/c/d"));
        Files.writeString(deep.resolve("leaf.txt"), "deep\n");
        Files.writeString(root.resolve("a/b/seven"), "1234567"); // 7 bytes: padding
        Files.writeString(root.resolve("a/eight"), "12345678"); // 8 bytes: no padding
        Files.createDirectory(root.resolve("empty-dir"));
        Path names = Files.createDirectory(root.resolve("names"));
        for (String n : new String[] {
            "A", "a", "a-b", "a.b", "a b", "Z", "_", "~", "zz",
            "\u0001ctrl", "new\nline", "tab\there", "back\\slash", "quote\"'", "-dash", "#hash", "%percent",
            "\u007f", "x".repeat(255),
        }) {
            Files.writeString(names.resolve(n), n);
        }
        if (UTF8_NAMES) {
            // multi-byte names sort by their UTF-8 bytes, after every ASCII name
            for (String n : new String[] {"ä", "é", "日本", "\uD83D\uDE00", "x".repeat(126) + "é"}) Files.writeString(names.resolve(n), n);
        }
        return root;
    }

    /** A random tree: depth, fan-out, sizes, exec bits and links drawn from {@code seed}. */
    static Path random(Path dir, long seed) throws IOException {
        Random r = new Random(seed);
        Path root = dir.resolve("random-" + seed);
        fill(root, r, 0);
        return root;
    }

    private static void fill(Path d, Random r, int depth) throws IOException {
        Files.createDirectory(d);
        int n = r.nextInt(depth == 0 ? 8 : 5);
        for (int i = 0; i < n; i++) {
            String name = randomName(r);
            Path p = d.resolve(name);
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            int kind = r.nextInt(10);
            if (kind < 5) {
                byte[] b = new byte[r.nextInt(4) == 0 ? r.nextInt(100_000) : r.nextInt(40)];
                r.nextBytes(b);
                Files.write(p, b);
                if (r.nextBoolean()) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            } else if (kind < 7) {
                Files.createSymbolicLink(p, Path.of(randomName(r)));
            } else if (depth < 4) {
                fill(p, r, depth + 1);
            }
        }
    }

    private static String randomName(Random r) {
        String alphabet = UTF8_NAMES ? "abAB09-._+=~ éü" : "abAB09-._+=~ ";
        StringBuilder sb = new StringBuilder();
        int len = 1 + r.nextInt(12);
        for (int i = 0; i < len; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        String s = sb.toString();
        return s.equals(".") || s.equals("..") ? s + "x" : s;
    }
}
