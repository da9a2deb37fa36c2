package org.nixswarm.core.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.testing.Fuzz;

/**
 * Coverage-guided fuzzing of the NAR reader, the one parser that writes to disk from untrusted
 * bytes (peers' NARs once unpacked). Each input is validated, then unpacked into a fresh directory
 * beside a sentinel file and directory; whatever happens, nothing may appear, change or vanish
 * outside the target.
 */
class NarFuzzTest {
    private static final Fuzz.Budget BUDGET = Fuzz.Budget.of(8 << 20, 64);
    private static final byte[] SENTINEL = "do not touch".getBytes(StandardCharsets.US_ASCII);
    private static final AtomicLong RUNS = new AtomicLong();
    private static final Path BASE;

    static {
        try {
            BASE = Files.createTempDirectory("nar-fuzz");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                deleteTree(BASE);
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
        }));
    }

    /** Validate and unpack agree; an accepted NAR's summary is its hash and size, and it dumps back to itself. */
    @FuzzTest
    void readAndUnpack(byte[] input) throws Exception {
        NarSummary summary = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class),
                () -> NarReader.validate(new ByteArrayInputStream(input)));
        if (summary != null) {
            assertEquals(input.length, summary.size());
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(input), summary.sha256());
        }

        List<Path> dirs = new ArrayList<>();
        NarSummary unpacked = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class), () -> {
            Path dir = Files.createDirectory(BASE.resolve(Long.toString(RUNS.incrementAndGet())));
            dirs.add(dir);
            Files.write(dir.resolve("sentinel"), SENTINEL);
            Files.createDirectory(dir.resolve("sentinel-dir"));
            return NarReader.unpack(new ByteArrayInputStream(input), dir.resolve("out"));
        });
        try {
            for (Path dir : dirs) checkConfined(dir);
            if (unpacked != null) {
                assertNotNull(summary, "unpack accepted a NAR that validate rejected");
                assertEquals(summary, unpacked);
                ByteArrayOutputStream again = new ByteArrayOutputStream(input.length);
                NarWriter.dump(dirs.get(0).resolve("out"), again);
                assertArrayEquals(input, again.toByteArray(), "dump(unpack(x)) != x");
            }
        } finally {
            for (Path dir : dirs) deleteTree(dir);
        }
    }

    /** Only the sentinels and the target exist in {@code dir}; the sentinels are unchanged. */
    private static void checkConfined(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                assertTrue(name.equals("sentinel") || name.equals("sentinel-dir") || name.equals("out"),
                        "unpacking wrote " + p + " outside its target");
            }
        }
        assertArrayEquals(SENTINEL, Files.readAllBytes(dir.resolve("sentinel")), "the sentinel file changed");
        try (var s = Files.list(dir.resolve("sentinel-dir"))) {
            assertEquals(0, s.count(), "unpacking wrote into the sentinel directory");
        }
        try (var s = Files.list(dir.getParent())) {
            // nothing beside the per-input directories
            s.forEach(p -> assertTrue(p.getFileName().toString().matches("[0-9]+"), "unpacking wrote " + p));
        }
    }

    /** Deletes without following symlinks (a link is removed, never its target). */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                d.toFile().setWritable(true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
