package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.swarm.FakeUdpTracker;
import org.nixswarm.core.testing.Tools;

/**
 * {@code udp://} trackers go through our BEP 15 client, with the same announce behaviour as HTTP
 * ones: peers find each other through a UDP tracker alone (a fake one that records what every
 * announce reported, and the real opentracker).
 */
class UdpTrackerDiscoveryTest {
    @TempDir Path tmp;

    private static ClientConfig config(Path dir, TestBundle b, String index, Duration raceDelay, String tracker) throws Exception {
        return ClientConfig.defaults(dir, SubstituterTest.freePort())
                .withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic()))
                .withIndex(index, b.plannerKeyPublic())
                .withRaceDelay(raceDelay)
                .withTrackers(List.of(tracker));
    }

    private static void await(String what, BooleanSupplier ok) throws InterruptedException {
        TrackerDiscoveryTest.await(what, ok);
    }

    @Test
    void aLeecherFindsTheSeederThroughAUdpTrackerAndAnnouncesRealFigures() throws Exception {
        long[] sizes = {900_000, 300_000, 40_000};
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), sizes, 65536, 31);
             FakeUdpTracker tracker = new FakeUdpTracker(InetAddress.getLoopbackAddress())) {
            String index = b.startIndex();
            try (SwarmClient seeder = new SwarmClient(config(tmp.resolve("seeder"), b, index, Duration.ZERO, tracker.url()))) {
                for (int i = 0; i < 3; i++) SwarmTest.fetch(seeder, b.hash(i));
                int sp = seeder.swarm().peerPort();
                await("the seeder announcing it has everything", () -> tracker.announces.stream().anyMatch(a -> a.port() == sp && a.left() == 0));
                b.upstream.stop(); // from here on, only the peer has the bytes
                int lp;
                try (SwarmClient leecher = new SwarmClient(config(tmp.resolve("leecher"), b, index, Duration.ofSeconds(60), tracker.url()))) {
                    lp = leecher.swarm().peerPort();
                    NarFile f = SwarmTest.fetch(leecher, b.hash(0));
                    assertEquals(900_000, f.bytesFromPeers());
                    assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("leecher/nar/" + b.fileName(0))));
                    assertTrue(tracker.announces.stream().anyMatch(a -> a.port() == lp && a.event() == 2 && a.left() == 1_240_000),
                            "leecher started with the whole bundle left: " + tracker.announces);
                    await("the leecher reporting what it got and what is left",
                            () -> tracker.announces.stream().anyMatch(a -> a.port() == lp && a.downloaded() >= 900_000 && a.left() == 340_000));
                    await("the seeder reporting what it uploaded",
                            () -> tracker.announces.stream().anyMatch(a -> a.port() == sp && a.uploaded() >= 900_000));
                }
                await("the leecher's stopped event", () -> tracker.announces.stream().anyMatch(a -> a.port() == lp && a.event() == 3));
            }
        }
    }

    @Test
    void peersFindEachOtherThroughOpentracker() throws Exception {
        Path opentracker = Tools.require("opentracker", "opentracker");
        Path dir = Files.createDirectories(tmp.resolve("opentracker"));
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {700_000, 20_000}, 65536, 32)) {
            // Debian's opentracker serves only the torrents of its whitelist
            Files.writeString(dir.resolve("whitelist"), b.infohash() + "\n");
            StringBuilder tried = new StringBuilder();
            for (int attempt = 1; ; attempt++) {
                // it takes the same number on TCP and UDP: one of them may be taken by the time it binds
                int port = freeTcpAndUdpPort();
                Process p = new ProcessBuilder(opentracker.toString(), "-i", "127.0.0.1", "-p", String.valueOf(port), "-P",
                        String.valueOf(port), "-w", "whitelist", "-d", dir.toString())
                        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
                try {
                    if (!awaitUdp(p, port)) {
                        tried.append("\n  port ").append(port).append(": ").append(Files.readString(dir.resolve("log")).strip());
                        if (attempt < 8) continue;
                        throw new AssertionError("opentracker did not start in " + attempt + " attempts:" + tried);
                    }
                    withOpentracker(b, port);
                    return;
                } finally {
                    p.destroy();
                    if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
                }
            }
        }
    }

    /** A number free on TCP and UDP (opentracker takes the same number on both). */
    private static int freeTcpAndUdpPort() throws IOException {
        java.util.Random rnd = new java.util.Random();
        while (true) {
            int port = 20_000 + rnd.nextInt(12_000);
            try (DatagramSocket u = new DatagramSocket(port, InetAddress.getLoopbackAddress());
                 java.net.ServerSocket t = new java.net.ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // in use on one side: another one
            }
        }
    }

    private void withOpentracker(TestBundle b, int port) throws Exception {
        String tracker = "udp://127.0.0.1:" + port + "/announce";
        String index = b.startIndex();
        try (SwarmClient seeder = new SwarmClient(config(tmp.resolve("seeder"), b, index, Duration.ZERO, tracker))) {
            SwarmTest.fetch(seeder, b.hash(0));
            b.upstream.stop();
            try (SwarmClient leecher = new SwarmClient(config(tmp.resolve("leecher"), b, index, Duration.ofSeconds(60), tracker))) {
                // opentracker hands out peers announced before: the seeder announces at its session's start
                NarFile f = leecher.download(leecher.resolve(b.hash(0)));
                f.completion().get(60, TimeUnit.SECONDS);
                assertEquals(700_000, f.bytesFromPeers(), "from the seeder opentracker named");
                assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("leecher/nar/" + b.fileName(0))));
            }
        }
    }

    /**
     * opentracker is up once it answers a BEP 15 connect request; false if it exited. (Checking
     * by binding its port held the port for the poll interval, and opentracker, starting inside
     * that interval, failed with EADDRINUSE: every attempt, when the machine was busy.)
     */
    private static boolean awaitUdp(Process p, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(100);
            byte[] connect = java.nio.ByteBuffer.allocate(16).putLong(0x41727101980L).putInt(0).putInt(0x7e57).array();
            while (System.nanoTime() < deadline && p.isAlive()) {
                s.send(new java.net.DatagramPacket(connect, connect.length, InetAddress.getLoopbackAddress(), port));
                java.net.DatagramPacket answer = new java.net.DatagramPacket(new byte[64], 64);
                try {
                    s.receive(answer);
                    if (answer.getLength() >= 16) return true;
                } catch (java.net.SocketTimeoutException notYet) {
                    // not listening yet
                }
            }
        }
        return false;
    }
}
