package org.nixswarm.planner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.MetadataService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.testing.Tools;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentFile;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.io.Progress;

/** The planner's torrents as real clients see them: Bt parses them, libtorrent checks every piece against the cache. */
class InteropTest {
    @TempDir
    Path tmp;

    static final String CHECK = """
import json, sys, time
import libtorrent as lt
ti = lt.torrent_info(sys.argv[1])
ses = lt.session({"listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False,
                  "enable_upnp": False, "enable_natpmp": False})
p = lt.add_torrent_params()
p.ti = ti
p.save_path = sys.argv[2]
p.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
p.flags |= lt.torrent_flags.upload_mode
h = ses.add_torrent(p)
deadline = time.time() + 60
while time.time() < deadline:
    s = h.status()
    if s.state not in (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data) and s.has_metadata:
        break
    time.sleep(0.05)
s = h.status()
fs = ti.files()
pads = [i for i in range(fs.num_files()) if fs.file_flags(i) & lt.file_storage.flag_pad_file]
print(json.dumps({"info_hash": str(ti.info_hashes().v1), "num_pieces": ti.num_pieces(), "num_files": fs.num_files(),
    "pads": len(pads), "have": sum(1 for x in s.pieces if x), "web_seeds": [w["url"] for w in ti.web_seeds()]}))
""";

    private Path plan() throws Exception {
        FakeCache c = FakeCache.packages(tmp.resolve("cache"), 11, 4, 4, 50_000);
        Path out = tmp.resolve("plan");
        new Planner(new PlanOptions(c.dir.toString(), null, List.of(), null, out, List.of("http://127.0.0.1:6969/announce"),
                "http://127.0.0.1:8080/", tmp.resolve("k"), List.of(), false,
                ClusterSettings.defaults().withSizes(100_000, 500_000), 600_000, 4, 2, 8 << 20), Progress.NONE).run();
        return out;
    }

    @Test
    void btReadsEveryBundleWithTheSameInfohashFilesAndPieces() throws Exception {
        Path out = plan();
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertTrue(m.get("bundles").size() > 1);
        for (JsonNode b : m.get("bundles")) {
            byte[] bytes = Files.readAllBytes(out.resolve(b.get("torrent").asText()));
            Torrent ours = Torrent.read(bytes);
            bt.metainfo.Torrent bt = new MetadataService().fromByteArray(bytes);
            assertArrayEquals(ours.infoHash().bytes(), bt.getTorrentId().getBytes());
            assertEquals("nar", bt.getName());
            assertEquals(ours.pieceLength(), bt.getChunkSize());
            assertEquals(ours.totalLength(), bt.getSize());
            assertEquals(ours.files().size(), bt.getFiles().size());
            for (TorrentFile f : ours.files()) assertEquals(f.path(), bt.getFiles().get(f.index()).getPathElements());
            Iterator<byte[]> hashes = bt.getChunkHashes().iterator();
            for (int i = 0; i < ours.pieceCount(); i++) assertArrayEquals(ours.pieceHash(i), hashes.next());
        }
    }

    @Test
    void libtorrentFindsEveryPieceOfEveryBundleInTheCacheDirectory() throws Exception {
        Path python = Tools.requirePythonLibtorrent();
        Path out = plan();
        Path script = tmp.resolve("check.py");
        Files.writeString(script, CHECK);
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        for (JsonNode b : m.get("bundles")) {
            Process p = new ProcessBuilder(python.toString(), script.toString(), out.resolve(b.get("torrent").asText()).toString(),
                    tmp.resolve("cache").toString()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), text);
            JsonNode r = new ObjectMapper().readTree(text.lines().reduce((a, x) -> x).orElse("{}"));
            assertEquals(b.get("infohash").asText(), r.get("info_hash").asText());
            assertEquals(r.get("num_pieces").asInt(), r.get("have").asInt(), "libtorrent verified pieces: " + text);
            assertEquals(b.get("files").size() + r.get("pads").asInt(), r.get("num_files").asInt());
            assertEquals(List.of("http://127.0.0.1:8080/"), List.of(r.get("web_seeds").get(0).asText()));
        }
    }
}
