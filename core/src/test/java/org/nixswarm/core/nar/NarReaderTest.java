package org.nixswarm.core.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixswarm.core.FormatException;

class NarReaderTest {
    @TempDir
    Path tmp;

    private static byte[] dump(Path p) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NarWriter.dump(p, out);
        return out.toByteArray();
    }

    private static NarSummary validate(byte[] nar) throws IOException {
        return NarReader.validate(new ByteArrayInputStream(nar));
    }

    private static FormatException rejected(byte[] nar, String expectedMessagePart) {
        FormatException e = assertThrows(FormatException.class, () -> validate(nar));
        assertTrue(e.getMessage().contains(expectedMessagePart), "message: " + e.getMessage());
        assertTrue(e.getMessage().contains("byte offset"), "message names the offset: " + e.getMessage());
        return e;
    }

    // ---- round trips ----

    @Test
    void validateReturnsTheHashAndSizeOfTheBytes() throws Exception {
        byte[] nar = dump(NarTrees.mixed(tmp));
        NarSummary s = validate(nar);
        assertEquals(nar.length, s.size());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(nar), s.sha256());
    }

    @Test
    void unpackThenDumpGivesTheSameNar() throws Exception {
        byte[] nar = dump(NarTrees.mixed(tmp));
        Path out = tmp.resolve("out");
        NarReader.create().read(new ByteArrayInputStream(nar), NarUnpacker.to(out).allowingAnySymlinkTarget());
        assertArrayEquals(nar, dump(out));
        assertTrue(Files.isExecutable(out.resolve("run.sh")));
        assertFalse(Files.isExecutable(out.resolve("big.bin")));
        assertTrue(Files.isSymbolicLink(out.resolve("link-dangling")));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void readerIntoWriterIsTheIdentity(long seed) throws Exception {
        byte[] nar = dump(NarTrees.random(tmp, seed));
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        NarWriter w = new NarWriter(copy);
        NarSummary read = NarReader.create().read(new ByteArrayInputStream(nar), w);
        assertEquals(read, w.finish());
        assertArrayEquals(nar, copy.toByteArray());
    }

    @Test
    void realNixRestoresWhatWeWriteAndWeUnpackWhatItDumps() throws Exception {
        Path tree = NarTrees.mixed(tmp);
        byte[] ours = dump(tree);
        Path restoredByNix = tmp.resolve("restored-by-nix");
        RealNixStore.restore(restoredByNix, ours);
        assertArrayEquals(ours, dump(restoredByNix), "nix-store --restore of our NAR, dumped again");

        byte[] theirs = RealNixStore.dump(tree);
        Path unpackedByUs = tmp.resolve("unpacked-by-us");
        NarReader.create().read(new ByteArrayInputStream(theirs), NarUnpacker.to(unpackedByUs).allowingAnySymlinkTarget());
        assertArrayEquals(theirs, RealNixStore.dump(unpackedByUs), "our unpack of Nix's NAR, dumped by Nix");
    }

    @Test
    void singleFileAndSingleSymlinkRoots() throws Exception {
        byte[] file = RawNar.start().s("(", "type", "regular", "executable", "", "contents", "x", ")").bytes();
        Path f = tmp.resolve("f");
        NarReader.unpack(new ByteArrayInputStream(file), f);
        assertTrue(Files.isRegularFile(f) && Files.isExecutable(f));
        assertArrayEquals(file, dump(f));

        byte[] link = RawNar.start().s("(", "type", "symlink", "target", "/nix/store/x", ")").bytes();
        assertEquals(link.length, validate(link).size());
        Path l = tmp.resolve("l");
        FormatException e = assertThrows(FormatException.class, () -> NarReader.unpack(new ByteArrayInputStream(link), l));
        assertTrue(e.getMessage().contains("root is a symlink"), e.getMessage());
        NarReader.create().read(new ByteArrayInputStream(link), NarUnpacker.to(l).allowingAnySymlinkTarget());
        assertEquals(Path.of("/nix/store/x"), Files.readSymbolicLink(l));
    }

    // ---- rejected input ----

    @Test
    void badMagic() {
        rejected(new RawNar().s("nix-archive-2", "(", "type", "regular", "contents", "", ")").bytes(), "NAR magic");
        rejected(new RawNar().u64(1L << 40).bytes(), "absurd length");
        rejected(new byte[0], "truncated");
    }

    @Test
    void badTokens() {
        rejected(RawNar.start().s("(", "type", "fifo", ")").bytes(), "unknown node type");
        rejected(RawNar.start().s("[", "type", "regular").bytes(), "'(' opening a node");
        rejected(RawNar.start().s("(", "type", "regular", "executable", "x", "contents", "", ")").bytes(), "empty string after");
        rejected(RawNar.start().s("(", "type", "regular", "data", "", ")").bytes(), "expected 'contents'");
        rejected(RawNar.start().s("(", "type", "directory", "file", ")").bytes(), "expected 'entry' or ')'");
        rejected(RawNar.start().s("(", "type", "regular", "contents", "", "]").bytes(), "')' closing");
    }

    @Test
    void badNames() {
        for (String bad : new String[] {"..", ".", "", "a/b", "/", "a\0b"}) {
            byte[] nar = RawNar.start().s("(", "type", "directory").entry(bad, () -> {}).bytes();
            FormatException e = assertThrows(FormatException.class, () -> validate(nar), "name '" + bad + "'");
            assertTrue(e.getMessage().contains("invalid") && e.getMessage().contains("file name"), e.getMessage());
            // offset 128 = magic (24) + "(" (16) + "type" (16) + "directory" (24) + "entry" (16) + "(" (16) + "name" (16)
            assertTrue(e.getMessage().endsWith("at byte offset 128"), e.getMessage());
        }
        rejected(RawNar.start().s("(", "type", "directory").entry("x".repeat(256), () -> {}).bytes(), "absurd length 256");
    }

    @Test
    void duplicateAndUnsortedEntries() {
        RawNar dup = RawNar.start().s("(", "type", "directory");
        dup.entry("a", () -> dup.file("1")).entry("a", () -> dup.file("2")).s(")");
        rejected(dup.bytes(), "duplicate entry 'a'");

        RawNar unsorted = RawNar.start().s("(", "type", "directory");
        unsorted.entry("b", () -> unsorted.file("1")).entry("a", () -> unsorted.file("2")).s(")");
        rejected(unsorted.bytes(), "not sorted");

        // byte order, not Java's UTF-16 order: U+FFFD (EF BF BD) sorts before U+10000 (F0 90 80 80)
        RawNar bytesOrder = RawNar.start().s("(", "type", "directory");
        bytesOrder.entry("\uFFFD", () -> bytesOrder.file("1")).entry("\uD800\uDC00", () -> bytesOrder.file("2")).s(")");
        assertEquals(bytesOrder.bytes().length, assertDoesNotThrow(bytesOrder.bytes()).size());
        // and unsigned: "é" (C3 A9) sorts after "z"
        RawNar signed = RawNar.start().s("(", "type", "directory");
        signed.entry("é", () -> signed.file("1")).entry("z", () -> signed.file("2")).s(")");
        rejected(signed.bytes(), "not sorted");
    }

    private static NarSummary assertDoesNotThrow(byte[] nar) {
        try {
            return validate(nar);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyTruncationIsRejected() throws Exception {
        byte[] nar = dump(NarTrees.random(tmp, 7));
        for (int cut = 0; cut < nar.length; cut += Math.max(1, nar.length / 500)) {
            byte[] part = Arrays.copyOf(nar, cut);
            FormatException e = assertThrows(FormatException.class, () -> validate(part), "cut at " + cut);
            assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("byte offset " + cut),
                    e.getMessage());
        }
    }

    @Test
    void trailingDataAndNonZeroPadding() throws Exception {
        byte[] nar = RawNar.start().file("abc").bytes();
        byte[] longer = Arrays.copyOf(nar, nar.length + 1);
        rejected(longer, "trailing data");
        // "abc" is padded with 5 zero bytes: make one of them non-zero
        byte[] badPad = nar.clone();
        int contentsAt = 24 + 16 + 16 + 16 + 16 + 8; // magic ( type regular contents <len>
        badPad[contentsAt + 4] = 1;
        FormatException e = rejected(badPad, "non-zero padding");
        assertTrue(e.getMessage().endsWith("byte offset " + (contentsAt + 4)), e.getMessage());
    }

    @Test
    void absurdLengths() {
        rejected(RawNar.start().s("(", "type", "regular", "contents").u64(-1L).bytes(), "absurd file size 18446744073709551615");
        rejected(RawNar.start().s("(", "type", "symlink", "target").u64(1L << 20).bytes(), "absurd length 1048576 for symlink target");
        rejected(RawNar.start().s("(").u64(1L << 62).bytes(), "absurd length");
        // plausible-looking but bigger than the stream: truncated, without allocating it
        rejected(RawNar.start().s("(", "type", "regular", "contents").u64(1L << 50).bytes(), "truncated");
    }

    @Test
    void maxSizeStopsOversizedNars() throws Exception {
        byte[] nar = RawNar.start().file("x".repeat(1000)).bytes();
        assertEquals(nar.length, NarReader.create().withMaxSize(nar.length).read(new ByteArrayInputStream(nar), NarSink.DISCARD).size());
        FormatException e = assertThrows(FormatException.class,
                () -> NarReader.create().withMaxSize(500).read(new ByteArrayInputStream(nar), NarSink.DISCARD));
        assertTrue(e.getMessage().contains("at most 500 bytes"), e.getMessage());
    }

    @Test
    void badSymlinkTargets() {
        rejected(RawNar.start().s("(", "type", "symlink", "target", "", ")").bytes(), "empty symlink target");
        rejected(RawNar.start().s("(", "type", "symlink", "target", "a\0b", ")").bytes(), "NUL");
    }

    @Test
    void deepNestingIsBounded() {
        RawNar r = RawNar.start();
        for (int i = 0; i <= NarReader.MAX_DEPTH + 1; i++) r.s("(", "type", "directory", "entry", "(", "name", "d", "node");
        rejected(r.bytes(), "nested deeper");
    }

    // ---- unpack safety ----

    private void unpackDir(String name, String target) throws IOException {
        byte[] nar = RawNar.start().s("(", "type", "directory")
                .s("entry", "(", "name", "sub", "node", "(", "type", "directory")
                .s("entry", "(", "name", name, "node", "(", "type", "symlink", "target", target, ")", ")")
                .s(")", ")", ")").bytes();
        NarReader.unpack(new ByteArrayInputStream(nar), tmp.resolve("u-" + Math.abs((name + target).hashCode())));
    }

    @Test
    void unpackRejectsEscapingSymlinks() throws Exception {
        for (String t : new String[] {"/etc/passwd", "../../x", "../../../etc", "a/../../..", "../sub/../..", "x/../y"}) {
            FormatException e = assertThrows(FormatException.class, () -> unpackDir("l", t), t);
            assertTrue(e.getMessage().contains("byte offset"), e.getMessage());
        }
        // staying inside is fine, including one level up from sub/
        for (String t : new String[] {"../x", "..", "x/y", "./x", ".", "x//y/", "../sub/l2"}) unpackDir("l", t);
    }

    @Test
    void namesThisJvmCannotWriteAreValidButNotUnpacked() throws Exception {
        byte[] nar = RawNar.start().s("(", "type", "directory")
                .s("entry", "(", "name").b(new byte[] {'c', 'a', 'f', (byte) 0xe9}).s("node").file("x").s(")")
                .s(")").bytes();
        assertEquals(nar.length, validate(nar).size());
        // bad input for this JVM, not a disk failure (see unpackRejectsNamesTheJvmCannotWriteAsBadInput)
        FormatException e = assertThrows(FormatException.class,
                () -> NarReader.unpack(new ByteArrayInputStream(nar), tmp.resolve("u")));
        assertTrue(e.getMessage().contains("caf\\xe9"), e.getMessage());
    }

    @Test
    void unpackRefusesAnExistingTarget() throws Exception {
        byte[] nar = RawNar.start().file("x").bytes();
        Path existing = Files.createDirectory(tmp.resolve("exists"));
        assertThrows(IOException.class, () -> NarReader.unpack(new ByteArrayInputStream(nar), existing));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("nowhere"));
        assertThrows(IOException.class, () -> NarReader.unpack(new ByteArrayInputStream(nar), link));
        assertFalse(Files.exists(tmp.resolve("nowhere")), "did not write through the dangling link");
    }

    @Test
    void unpackWithAnyTargetWritesLinksWithoutFollowingThem() throws Exception {
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        byte[] nar = RawNar.start().s("(", "type", "directory")
                .s("entry", "(", "name", "esc", "node", "(", "type", "symlink", "target", outside.toString(), ")", ")")
                .s(")").bytes();
        Path out = tmp.resolve("out");
        NarReader.create().read(new ByteArrayInputStream(nar), NarUnpacker.to(out).allowingAnySymlinkTarget());
        assertEquals(outside, Files.readSymbolicLink(out.resolve("esc")));
        assertTrue(Files.isSymbolicLink(out.resolve("esc")));
        try (var s = Files.list(outside)) {
            assertEquals(0, s.count(), "nothing was written through the link");
        }
        assertFalse(Files.exists(out.resolve("esc").resolve("x"), LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Found by NarFuzzTest (crash-163e6eb9…): a valid NAR whose entry name is not valid in the JVM's
     * file-name encoding made unpack throw an IOException (as if the disk had failed), not a
     * FormatException naming the entry and its offset.
     */
    @Test
    void unpackRejectsNamesTheJvmCannotWriteAsBadInput() throws Exception {
        byte[] name = {(byte) 0x9e, (byte) 0x9f, 'n'};
        Assumptions.assumeFalse(FileNames.representable(name), "the file-name encoding can write any byte");
        byte[] nar = RawNar.start().s("(", "type", "directory", "entry", "(", "name").b(name).s("node")
                .file("x").s(")", ")").bytes();
        validate(nar); // a valid NAR: Nix could restore it
        FormatException e = assertThrows(FormatException.class,
                () -> NarReader.unpack(new ByteArrayInputStream(nar), tmp.resolve("out")));
        assertTrue(e.getMessage().contains("'\\x9e\\x9fn'") && e.getMessage().contains("file-name encoding"), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset 128"), e.getMessage());
    }
}
