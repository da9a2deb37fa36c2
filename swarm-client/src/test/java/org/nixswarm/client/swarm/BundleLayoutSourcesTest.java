package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentBuilder;

/** A torrent from peers (info dictionary only) gets trackers and web seeds back; the infohash stays. */
class BundleLayoutSourcesTest {
    private static byte[] torrent(List<String> trackers, List<String> webSeeds) throws Exception {
        TorrentBuilder b = new TorrentBuilder("nar").pieceLength(16384).padFiles(true);
        if (!trackers.isEmpty()) b.addAnnounceTier(trackers);
        for (String w : webSeeds) b.addWebSeed(w);
        byte[] data = new byte[40_000];
        b.addFile(List.of("a.nar.xz"), data.length, () -> new ByteArrayInputStream(data));
        b.addFile(List.of("b.nar.xz"), 7, () -> new ByteArrayInputStream(new byte[7]));
        return b.build().write();
    }

    @Test
    void anInfoOnlyTorrentGetsTrackersAndWebSeeds() throws Exception {
        BundleLayout bare = BundleLayout.parse(torrent(List.of(), List.of()));
        byte[] with = bare.torrentBytesWithSources(List.of("udp://127.0.0.1:6969/announce", "http://127.0.0.1:1/announce"),
                List.of("http://127.0.0.1:2", "http://127.0.0.1:2"));
        Torrent t = Torrent.read(with);
        assertEquals(bare.infohash(), t.infoHash().hex(), "same swarm");
        assertEquals(List.of("udp://127.0.0.1:6969/announce", "http://127.0.0.1:1/announce"), t.trackers());
        assertEquals(List.of("http://127.0.0.1:2"), t.urlList());
        BundleLayout l = BundleLayout.parse(with);
        assertEquals(List.of("http://127.0.0.1:2"), l.webSeeds());
    }

    @Test
    void whatTheTorrentHasIsKeptAndNotRepeated() throws Exception {
        BundleLayout own = BundleLayout.parse(torrent(List.of("http://t/announce"), List.of("http://seed-1")));
        Torrent t = Torrent.read(own.torrentBytesWithSources(List.of("http://t/announce", "http://u/announce"),
                List.of("http://seed-1", "http://seed-2")));
        assertEquals(List.of("http://t/announce", "http://u/announce"), t.trackers());
        assertEquals(List.of("http://seed-1", "http://seed-2"), t.urlList());
        assertEquals(own.infohash(), t.infoHash().hex());
    }
}
