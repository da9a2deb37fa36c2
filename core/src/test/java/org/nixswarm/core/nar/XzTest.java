package org.nixswarm.core.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.testing.Tools;

class XzTest {
    private static byte[] sample() {
        byte[] b = new byte[100_000];
        Random r = new Random(1);
        for (int i = 0; i < b.length; i++) b[i] = (byte) ("nix-swarm ".charAt(i % 10) + (r.nextInt(16) == 0 ? r.nextInt(3) : 0));
        return b;
    }

    @Test
    void roundTripAtEveryPreset() {
        byte[] data = sample();
        for (int preset : new int[] {0, 6, 9}) {
            byte[] xz = Xz.compress(data, preset);
            assertTrue(xz.length < data.length / 2, "compresses");
            assertArrayEquals(data, Xz.decompress(xz));
        }
        assertArrayEquals(new byte[0], Xz.decompress(Xz.compress(new byte[0], 6)));
    }

    @Test
    void streamingCompressReportsTheCompressedSize() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = Xz.compress(new ByteArrayInputStream(sample()), out, Xz.DEFAULT_PRESET);
        assertEquals(out.size(), n);
        assertArrayEquals(sample(), Xz.decompress(out.toByteArray()));
    }

    @Test
    void realXzReadsWhatWeWriteAndWeReadWhatItWrites() throws Exception {
        Path xz = Tools.require("xz", "xz-utils");
        byte[] data = sample();
        byte[] ours = Xz.compress(data, Xz.DEFAULT_PRESET);
        assertArrayEquals(data, RealNixStore.run(new ProcessBuilder(xz.toString(), "-d", "-c"), ours));
        RealNixStore.run(new ProcessBuilder(xz.toString(), "-t"), ours); // integrity check passes
        byte[] theirs = RealNixStore.run(new ProcessBuilder(xz.toString(), "-9", "-c"), data);
        assertArrayEquals(data, Xz.decompress(theirs));
    }

    @Test
    void concatenatedStreamsAreRead() {
        byte[] a = Xz.compress("hello ".getBytes(), 1);
        byte[] b = Xz.compress("world".getBytes(), 1);
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertEquals("hello world", new String(Xz.decompress(both)));
    }

    @Test
    void corruptInputIsAFormatException() throws Exception {
        byte[] xz = Xz.compress(sample(), 6);
        FormatException notXz = assertThrows(FormatException.class, () -> Xz.decompress("not xz at all, clearly".getBytes()));
        assertTrue(notXz.getMessage().startsWith("xz: "), notXz.getMessage());
        byte[] flipped = xz.clone();
        flipped[flipped.length / 2] ^= 0x55;
        FormatException e = assertThrows(FormatException.class, () -> drain(flipped));
        assertTrue(e.getMessage().contains("compressed byte offset"), e.getMessage());
        byte[] truncated = Arrays.copyOf(xz, xz.length - 10);
        assertThrows(FormatException.class, () -> drain(truncated));
        assertThrows(IllegalArgumentException.class, () -> Xz.compressing(new ByteArrayOutputStream(), 10));
    }

    private static void drain(byte[] xz) throws Exception {
        try (InputStream in = Xz.decompressing(new ByteArrayInputStream(xz))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
