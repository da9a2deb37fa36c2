package org.nixswarm.core.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.nixswarm.core.FormatException;

/** Reading and writing Nix key files: one key, maybe followed by a newline or other whitespace. */
final class KeyFiles {
    /** Far above any key (name + 88 base64 characters); stops a wrong path from being read whole. */
    static final int MAX_SIZE = 4096;

    private KeyFiles() {}

    static String read(Path file, String what) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) > MAX_SIZE) {
            throw new FormatException(file + ": " + what + " is larger than " + MAX_SIZE + " bytes");
        }
        byte[] bytes;
        try (var in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_SIZE + 1);
        }
        if (bytes.length > MAX_SIZE) {
            throw new FormatException(file + ": " + what + " is larger than " + MAX_SIZE + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8).strip();
    }

    /** Writes {@code text} and a newline; owner-only permissions where the file system has them. */
    static void write(Path file, String text, boolean secret) throws IOException {
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        Files.deleteIfExists(file);
        boolean posix = file.toAbsolutePath().getParent() != null
                && Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix");
        if (secret && posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        } else {
            Files.write(file, bytes, StandardOpenOption.CREATE_NEW);
        }
    }
}
