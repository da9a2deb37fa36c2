package org.nixswarm.core.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NarWriterTest {
    @TempDir
    Path tmp;

    private static byte[] ours(Path p) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NarSummary s = NarWriter.dump(p, out);
        byte[] nar = out.toByteArray();
        assertEquals(nar.length, s.size(), "NarSize counted while streaming");
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(nar), s.sha256(), "NarHash computed while streaming");
        return nar;
    }

    private static void assertSameAsNix(Path p) throws Exception {
        byte[] nix = RealNixStore.dump(p);
        byte[] ours = ours(p);
        assertEquals(nix.length, ours.length, "NAR size differs from nix-store --dump for " + p);
        assertArrayEquals(nix, ours, "NAR bytes differ from nix-store --dump for " + p);
    }

    @Test
    void mixedTreeIsByteIdenticalToNixStoreDump() throws Exception {
        assertSameAsNix(NarTrees.mixed(tmp));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void randomTreesAreByteIdenticalToNixStoreDump(long seed) throws Exception {
        assertSameAsNix(NarTrees.random(tmp, seed));
    }

    @Test
    void singleRegularFileAtTheRoot() throws Exception {
        assertSameAsNix(Files.writeString(tmp.resolve("file"), "hello\n"));
        assertSameAsNix(Files.write(tmp.resolve("empty"), new byte[0]));
    }

    @Test
    void singleExecutableAtTheRoot() throws Exception {
        Path p = Files.writeString(tmp.resolve("exe"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r-xr-xr-x"));
        assertSameAsNix(p);
    }

    @Test
    void singleSymlinkAtTheRoot() throws Exception {
        assertSameAsNix(Files.createSymbolicLink(tmp.resolve("dangling"), Path.of("/nonexistent/target")));
        assertSameAsNix(Files.createSymbolicLink(tmp.resolve("rel"), Path.of("dangling")));
    }

    @Test
    void emptyDirectoryAtTheRoot() throws Exception {
        assertSameAsNix(Files.createDirectory(tmp.resolve("d")));
    }

    @Test
    void knownBytesOfASmallNar() throws Exception {
        // the exact layout, independent of nix-store: magic, then ( type regular contents "hi" )
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NarWriter w = new NarWriter(out);
        w.regular(false, "hi".getBytes());
        w.finish();
        ByteArrayOutputStream expect = new ByteArrayOutputStream();
        for (String s : new String[] {"nix-archive-1", "(", "type", "regular", "contents", "hi", ")"}) {
            byte[] b = s.getBytes();
            for (int i = 0; i < 8; i++) expect.write((int) ((long) b.length >>> (8 * i)));
            expect.write(b);
            expect.write(new byte[(8 - b.length % 8) % 8]);
        }
        assertArrayEquals(expect.toByteArray(), out.toByteArray());
    }

    @Test
    void eventsOutOfOrderAreRefusedBeforeWriting() throws Exception {
        NarWriter w = new NarWriter(new ByteArrayOutputStream());
        w.startDirectory();
        w.entry("b");
        w.regular(false, new byte[0]);
        w.endEntry();
        assertThrows(IllegalStateException.class, () -> w.entry("a"), "unsorted");
        assertThrows(IllegalStateException.class, () -> w.entry("b"), "duplicate");
        assertThrows(IllegalArgumentException.class, () -> w.entry(".."));
        assertThrows(IllegalArgumentException.class, () -> w.entry("a/b"));
        assertThrows(IllegalArgumentException.class, () -> w.entry(""));
        assertThrows(IllegalStateException.class, w::finish, "root not complete");
        assertThrows(IllegalStateException.class, () -> w.regular(false, new byte[0]), "node without entry");
        w.entry("c");
        assertThrows(IllegalStateException.class, w::endDirectory);
    }

    @Test
    void contentsShorterThanAnnouncedFail() {
        NarWriter w = new NarWriter(new ByteArrayOutputStream());
        assertThrows(java.io.IOException.class,
                () -> w.regular(false, 10, new java.io.ByteArrayInputStream(new byte[5])));
    }

    @Test
    void namesJavaCannotDecodeAreRefusedNotMangled() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(NarTrees.UTF8_NAMES, "needs a UTF-8 locale");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs python3");
        Path dir = Files.createDirectory(tmp.resolve("latin1"));
        // a Latin-1 name: not valid UTF-8, so Java would read it as U+FFFD and write the wrong bytes
        Process p = new ProcessBuilder("/usr/bin/python3", "-c",
                "import os,sys; open(os.path.join(sys.argv[1].encode(), b'caf\\xe9'), 'w').close()", dir.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "python3 could not create the file");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> NarWriter.summarize(dir));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("not valid in the file-name encoding"), e.getMessage());
    }

    @Test
    void unsupportedFileTypesAreRefused() throws Exception {
        Path fifo = tmp.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo not available");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> NarWriter.summarize(fifo));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("neither"), e.getMessage());
    }
}
