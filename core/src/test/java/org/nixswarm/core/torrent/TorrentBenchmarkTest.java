package org.nixswarm.core.torrent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hashing and parsing speed, off by default (run with {@code -Dnixswarm.bench=true}). Prints ratios
 * against a reference measured in the same run: plain SHA-1 over the same bytes already in memory.
 */
class TorrentBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void hashingThroughput() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("nixswarm.bench"), "benchmark: run with -Dnixswarm.bench=true");
        int files = 32;
        int size = 8 << 20;
        int piece = 256 << 10;
        byte[] block = new byte[size];
        new Random(1).nextBytes(block);
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            Path f = dir.resolve("f" + i);
            block[0] = (byte) i;
            Files.write(f, block);
            paths.add(f);
        }
        // Reference: SHA-1 of the same number of bytes, pieces already in memory, one thread.
        long t0 = System.nanoTime();
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        for (int i = 0; i < files; i++) {
            for (int off = 0; off < size; off += piece) {
                sha1.update(block, off, piece);
                sha1.digest();
            }
        }
        double ref = seconds(t0);
        long total = (long) files * size;
        System.out.printf("reference in-memory SHA-1: %.0f MB/s%n", total / ref / 1e6);
        for (int threads : new int[] {1, 2}) {
            TorrentBuilder b = new TorrentBuilder("nar").pieceLength(piece).threads(threads);
            for (int i = 0; i < files; i++) b.addFile(List.of("f" + i), paths.get(i));
            long t = System.nanoTime();
            Torrent torrent = b.build();
            double s = seconds(t);
            assertEquals(total, torrent.totalLength());
            System.out.printf("TorrentBuilder, %d thread(s), %d MB in %d files: %.0f MB/s, %.2fx the reference%n",
                    threads, total >> 20, files, total / s / 1e6, ref / s);
        }
    }

    @Test
    void readingALargeTorrent() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("nixswarm.bench"), "benchmark: run with -Dnixswarm.bench=true");
        int files = 100_000;
        TorrentBuilder b = new TorrentBuilder("nar").pieceLength(16 << 10).threads(1);
        byte[] content = new byte[1000];
        for (int i = 0; i < files; i++) {
            b.addFile(List.of(String.format("%032d.nar.xz", i)), content.length, () -> new ByteArrayInputStream(content));
        }
        byte[] data = b.build().write();
        int rounds = 5;
        long d = System.nanoTime();
        org.nixswarm.core.bencode.BValue v = null;
        for (int i = 0; i < rounds; i++) v = org.nixswarm.core.bencode.BencodeDecoder.decode(data);
        System.out.printf("decode: %.0f ms%n", seconds(d) / rounds * 1000);
        d = System.nanoTime();
        for (int i = 0; i < rounds; i++) org.nixswarm.core.bencode.BencodeEncoder.encode(v);
        System.out.printf("encode: %.0f ms%n", seconds(d) / rounds * 1000);
        long t = System.nanoTime();
        for (int i = 0; i < rounds; i++) Torrent.read(data);
        double s = seconds(t) / rounds;
        System.out.printf("Torrent.read of %d files (pads included: %d entries, %.1f MB): %.0f ms%n",
                files, 2 * files - 1, data.length / 1e6, s * 1000);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
