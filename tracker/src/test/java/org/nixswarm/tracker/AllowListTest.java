package org.nixswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowListTest {
    @TempDir
    Path plan;

    private void writeManifest(byte[]... hashes) throws IOException {
        StringBuilder b = new StringBuilder("{\"version\":1,\"generation\":\"g\",\"cacheUrl\":\"http://127.0.0.1:1/\",\"bundles\":[");
        for (int i = 0; i < hashes.length; i++) {
            if (i > 0) b.append(',');
            String hex = HexFormat.of().formatHex(hashes[i]);
            b.append("{\"infohash\":\"").append(hex).append("\",\"torrent\":\"bundles/").append(hex)
                    .append(".torrent\",\"pieceSize\":262144,\"totalSize\":1,\"files\":[]}");
        }
        b.append("]}");
        // Written aside and renamed over, as a planner would: readers never see half a file.
        Path tmp = plan.resolve("manifest.json.tmp");
        Files.writeString(tmp, b);
        Files.move(tmp, plan.resolve("manifest.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void onlyThePlansBundlesAreServedAndTheListFollowsTheManifest() throws Exception {
        byte[] a = Query.hash(1);
        byte[] b = Query.hash(2);
        writeManifest(a);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (Tracker t = Tracker.start(TrackerConfig.builder().http(any).udp(any).plan(plan)
                .planPollInterval(Duration.ofMillis(100)).ioThreads(1).build())) {
            assertNull(HttpClient.get(t.httpAddress(), Query.announce(a, Query.peerId(1), 6000, 0).toString()).failure());
            String hexB = HexFormat.of().formatHex(b);
            assertEquals("info_hash " + hexB + " is not a bundle of the plan this tracker serves",
                    HttpClient.get(t.httpAddress(), Query.announce(b, Query.peerId(1), 6000, 0).toString()).failure());
            assertEquals("info_hash " + hexB + " is not a bundle of the plan this tracker serves",
                    HttpClient.get(t.httpAddress(), "/scrape?info_hash=" + Query.pct(a) + "&info_hash=" + Query.pct(b))
                            .failure());
            try (UdpClient u = new UdpClient(t.udpAddress())) {
                long c = u.connect();
                ByteBuffer r = u.exchange(UdpClient.announcePacket(c, 9, b, Query.peerId(1), 0, 2, 5, 6001));
                assertEquals("info_hash " + hexB + " is not a bundle of the plan this tracker serves",
                        UdpClient.errorMessage(r));
                assertEquals(9, r.getInt(4));
            }
            assertEquals(1, t.store().swarmCount(), "refused announces create no swarm");

            // The planner adds a bundle: the tracker picks it up by itself.
            writeManifest(a, b);
            long deadline = System.nanoTime() + 10_000_000_000L;
            String failure = "not yet";
            while (failure != null && System.nanoTime() < deadline) {
                Thread.sleep(50);
                failure = HttpClient.get(t.httpAddress(), Query.announce(b, Query.peerId(1), 6000, 0).toString()).failure();
            }
            assertNull(failure, "the new bundle is served after the manifest changed");

            // A broken manifest is reported and the previous list stays in force.
            Files.writeString(plan.resolve("manifest.json"), "{\"version\":1,\"bundles\":[{\"infohash\":\"XYZ\"}]}");
            Thread.sleep(20);
            t.reloadPlanNow();
            assertTrue(t.metrics().errors(ErrorKind.PLAN_RELOAD) >= 1);
            assertNull(HttpClient.get(t.httpAddress(), Query.announce(b, Query.peerId(2), 6002, 0).toString()).failure());
            assertTrue(HttpClient.get(t.httpAddress(), "/metrics").text().contains("nixswarm_tracker_allowlist_size 2\n"));
        }
    }

    @Test
    void aBrokenOrMissingManifestStopsTheStartWithAClearMessage() throws IOException {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        TrackerConfig config = TrackerConfig.builder().http(any).plan(plan).ioThreads(1).build();
        TrackerException missing = assertThrows(TrackerException.class, () -> Tracker.start(config));
        assertEquals(plan.resolve("manifest.json") + ": no such file (is this a plan directory?)", missing.getMessage());
        Files.writeString(plan.resolve("manifest.json"), "{\"version\":1,\"bundles\":[{\"infohash\":\"ABCD\"}]}");
        TrackerException bad = assertThrows(TrackerException.class, () -> Tracker.start(config));
        assertEquals(plan.resolve("manifest.json") + ": bundles[0].infohash must be 40 lowercase hex characters, got \"ABCD\"",
                bad.getMessage());
        Files.writeString(plan.resolve("manifest.json"), "{\"version\":1,\"bundles\":[");
        assertTrue(assertThrows(TrackerException.class, () -> Tracker.start(config)).getMessage()
                .startsWith(plan.resolve("manifest.json") + ": not valid JSON: "));
        Files.writeString(plan.resolve("manifest.json"), "{\"version\":2,\"bundles\":[]}");
        assertEquals(plan.resolve("manifest.json") + ": \"version\" must be 1, got 2",
                assertThrows(TrackerException.class, () -> Tracker.start(config)).getMessage());
    }
}
