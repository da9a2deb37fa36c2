package org.nixswarm.index.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.HashAlgorithm;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentBuilder;
import org.nixswarm.core.torrent.TorrentFile;

/**
 * Writes a plan directory as the planner does (docs/formats.md): signed narinfos of synthetic
 * store paths, real bundle torrents (files of zeros, BEP 47 pads), manifest.json, index.jsonl
 * signed by the planner key, planner-key.pub. Deterministic for a seed.
 */
public final class TestPlan {
    public static final SecretKey PLANNER = SecretKey.fromSeed("test-planner-1", seed(1));
    public static final SecretKey CACHE = SecretKey.fromSeed("test-cache-1", seed(2));
    public static final String CACHE_URL = "http://127.0.0.1:8080/";
    public static final String TRACKER = "http://127.0.0.1:6969/announce";

    private TestPlan() {}

    public static byte[] seed(int n) {
        byte[] s = new byte[32];
        new Random(n).nextBytes(s);
        return s;
    }

    /** What was written: every entry, in file order. */
    public record Written(Path dir, List<IndexEntry> entries, List<Torrent> bundles) {}

    public static Written write(Path dir, int entries, int bundles, long randomSeed, String generation) throws IOException {
        Random random = new Random(randomSeed);
        Files.createDirectories(dir.resolve("bundles"));
        List<List<Object[]>> perBundle = new ArrayList<>();
        for (int b = 0; b < bundles; b++) perBundle.add(new ArrayList<>());
        List<NarInfo> narinfos = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            byte[] h = new byte[20];
            random.nextBytes(h);
            StorePath path = StorePath.of(h, "pkg-" + randomSeed + "-" + i);
            int size = 100 + random.nextInt(900);
            byte[] fileHashBytes = new byte[32];
            random.nextBytes(fileHashBytes);
            Hash fileHash = new Hash(HashAlgorithm.SHA256, fileHashBytes);
            byte[] narHashBytes = new byte[32];
            random.nextBytes(narHashBytes);
            NarInfo n = NarInfo.builder()
                    .storePath(path)
                    .url("nar/" + fileHash.toBase32() + ".nar.xz")
                    .compression("xz")
                    .fileHash(fileHash)
                    .fileSize(size)
                    .narHash(new Hash(HashAlgorithm.SHA256, narHashBytes))
                    .narSize(size * 4L)
                    .build()
                    .withSignature(CACHE);
            narinfos.add(n);
            perBundle.get(i % bundles).add(new Object[] {n, size});
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = json.createObjectNode();
        manifest.put("version", 1);
        manifest.put("generation", generation);
        manifest.put("cacheUrl", CACHE_URL);
        manifest.putArray("trackers").add(TRACKER);
        manifest.put("plannerKey", PLANNER.publicKey().toNixFormat());
        ArrayNode bundleArray = manifest.putArray("bundles");
        List<Torrent> torrents = new ArrayList<>();
        List<IndexEntry> written = new ArrayList<>();
        for (List<Object[]> files : perBundle) {
            if (files.isEmpty()) continue;
            TorrentBuilder tb = new TorrentBuilder("nar").pieceLength(16 * 1024).padFiles(true)
                    .announce(TRACKER).addWebSeed(CACHE_URL).threads(1);
            for (Object[] f : files) {
                NarInfo n = (NarInfo) f[0];
                int size = (Integer) f[1];
                tb.addFile(List.of(n.url().substring("nar/".length())), size, () -> zeros(size));
            }
            Torrent t = tb.build();
            torrents.add(t);
            Files.write(dir.resolve("bundles/" + t.infoHash().hex() + ".torrent"), t.write());
            ObjectNode b = bundleArray.addObject();
            b.put("infohash", t.infoHash().hex());
            b.put("torrent", "bundles/" + t.infoHash().hex() + ".torrent");
            b.put("pieceSize", t.pieceLength());
            b.put("totalSize", t.totalLength());
            ArrayNode fa = b.putArray("files");
            for (TorrentFile tf : t.realFiles()) {
                NarInfo n = (NarInfo) files.stream().filter(f -> ((NarInfo) f[0]).url().equals(t.fullPath(tf)))
                        .findFirst().orElseThrow()[0];
                ObjectNode fo = fa.addObject();
                fo.put("storeHash", n.storePath().hashPart());
                fo.put("storePath", n.storePath().toString());
                fo.put("fileIndex", tf.index());
                fo.put("path", t.fullPath(tf));
                fo.put("offset", tf.offset());
                fo.put("size", tf.length());
                written.add(IndexEntry.signed(n.storePath(), t.infoHash(), tf.index(), n.url(), tf.length(),
                        n.print(), PLANNER));
            }
        }
        Files.write(dir.resolve("manifest.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        try (Writer w = Files.newBufferedWriter(dir.resolve("index.jsonl"), StandardCharsets.UTF_8)) {
            for (IndexEntry e : written) w.write(e.toJsonLine() + "\n");
        }
        Files.writeString(dir.resolve("planner-key.pub"), PLANNER.publicKey().toNixFormat() + "\n");
        return new Written(dir, written, torrents);
    }

    private static InputStream zeros(int size) {
        return new ByteArrayInputStream(new byte[size]);
    }
}
