package org.nixswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeEncoder;
import org.nixswarm.core.testing.Tools;

/**
 * Real clients: aria2 (Debian) and libtorrent (python3-libtorrent) announce to our tracker and
 * find each other through it alone (no DHT, no local discovery, no PEX), in both directions: one
 * seeds, the other downloads, the bytes must match.
 */
class InteropTest {
    private static final String LIBTORRENT_PEER = """
            import sys, time
            import libtorrent as lt
            mode, torrent, save, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
            s = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
                            'enable_upnp': False, 'enable_natpmp': False, 'allow_multiple_connections_per_ip': True})
            h = s.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': save})
            deadline = time.time() + seconds
            seen = set()
            ready = False
            while time.time() < deadline:
                st = h.status()
                for p in h.get_peer_info():
                    client = p.client.decode('latin-1') if isinstance(p.client, bytes) else p.client
                    key = (p.ip[0], p.ip[1], client)
                    if key not in seen:
                        seen.add(key)
                        print('PEER %s:%d %s' % key, flush=True)
                if st.is_seeding and not ready:
                    ready = True
                    print('SEEDING', flush=True)
                    if mode == 'leech':
                        break
                time.sleep(0.1)
            """;

    @TempDir
    Path dir;
    private Tracker tracker;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void start() {
        tracker = Tracker.start(TrackerConfig.builder()
                .http(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .interval(Duration.ofSeconds(5)).minInterval(Duration.ofSeconds(2)).ioThreads(1).build());
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        if (tracker != null) tracker.close();
    }

    @Test
    @Timeout(120)
    void aria2AndLibtorrentFindEachOtherThroughTheTracker() throws Exception {
        Path aria2 = Tools.require("aria2c", "aria2");
        Path python = Tools.requirePythonLibtorrent();
        Path script = dir.resolve("lt_peer.py");
        Files.writeString(script, LIBTORRENT_PEER);
        String announce = "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";

        // 1. libtorrent seeds, aria2 downloads.
        Path seedA = Files.createDirectories(dir.resolve("lt-seed"));
        byte[] dataA = randomBytes(1, 200_000);
        Files.write(seedA.resolve("a.bin"), dataA);
        Torrent a = torrent("a.bin", dataA, announce, dir.resolve("a.torrent"));
        List<String> ltSeedOut = new CopyOnWriteArrayList<>();
        processes.add(start(ltSeedOut, python.toString(), script.toString(), "seed", a.file.toString(), seedA.toString(), "100"));
        awaitLine(ltSeedOut, "SEEDING", 30);
        awaitSeeders(a.infoHash, 1);
        Path dlA = Files.createDirectories(dir.resolve("aria2-dl"));
        List<String> aria2Out = new CopyOnWriteArrayList<>();
        Process leech = start(aria2Out, aria2.toString(), "--dir=" + dlA, "--enable-dht=false", "--enable-dht6=false",
                "--bt-enable-lpd=false", "--enable-peer-exchange=false", "--disable-ipv6=true", "--seed-time=0",
                "--listen-port=" + freePort(), "--bt-stop-timeout=60", "--summary-interval=0", "--console-log-level=warn",
                a.file.toString());
        processes.add(leech);
        assertTrue(leech.waitFor(90, TimeUnit.SECONDS), "aria2c did not finish: " + aria2Out);
        assertEquals(0, leech.exitValue(), "aria2c: " + aria2Out);
        assertArrayEquals(dataA, Files.readAllBytes(dlA.resolve("a.bin")), "aria2 downloaded the seeded bytes");
        // aria2 had no source of peers but the tracker (no DHT, LPD or PEX): it found libtorrent there.

        // 2. aria2 seeds, libtorrent downloads.
        Path seedB = Files.createDirectories(dir.resolve("aria2-seed"));
        byte[] dataB = randomBytes(2, 150_000);
        Files.write(seedB.resolve("b.bin"), dataB);
        Torrent b = torrent("b.bin", dataB, announce, dir.resolve("b.torrent"));
        List<String> aria2SeedOut = new CopyOnWriteArrayList<>();
        int aria2SeedPort = freePort();
        processes.add(start(aria2SeedOut, aria2.toString(), "--dir=" + seedB, "--check-integrity=true",
                "--seed-ratio=0.0", "--seed-time=5", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--disable-ipv6=true", "--listen-port=" + aria2SeedPort,
                "--summary-interval=0", "--console-log-level=warn", b.file.toString()));
        awaitSeeders(b.infoHash, 1);
        Path dlB = Files.createDirectories(dir.resolve("lt-dl"));
        List<String> ltLeechOut = new CopyOnWriteArrayList<>();
        Process ltLeech = start(ltLeechOut, python.toString(), script.toString(), "leech", b.file.toString(),
                dlB.toString(), "90");
        processes.add(ltLeech);
        assertTrue(ltLeech.waitFor(100, TimeUnit.SECONDS), "libtorrent did not finish: " + ltLeechOut);
        assertTrue(ltLeechOut.contains("SEEDING"), "libtorrent did not complete the download: " + ltLeechOut);
        assertTrue(ltLeechOut.contains("PEER 127.0.0.1:" + aria2SeedPort + " ") || ltLeechOut.stream()
                .anyMatch(l -> l.startsWith("PEER 127.0.0.1:" + aria2SeedPort + " ")),
                "libtorrent's peer was aria2 (port " + aria2SeedPort + "): " + ltLeechOut);
        assertArrayEquals(dataB, Files.readAllBytes(dlB.resolve("b.bin")), "libtorrent downloaded the seeded bytes");
    }

    private record Torrent(Path file, byte[] infoHash) {}

    private static Torrent torrent(String name, byte[] data, String announce, Path out) throws Exception {
        int pieceLength = 16384;
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        java.io.ByteArrayOutputStream pieces = new java.io.ByteArrayOutputStream();
        for (int off = 0; off < data.length; off += pieceLength) {
            sha1.update(data, off, Math.min(pieceLength, data.length - off));
            pieces.write(sha1.digest());
        }
        BValue.BDict info = new BValue.BDict(Map.of(
                "length", BValue.of(data.length),
                "name", BValue.of(name),
                "piece length", BValue.of(pieceLength),
                "pieces", BValue.of(pieces.toByteArray())));
        BValue.BDict meta = new BValue.BDict(Map.of("announce", BValue.of(announce), "info", info));
        Files.write(out, BencodeEncoder.encode(meta));
        return new Torrent(out, sha1.digest(BencodeEncoder.encode(info)));
    }

    private void awaitSeeders(byte[] infoHash, int n) throws InterruptedException {
        int[] counts = new int[3];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            tracker.store().scrape(infoHash, counts);
            if (counts[0] >= n) return;
            Thread.sleep(100);
        }
        throw new AssertionError("no seeder announced to the tracker within 30 s");
    }

    private static void awaitLine(List<String> out, String fragment, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (out.stream().anyMatch(l -> l.contains(fragment))) return;
            Thread.sleep(100);
        }
        throw new AssertionError("no line with '" + fragment + "' within " + seconds + " s: " + out);
    }

    private static Process start(List<String> out, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) out.add(line);
            } catch (IOException e) {
                out.add("(output lost: " + e + ")");
            }
        });
        t.setDaemon(true);
        t.start();
        return p;
    }

    private static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
