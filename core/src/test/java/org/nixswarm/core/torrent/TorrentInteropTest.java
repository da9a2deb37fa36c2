package org.nixswarm.core.torrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nixswarm.core.torrent.TorrentBuilderTest.assertPiecesVerify;
import static org.nixswarm.core.torrent.TorrentBuilderTest.concatenated;
import static org.nixswarm.core.torrent.TorrentBuilderTest.sampleBuilder;

import bt.metainfo.MetadataService;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.magnet.MagnetUri;

/** Torrents written by core load in Bt and libtorrent with the same infohash, and the other way round. */
class TorrentInteropTest {
    @TempDir
    Path dir;

    @Test
    void btReadsOurTorrentsWithTheSameInfohash() throws Exception {
        for (boolean pads : new boolean[] {true, false}) {
            Torrent ours = sampleBuilder(dir.resolve("p" + pads), pads).build();
            bt.metainfo.Torrent bt = new MetadataService().fromByteArray(ours.write());
            assertArrayEquals(ours.infoHash().bytes(), bt.getTorrentId().getBytes());
            assertEquals("nar", bt.getName());
            assertEquals(ours.pieceLength(), bt.getChunkSize());
            assertEquals(ours.totalLength(), bt.getSize());
            assertEquals(ours.files().size(), bt.getFiles().size());
            for (TorrentFile f : ours.files()) {
                assertEquals(f.path(), bt.getFiles().get(f.index()).getPathElements());
                assertEquals(f.length(), bt.getFiles().get(f.index()).getSize());
            }
            Iterator<byte[]> hashes = bt.getChunkHashes().iterator();
            for (int i = 0; i < ours.pieceCount(); i++) assertArrayEquals(ours.pieceHash(i), hashes.next());
            assertFalse(hashes.hasNext());
            assertEquals(ours.announceList(), bt.getAnnounceKey().orElseThrow().getTrackerUrls());
        }
    }

