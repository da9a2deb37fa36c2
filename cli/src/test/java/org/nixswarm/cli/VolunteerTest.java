package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.volunteer.SeedPlan;
import org.nixswarm.client.volunteer.Volunteer;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentBuilder;
import org.nixswarm.tracker.Tracker;
import org.nixswarm.tracker.TrackerConfig;

/**
 * Volunteer mode against the real tracker: of two bundles, one with a seeder and one with none,
 * the volunteer (budget: one bundle) seeds the unseeded one, downloads it whole, and moves to the
 * other once this one is clearly better seeded.
 */
class VolunteerTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir Path tmp;

    @Test
    void volunteerSeedsTheLeastSeededBundleAndMovesOn() throws Exception {
        Path cache = tmp.resolve("cache");
        Files.createDirectories(cache.resolve("nar"));
        Path plan = tmp.resolve("plan");
        Files.createDirectories(plan.resolve("bundles"));
        Random rnd = new Random(7);
        try (StaticHttpServer upstream = new StaticHttpServer(cache).start();
             Tracker tracker = Tracker.start(TrackerConfig.builder().http(new InetSocketAddress("127.0.0.1", 0))
                     .interval(Duration.ofSeconds(5)).minInterval(Duration.ofSeconds(1)).ioThreads(1).build())) {
            String announce = "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
            ObjectNode manifest = new ObjectMapper().createObjectNode();
            manifest.put("version", 1).put("generation", "test").put("cacheUrl", upstream.baseUrl());
            manifest.putArray("trackers").add(announce);
            ArrayNode bundles = manifest.putArray("bundles");
            String[] infohash = new String[2];
            String[][] files = new String[2][];
            for (int b = 0; b < 2; b++) {
                TorrentBuilder tb = new TorrentBuilder("nar").pieceLength(16384).padFiles(true).addWebSeed(upstream.baseUrl()).announce(announce);
                files[b] = new String[2];
                for (int i = 0; i < 2; i++) {
                    byte[] data = new byte[30_000 + 1000 * i + b];
                    rnd.nextBytes(data);
                    String name = Hash.sha256(data).toBase32String().substring(7) + ".nar.xz";
                    Files.write(cache.resolve("nar/" + name), data);
                    tb.addFile(List.of(name), cache.resolve("nar/" + name));
                    files[b][i] = name;
                }
                Torrent t = tb.build();
                infohash[b] = t.infoHash().hex();
                Files.write(plan.resolve("bundles/" + infohash[b] + ".torrent"), t.write());
                long total = t.totalLength();
                bundles.addObject().put("infohash", infohash[b]).put("torrent", "bundles/" + infohash[b] + ".torrent")
                        .put("pieceSize", 16384).put("totalSize", total).putArray("files");
            }
            Files.writeString(plan.resolve("manifest.json"), manifest.toString());

            announceSeeder(announce, infohash[0], 1); // bundle 0 has a seeder, bundle 1 none
            ClientConfig cfg = ClientConfig.defaults(tmp.resolve("volunteer"), SubstituteWithNixTest.freePort())
                    .withUpstream(upstream.baseUrl(), List.of()).withRaceDelay(Duration.ZERO);
            try (SwarmClient client = new SwarmClient(cfg);
                 Volunteer v = new Volunteer(client, SeedPlan.load(plan.toString(), Duration.ofSeconds(5)), List.of(), 100_000,
                         Duration.ofSeconds(5))) {
                assertEquals(Set.of(infohash[1]), v.evaluate(), "the unseeded bundle");
                for (String name : files[1]) waitComplete(client, name);
                assertTrue(client.swarm().existingSession(infohash[1]).isPresent(), "seeding it");
                long bundle1 = Files.size(cache.resolve("nar/" + files[1][0])) + Files.size(cache.resolve("nar/" + files[1][1]));
                assertEquals(bundle1, client.cache().seedUsed(), "counted in the seed budget");
                assertEquals(0, client.cache().used(), "not in the LRU budget (--cache-size)");

                // a round with unchanged counts keeps it; four more seeders of bundle 1 make it move (counted
                // with or without the volunteer itself, which Bt announces as a seeder once complete)
                assertEquals(Set.of(infohash[1]), v.evaluate());
                for (int i = 2; i <= 5; i++) announceSeeder(announce, infohash[1], i);
                assertEquals(Set.of(infohash[0]), v.evaluate(), "moved to the now less-seeded bundle");
                assertTrue(client.swarm().existingSession(infohash[1]).isEmpty(), "left bundle 1");
                for (String name : files[0]) waitComplete(client, name);
                assertEquals(Set.of(infohash[0]), client.cache().seedingBundles());
                assertEquals(bundle1, client.cache().used(), "the left bundle's files joined the LRU");
            }
        }
    }

    private static void waitComplete(SwarmClient client, String name) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (client.cache().existing(name).map(NarFile::isComplete).orElse(false)) return;
            Thread.sleep(50);
        }
        throw new AssertionError(name + " not downloaded");
    }

    /** A seeder (left=0) announced straight to the tracker, as any BitTorrent client would. */
    private static void announceSeeder(String announce, String infohash, int n) throws Exception {
        StringBuilder ih = new StringBuilder();
        for (byte b : HexFormat.of().parseHex(infohash)) ih.append('%').append(String.format("%02X", b & 0xff));
        String peerId = "-XX0001-" + String.format("%012d", n);
        String url = announce + "?info_hash=" + ih + "&peer_id=" + peerId + "&port=" + (40000 + n)
                + "&uploaded=0&downloaded=0&left=0&event=started&compact=1";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(!r.body().contains("failure"), r.body());
    }
}
