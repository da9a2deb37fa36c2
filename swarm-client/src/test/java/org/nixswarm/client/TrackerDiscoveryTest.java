package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarFile;

/**
 * Peers find each other through a tracker alone (no {@code --peer}): a tiny fake tracker on
 * 127.0.0.1 hands out whoever announced, and records what every announce reported.
 */
class TrackerDiscoveryTest {
    @TempDir Path tmp;

    /** One announce as the tracker saw it. */
    record Announce(int port, String event, long uploaded, long downloaded, long left) {}

    static final class FakeTracker implements AutoCloseable {
        final HttpServer server;
        final List<Announce> log = new CopyOnWriteArrayList<>();
        final Set<Integer> ports = ConcurrentHashMap.newKeySet();

        FakeTracker() throws Exception {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.createContext("/announce", ex -> {
                Map<String, String> q = org.nixswarm.client.swarm.TrackerClientTestAccess.decodeQuery(ex.getRequestURI().getRawQuery());
                int port = Integer.parseInt(q.get("port"));
                String event = q.getOrDefault("event", "");
                log.add(new Announce(port, event, Long.parseLong(q.get("uploaded")), Long.parseLong(q.get("downloaded")),
                        Long.parseLong(q.get("left"))));
                if (event.equals("stopped")) ports.remove(port);
                else ports.add(port);
                ByteArrayOutputStream peers = new ByteArrayOutputStream();
                for (int p : ports) {
                    if (p == port) continue;
                    peers.writeBytes(new byte[] {127, 0, 0, 1, (byte) (p >> 8), (byte) p});
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.writeBytes(("d8:intervali1e12:min intervali1e5:peers" + peers.size() + ":").getBytes(StandardCharsets.US_ASCII));
                body.writeBytes(peers.toByteArray());
                body.write('e');
                ex.sendResponseHeaders(200, body.size());
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body.toByteArray());
                }
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/announce";
        }

        boolean seen(Predicate<Announce> p) {
            return log.stream().anyMatch(p);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static ClientConfig config(Path dir, TestBundle b, String index, Duration raceDelay, String tracker) throws Exception {
        ClientConfig c = ClientConfig.defaults(dir, SubstituterTest.freePort())
                .withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic()))
                .withIndex(index, b.plannerKeyPublic())
                .withRaceDelay(raceDelay);
        return c.withTrackers(List.of(tracker));
    }

    /** Polls {@code ok} for up to 20 s. */
    static void await(String what, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void aLeecherFindsTheSeederThroughTheTrackerAndAnnouncesRealFigures() throws Exception {
        long[] sizes = {900_000, 300_000, 40_000};
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), sizes, 65536, 21); FakeTracker tracker = new FakeTracker()) {
            String index = b.startIndex();
            try (SwarmClient seeder = new SwarmClient(config(tmp.resolve("seeder"), b, index, Duration.ZERO, tracker.url()))) {
                for (int i = 0; i < 3; i++) SwarmTest.fetch(seeder, b.hash(i));
                int sp = seeder.swarm().peerPort();
                await("the seeder announcing it has everything",
                        () -> tracker.seen(a -> a.port() == sp && a.left() == 0));
                b.upstream.stop(); // from here on, only the peer has the bytes
                int lp;
                try (SwarmClient leecher = new SwarmClient(config(tmp.resolve("leecher"), b, index, Duration.ofSeconds(60), tracker.url()))) {
                    lp = leecher.swarm().peerPort();
                    NarFile f = SwarmTest.fetch(leecher, b.hash(0));
                    assertEquals(900_000, f.bytesFromPeers());
                    assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("leecher/nar/" + b.fileName(0))));
                    assertTrue(tracker.seen(a -> a.port() == lp && a.event().equals("started") && a.left() == 1_240_000),
                            "leecher started with the whole bundle left: " + tracker.log);
                    await("the leecher reporting what it got and what is left",
                            () -> tracker.seen(a -> a.port() == lp && a.downloaded() >= 900_000 && a.left() == 340_000));
                    await("the seeder reporting what it uploaded", () -> tracker.seen(a -> a.port() == sp && a.uploaded() >= 900_000));
                }
                await("the leecher's stopped event", () -> tracker.seen(a -> a.port() == lp && a.event().equals("stopped")));
            }
        }
    }
}
