package org.nixswarm.planner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentFile;
import org.nixswarm.planner.io.PlanWriter;

/** Checks a plan directory against docs/formats.md and the cache it was made from. */
final class PlanCheck {
    private PlanCheck() {}

    /** Verifies everything; returns store hash → infohash. */
    static Map<String, String> verify(Path plan, Path cacheDir) throws Exception {
        JsonNode m = new ObjectMapper().readTree(plan.resolve("manifest.json").toFile());
        assertEquals(1, m.get("version").asInt());
        PublicKey pub = PublicKey.readFile(plan.resolve("planner-key.pub"));
        assertEquals(pub.toNixFormat(), m.get("plannerKey").asText());
        Map<String, String> where = new TreeMap<>();
        for (JsonNode b : m.get("bundles")) {
            String ih = b.get("infohash").asText();
            Torrent t = Torrent.read(Files.readAllBytes(plan.resolve(b.get("torrent").asText())));
            assertEquals(ih, t.infoHash().hex());
            assertEquals("nar", t.name());
            assertEquals(b.get("pieceSize").asInt(), t.pieceLength());
            assertEquals(b.get("totalSize").asLong(), t.totalLength());
            assertTrue(Integer.bitCount(t.pieceLength()) == 1);
            List<TorrentFile> real = t.realFiles();
            assertEquals(b.get("files").size(), real.size());
            for (int i = 0; i < real.size(); i++) {
                JsonNode f = b.get("files").get(i);
                TorrentFile tf = real.get(i);
                assertEquals(f.get("path").asText(), t.fullPath(tf));
                assertEquals(f.get("fileIndex").asInt(), tf.index());
                assertEquals(f.get("offset").asLong(), tf.offset());
                assertEquals(f.get("size").asLong(), tf.length());
                assertEquals(0, tf.offset() % t.pieceLength(), "every file starts on a piece boundary");
                assertTrue(where.put(f.get("storeHash").asText(), ih) == null, "path in two bundles");
            }
            verifyPieces(t, cacheDir);
        }
        Set<String> indexed = new HashSet<>();
        ObjectMapper om = new ObjectMapper();
        for (String line : Files.readAllLines(plan.resolve("index.jsonl"))) {
            JsonNode e = om.readTree(line);
            String msg = String.join(";", PlanWriter.INDEX_PREFIX, e.get("storePath").asText(), e.get("infohash").asText(),
                    e.get("fileIndex").asText(), e.get("filePath").asText(), e.get("fileSize").asText(),
                    PlanWriter.sha256Hex(e.get("narinfo").asText()));
            assertTrue(pub.verify(msg, e.get("sig").asText()), "index signature of " + e.get("storePath"));
            assertEquals(where.get(e.get("storeHash").asText()), e.get("infohash").asText());
            assertTrue(e.get("narinfo").asText().startsWith("StorePath: " + e.get("storePath").asText()));
            assertTrue(indexed.add(e.get("storeHash").asText()));
        }
        assertEquals(where.keySet(), indexed);
        return where;
    }

    /** Recomputes every piece hash from the cache's NAR files and the zero pads. */
    static void verifyPieces(Torrent t, Path cacheDir) throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        int plen = t.pieceLength();
        byte[] piece = new byte[plen];
        int fill = 0;
        int index = 0;
        for (TorrentFile f : t.files()) {
            InputStream in = f.isPad() ? InputStream.nullInputStream() : Files.newInputStream(cacheDir.resolve(t.fullPath(f)));
            try (in) {
                long left = f.length();
                while (left > 0) {
                    int n = (int) Math.min(left, plen - fill);
                    if (f.isPad()) {
                        java.util.Arrays.fill(piece, fill, fill + n, (byte) 0);
                    } else if (in.readNBytes(piece, fill, n) != n) {
                        throw new IOException("short file " + f.pathString());
                    }
                    fill += n;
                    left -= n;
                    if (fill == plen) {
                        sha1.update(piece, 0, fill);
                        assertArrayEquals(t.pieceHash(index), sha1.digest(), "piece " + index);
                        index++;
                        fill = 0;
                    }
                }
            }
        }
        if (fill > 0) {
            sha1.update(piece, 0, fill);
            assertArrayEquals(t.pieceHash(index), sha1.digest(), "last piece");
            index++;
        }
        assertEquals(t.pieceCount(), index);
    }
}