    @Test
    void weReadTorrentsThatBtBuilds() throws Exception {
        Path root = dir.resolve("root");
        List<Path> files = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 3; i++) {
            Path f = root.resolve(i == 1 ? "sub/f1" : "f" + i);
            Files.createDirectories(f.getParent());
            byte[] b = new byte[20_000 + 9_000 * i];
            r.nextBytes(b);
            Files.write(f, b);
            files.add(f);
        }
        byte[] data = new bt.torrent.maker.TorrentBuilder().rootPath(root).addFiles(files.toArray(Path[]::new))
                .pieceSize(32 * 1024).announce("http://127.0.0.1:6969/announce").build();
        Torrent ours = Torrent.read(data);
        bt.metainfo.Torrent bt = new MetadataService().fromByteArray(data);
        assertArrayEquals(bt.getTorrentId().getBytes(), ours.infoHash().bytes());
        assertEquals(bt.getSize(), ours.totalLength());
        assertEquals(3, ours.files().size());
        assertArrayEquals(data, ours.write());
    }

    @Test
    void libtorrentReadsOurTorrentsWithTheSameInfohashFilesPadsAndWebSeeds() throws Exception {
        Libtorrent lt = Libtorrent.require(dir);
        Torrent ours = sampleBuilder(dir, true).build();
        Path file = dir.resolve("bundle.torrent");
        Files.write(file, ours.write());
        JsonNode info = lt.info(file);
        assertEquals(ours.infoHash().hex(), info.get("info_hash").asText());
        assertEquals("nar", info.get("name").asText());
        assertEquals(ours.pieceLength(), info.get("piece_length").asInt());
        assertEquals(ours.pieceCount(), info.get("num_pieces").asInt());
        assertEquals(ours.totalLength(), info.get("total_size").asLong());
        JsonNode files = info.get("files");
        assertEquals(ours.files().size(), files.size());
        for (TorrentFile f : ours.files()) {
            JsonNode l = files.get(f.index());
            assertEquals(ours.fullPath(f), l.get("path").asText());
            assertEquals(f.length(), l.get("size").asLong());
            assertEquals(f.offset(), l.get("offset").asLong());
            assertEquals(f.isPad(), l.get("pad").asBoolean(), "pad flag of file " + f.index());
        }
        assertTrue(ours.files().stream().anyMatch(TorrentFile::isPad));
        assertEquals(List.of("http://127.0.0.1:8080/"), strings(info.get("web_seeds")));
        // libtorrent shuffles the trackers within a tier, as BEP 12 asks: compare "tier url" sorted.
        List<String> tiers = new ArrayList<>();
        info.get("trackers").forEach(t -> tiers.add(t.get(1).asInt() + " " + t.get(0).asText()));
        tiers.sort(null);
        assertEquals(List.of("0 http://127.0.0.1:6969/announce", "1 http://127.0.0.1:6971/announce",
                "1 udp://127.0.0.1:6970/announce"), tiers);
        for (int i = 0; i < ours.pieceCount(); i++) {
            assertEquals(HexFormat.of().formatHex(ours.pieceHash(i)), info.get("piece_hashes").get(i).asText());
        }
        assertFalse(info.get("private").asBoolean());
    }

    @Test
    void libtorrentVerifiesEveryPieceOfOurTorrentsAgainstTheFiles() throws Exception {
        Libtorrent lt = Libtorrent.require(dir);
        for (boolean pads : new boolean[] {true, false}) {
            Path data = dir.resolve("data" + pads);
            Torrent ours = sampleBuilder(data, pads).build();
            Path file = dir.resolve("check" + pads + ".torrent");
            Files.write(file, ours.write());
            JsonNode check = lt.check(file, data);
            assertEquals(ours.pieceCount(), check.get("num_pieces").asInt());
            assertEquals(ours.pieceCount(), check.get("have").asInt(), "pads=" + pads + ": " + check);
            assertEquals("seeding", check.get("state").asText());
        }
        // Negative control: one flipped byte in the middle of f4 fails exactly one piece.
        Path data = dir.resolve("datatrue");
        Path f4 = data.resolve("nar/f4.nar.xz");
        byte[] b = Files.readAllBytes(f4);
        b[40_000] ^= 1;
        Files.write(f4, b);
        JsonNode check = lt.check(dir.resolve("checktrue.torrent"), data);
        assertEquals(sampleBuilder(dir.resolve("again"), true).build().pieceCount() - 1, check.get("have").asInt(), check.toString());
    }

    @Test
    void weReadTorrentsThatLibtorrentCreatesWithPadFiles() throws Exception {
        Libtorrent lt = Libtorrent.require(dir);
        Path src = dir.resolve("src");
        Random r = new Random(5);
        long[] sizes = {40_000, 70_000, 5_000, 16_384, 1};
        String[] names = {"a.bin", "c.bin", "sub/b.bin", "d.bin", "e.bin"};
        for (int i = 0; i < sizes.length; i++) {
            Path f = src.resolve(names[i]);
            Files.createDirectories(f.getParent());
            byte[] b = new byte[(int) sizes[i]];
            r.nextBytes(b);
            Files.write(f, b);
        }
        for (String mode : List.of("v1canonical", "v1notail", "hybrid")) {
            Path file = dir.resolve(mode + ".torrent");
            JsonNode info = lt.create(src, file, 16384, mode);
            byte[] bytes = Files.readAllBytes(file);
            Torrent ours = Torrent.read(bytes);
            assertEquals(info.get("info_hash").asText(), ours.infoHash().hex(), mode);
            assertArrayEquals(bytes, ours.write(), mode + ": re-encoding gives back libtorrent's bytes");
            JsonNode files = info.get("files");
            assertEquals(files.size(), ours.files().size(), mode);
            int pads = 0;
            for (TorrentFile f : ours.files()) {
                JsonNode l = files.get(f.index());
                assertEquals(l.get("path").asText(), ours.fullPath(f), mode);
                assertEquals(l.get("size").asLong(), f.length(), mode);
                assertEquals(l.get("offset").asLong(), f.offset(), mode);
                assertEquals(l.get("pad").asBoolean(), f.isPad(), mode);
                if (f.isPad()) pads++;
                else assertEquals(0, f.offset() % ours.pieceLength(), mode + ": " + f + " is aligned");
            }
            assertTrue(pads >= 3, mode + " has pad files");
            assertEquals(mode.equals("v1notail"), !ours.files().get(ours.files().size() - 1).isPad(), mode);
            assertEquals(List.of("http://127.0.0.1:1/cache/"), ours.urlList(), mode);
            assertEquals(List.of(List.of("http://127.0.0.1:1/announce"), List.of("udp://127.0.0.1:2/announce")),
                    ours.announceList(), mode);
            assertEquals("libtorrent test", ours.createdBy().orElseThrow(), mode);
            assertPiecesVerify(ours, concatenated(ours, dir));
        }
    }

    @Test
    void libtorrentParsesOurMagnetLinks() throws Exception {
        Libtorrent lt = Libtorrent.require(dir);
        Torrent ours = sampleBuilder(dir, true).build();
        TorrentFile wanted = ours.findFile("nar/f4.nar.xz").orElseThrow();
        MagnetUri magnet = MagnetUri.of(ours).withSelectOnly(List.of(wanted.index()));
        JsonNode parsed = lt.magnet(magnet.toString());
        assertEquals(ours.infoHash().hex(), parsed.get("info_hash").asText());
        assertEquals("nar", parsed.get("name").asText());
        assertEquals(ours.trackers(), strings(parsed.get("trackers")));
        assertEquals(ours.urlList(), strings(parsed.get("url_seeds")));
        JsonNode priorities = parsed.get("file_priorities");
        assertEquals(wanted.index() + 1, priorities.size());
        for (int i = 0; i < priorities.size(); i++) {
            assertEquals(i == wanted.index() ? 4 : 0, priorities.get(i).asInt(), "priority of file " + i);
        }
        MagnetUri base32 = MagnetUri.parse("magnet:?xt=urn:btih:" + ours.infoHash().base32() + "&dn=nar");
        assertEquals(ours.infoHash().hex(), lt.magnet(base32.toString()).get("info_hash").asText());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
