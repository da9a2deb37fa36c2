package org.nixswarm.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.index.store.Segment;
import org.nixswarm.index.store.SegmentMeta;
import org.nixswarm.index.store.SegmentWriter;

class SegmentTest {
    @TempDir
    Path tmp;

    private static final SegmentMeta META = new SegmentMeta("g1", "http://127.0.0.1:1/", List.of(), "k:AAAA", 0, List.of());

    @Test
    void everyKeyIsFoundAbsentKeysAreNotAndPrefixesMatchABruteForceScan() throws Exception {
        Random r = new Random(7);
        TreeMap<String, String> expected = new TreeMap<>();
        Path file = tmp.resolve("a.seg");
        try (SegmentWriter w = new SegmentWriter(file)) {
            for (int i = 0; i < 20_000; i++) {
                byte[] k = new byte[20];
                r.nextBytes(k);
                if (i % 1000 == 0) k[0] = k[1] = 0x12; // a crowded 16-bit bucket
                String v = "record-" + i;
                expected.put(HexFormat.of().formatHex(k), v);
                w.add(k, v.getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(20_000, w.finish(META).entries());
        }
        Segment s = Segment.open(file);
        assertEquals(20_000, s.count());
        assertEquals("g1", s.meta().generation());
        for (var e : expected.entrySet()) {
            assertEquals(e.getValue(), new String(s.get(HexFormat.of().parseHex(e.getKey())), StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 1000; i++) {
            byte[] k = new byte[20];
            r.nextBytes(k);
            if (!expected.containsKey(HexFormat.of().formatHex(k))) assertNull(s.get(k));
        }
        for (String hex : List.of("1212", "12120", "abcd", "00000", "ffff", "7f3", "12", "0", "f", "a5")) {
            int bits = hex.length() * 4;
            byte[] prefix = new byte[20];
            byte[] given = HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : hex + "0");
            System.arraycopy(given, 0, prefix, 0, given.length);
            int[] range = s.range(prefix, bits);
            List<String> got = new ArrayList<>();
            for (int i = range[0]; i < range[1]; i++) got.add(HexFormat.of().formatHex(s.key(i)));
            List<String> want = expected.keySet().stream().filter(k -> k.startsWith(hex)).toList();
            assertEquals(want, got, "prefix " + hex);
        }
    }

    @Test
    void duplicateHashesKeepTheFirstRecord() throws Exception {
        Path file = tmp.resolve("d.seg");
        byte[] k = new byte[20];
        Arrays.fill(k, (byte) 5);
        try (SegmentWriter w = new SegmentWriter(file)) {
            w.add(k, "first".getBytes(StandardCharsets.UTF_8));
            w.add(new byte[20], "zero".getBytes(StandardCharsets.UTF_8));
            w.add(k, "second".getBytes(StandardCharsets.UTF_8));
            SegmentWriter.Result res = w.finish(META);
            assertEquals(2, res.entries());
            assertEquals(1, res.duplicates().size());
            assertArrayEquals(k, res.duplicates().get(0));
        }
        assertEquals("first", new String(Segment.open(file).get(k), StandardCharsets.UTF_8));
    }

    @Test
    void aTruncatedOrForeignFileIsRefusedWithItsName() throws Exception {
        Path file = tmp.resolve("t.seg");
        try (SegmentWriter w = new SegmentWriter(file)) {
            w.add(new byte[20], "x".getBytes(StandardCharsets.UTF_8));
            w.finish(META);
        }
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 3));
        IndexException e = assertThrows(IndexException.class, () -> Segment.open(file));
        assertTrue(e.getMessage().contains("t.seg") && e.getMessage().contains("corrupt"), e.getMessage());
        Files.writeString(file, "hello, this is not a segment at all, but long enough for a header...");
        e = assertThrows(IndexException.class, () -> Segment.open(file));
        assertTrue(e.getMessage().contains("not a nix-swarm index segment"), e.getMessage());
    }

    private Path smallSegment(String name, int entries) throws Exception {
        Path file = tmp.resolve(name);
        try (SegmentWriter w = new SegmentWriter(file)) {
            for (int i = 0; i < entries; i++) {
                byte[] k = new byte[20];
                k[0] = (byte) (i * 37);
                k[19] = (byte) i;
                w.add(k, ("{\"record\":" + i + ",\"pad\":\"" + "x".repeat(40) + "\"}").getBytes(StandardCharsets.UTF_8));
            }
            w.finish(META);
        }
        return file;
    }

    @Test
    void everyTruncationIsRefusedOnOpenNamingTheFile() throws Exception {
        Path file = smallSegment("trunc.seg", 50);
        byte[] all = Files.readAllBytes(file);
        Random r = new Random(11);
        List<Integer> cuts = new ArrayList<>(List.of(0, 1, 63, 64, 100, all.length - 1, all.length - 60));
        for (int i = 0; i < 20; i++) cuts.add(r.nextInt(all.length));
        for (int cut : cuts) {
            Files.write(file, Arrays.copyOf(all, cut));
            IndexException e = assertThrows(IndexException.class, () -> Segment.open(file), "cut at " + cut);
            assertTrue(e.getMessage().contains("trunc.seg"), e.getMessage());
        }
    }

    @Test
    void aFlippedByteAnywhereIsNeverServed() throws Exception {
        Path file = smallSegment("flip.seg", 50);
        byte[] all = Files.readAllBytes(file);
        Segment good = Segment.open(file);
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < good.count(); i++) {
            keys.add(good.key(i));
            records.add(good.record(i));
        }
        int refusedOnOpen = 0;
        int refusedOnRead = 0;
        // every byte of the header, then a stride through meta, fanout, keys and data
        for (int at = 0; at < all.length; at += at < 64 ? 1 : 97) {
            byte[] bad = all.clone();
            bad[at] ^= 0x10;
            Files.write(file, bad);
            Segment s;
            try {
                s = Segment.open(file);
            } catch (IndexException e) {
                assertTrue(e.getMessage().contains("flip.seg"), e.getMessage());
                refusedOnOpen++;
                continue;
            }
            // opened: then the flip is in the data area, and the damaged record must not come out
            boolean sawDamage = false;
            for (int i = 0; i < keys.size(); i++) {
                try {
                    assertArrayEquals(records.get(i), s.get(keys.get(i)), "flip at " + at);
                } catch (IndexException e) {
                    assertTrue(e.getMessage().contains("flip.seg") && e.getMessage().contains("corrupt"), e.getMessage());
                    sawDamage = true;
                }
            }
            assertTrue(sawDamage, "flip at " + at + " went unnoticed"); // every data byte belongs to a record
            refusedOnRead++;
        }
        assertTrue(refusedOnOpen > 64 && refusedOnRead > 10, refusedOnOpen + " on open, " + refusedOnRead + " on read");
    }
}
