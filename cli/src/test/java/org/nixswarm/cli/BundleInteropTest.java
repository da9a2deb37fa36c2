package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.testcache.TestCache;
import org.nixswarm.core.testcache.TestCacheGenerator;
import org.nixswarm.core.testing.Tools;
import org.nixswarm.index.MagnetIndex;
import org.nixswarm.index.http.FailedLookupLimiter;
import org.nixswarm.index.http.IndexHttpServer;
import org.nixswarm.index.plan.PlanLoader;
import org.nixswarm.planner.PlanOptions;
import org.nixswarm.planner.Planner;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.io.Progress;
import org.nixswarm.tracker.Tracker;
import org.nixswarm.tracker.TrackerConfig;

/**
 * Standard BitTorrent clients against our bundles: aria2 and libtorrent download one file of a
 * planned bundle from our seeders through our tracker (the bytes must match the narinfo's
 * FileHash), libtorrent does it from the web seed alone (BEP 19 url-list = the cache), and our
 * client downloads from a bundle that only libtorrent seeds.
 */
class BundleInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Downloads (mode get) or seeds (mode seed) file INDEX of a torrent; prints DONE / SEEDING. */
    private static final String LIBTORRENT = """
            import sys, time
            import libtorrent as lt
            mode, torrent, save, index, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
            s = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
                            'enable_upnp': False, 'enable_natpmp': False, 'allow_multiple_connections_per_ip': True})
            ti = lt.torrent_info(torrent)
            p = lt.add_torrent_params()
            p.ti = ti
            p.save_path = save
            if mode == 'get':
                prio = [0] * ti.num_files()
                prio[index] = 4
                p.file_priorities = prio  # the binding hands out copies: assign the whole list
            h = s.add_torrent(p)
            size = ti.files().file_size(index)
            deadline = time.time() + seconds
            said = False
            while time.time() < deadline:
                st = h.status()
                if mode == 'get':
                    if h.file_progress()[index] == size:
                        print('DONE', flush=True)
                        break
                elif st.is_seeding and not said:
                    said = True
                    print('SEEDING', flush=True)
                time.sleep(0.1)
            else:
                if mode == 'get':
                    print('TIMEOUT progress %d of %d' % (h.file_progress()[index], size), flush=True)
                    sys.exit(2)
            """;

    @TempDir Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private TestCache cache;
    private StaticHttpServer upstream;
    private Tracker tracker;
    private Path plan;
    private String indexUrl;
    private String plannerKey;
    private JsonNode bundle;
    private JsonNode file;

    @BeforeEach
    void system() throws Exception {
        cache = TestCacheGenerator.create(14).withSeed(7).withMaxSize(48 << 10).generate(tmp.resolve("upstream"));
        upstream = new StaticHttpServer(cache.dir()).start();
        open.add(upstream);
        tracker = Tracker.start(TrackerConfig.builder().http(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .interval(Duration.ofSeconds(5)).minInterval(Duration.ofSeconds(1)).ioThreads(1).build());
        open.add(tracker);
        String announce = "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
        plan = tmp.resolve("plan");
        long total = cache.totalFileSize();
        new Planner(new PlanOptions(cache.dir().toString(), null, List.of(), null, plan, List.of(announce), upstream.baseUrl(),
                tmp.resolve("planner.key"), List.of(cache.publicKey()), true,
                ClusterSettings.defaults().withSizes(total / 4, total / 2), 600_000, 2, 2, 8 << 20), Progress.NONE).run();
        plannerKey = Planner.loadOrCreateKey(tmp.resolve("planner.key")).publicKey().toNixFormat();
        MagnetIndex index = new MagnetIndex(List.of(new PlanLoader(tmp.resolve("index"), Optional.of(PublicKey.parse(plannerKey)), 1)
                .load(plan)));
        IndexHttpServer server = IndexHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), index,
                new FailedLookupLimiter(1000, 1000));
        open.add(server);
        indexUrl = "http://127.0.0.1:" + server.port() + "/";
        // the bundle with the most files; a file in its middle (neither first nor last)
        JsonNode manifest = JSON.readTree(plan.resolve("manifest.json").toFile());
        for (JsonNode b : manifest.get("bundles")) if (bundle == null || b.get("files").size() > bundle.get("files").size()) bundle = b;
        assertTrue(bundle.get("files").size() >= 3, "a bundle of several files: " + manifest);
        file = bundle.get("files").get(bundle.get("files").size() / 2);
    }

    @AfterEach
    void down() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private Path torrent() {
        return plan.resolve(bundle.get("torrent").asText());
    }

    private NarInfo narinfo() throws IOException {
        return NarInfo.readFile(cache.dir().resolve(file.get("storeHash").asText() + ".narinfo"));
    }

    /** One of our clients that fetched every file of the bundle and seeds it. */
    private SwarmClient ourSeeder() throws Exception {
        SwarmClient seeder = new SwarmClient(ClientConfig.defaults(tmp.resolve("seeder"), freePort())
                .withUpstream(upstream.baseUrl(), List.of(cache.publicKey().toNixFormat()))
                .withIndex(indexUrl, plannerKey).withRaceDelay(Duration.ZERO));
        open.add(seeder);
        List<NarFile> files = new ArrayList<>();
        for (JsonNode f : bundle.get("files")) files.add(seeder.download(seeder.resolve(f.get("storeHash").asText())));
        for (NarFile f : files) f.completion().get(60, TimeUnit.SECONDS);
        awaitSeeders(1);
        return seeder;
    }

    private void assertMatchesFileHash(Path downloaded) throws IOException {
        assertTrue(Files.isRegularFile(downloaded), downloaded + " was written");
        Hash want = narinfo().fileHash().orElseThrow();
        assertEquals(want.toBase32String(), Hash.sha256(Files.readAllBytes(downloaded)).toBase32String(), "FileHash of " + downloaded);
    }

    @Test
    @Timeout(150)
    void aria2DownloadsOneFileOfABundleFromOurSeedersThroughOurTracker() throws Exception {
        Path aria2 = Tools.require("aria2c", "aria2");
        ourSeeder();
        upstream.stop(); // the peers, not the web seed
        Path out = Files.createDirectories(tmp.resolve("aria2"));
        List<String> log = new CopyOnWriteArrayList<>();
        Process p = start(log, aria2.toString(), "--dir=" + out, "--select-file=" + (file.get("fileIndex").asInt() + 1),
                "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                "--disable-ipv6=true", "--seed-time=0", "--listen-port=" + freePort(), "--bt-stop-timeout=60",
                "--summary-interval=0", "--console-log-level=warn", "--allow-overwrite=true", torrent().toString());
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "aria2c did not finish: " + log);
        assertEquals(0, p.exitValue(), "aria2c: " + log);
        assertMatchesFileHash(out.resolve(file.get("path").asText()));
    }

    @Test
    @Timeout(150)
    void libtorrentDownloadsOneFileFromOurSeedersThroughOurTracker() throws Exception {
        Path python = Tools.requirePythonLibtorrent();
        ourSeeder();
        upstream.stop();
        Path out = Files.createDirectories(tmp.resolve("lt"));
        List<String> log = runLibtorrent(python, "get", out);
        assertTrue(log.contains("DONE"), "libtorrent: " + log);
        assertMatchesFileHash(out.resolve(file.get("path").asText()));
    }

    @Test
    @Timeout(150)
    void libtorrentGetsTheFileFromTheWebSeedWhenNoPeerIsOnline() throws Exception {
        Path python = Tools.requirePythonLibtorrent();
        int[] counts = new int[3];
        tracker.store().scrape(org.nixswarm.core.torrent.Torrent.read(Files.readAllBytes(torrent())).infoHash().bytes(), counts);
        assertEquals(0, counts[0] + counts[1], "nobody in the swarm");
        long before = upstream.requestCount();
        Path out = Files.createDirectories(tmp.resolve("lt-webseed"));
        List<String> log = runLibtorrent(python, "get", out);
        assertTrue(log.contains("DONE"), "libtorrent: " + log);
        assertMatchesFileHash(out.resolve(file.get("path").asText()));
        String name = "/" + file.get("path").asText();
        assertTrue(upstream.recentRequests().stream().anyMatch(r -> r.path().equals(name) && r.range() != null),
                "ranged GETs of " + name + " on the web seed: " + upstream.recentRequests());
        assertTrue(upstream.requestCount() > before);
    }

    @Test
    @Timeout(150)
    void ourClientDownloadsAFileOfABundleThatOnlyLibtorrentSeeds() throws Exception {
        Path python = Tools.requirePythonLibtorrent();
        // libtorrent seeds the bundle straight from the cache directory: <cache>/nar/<file> is the torrent's layout
        List<String> seedLog = new CopyOnWriteArrayList<>();
        processes.add(start(seedLog, python.toString(), script().toString(), "seed", torrent().toString(), cache.dir().toString(), "0",
                "120"));
        awaitLine(seedLog, "SEEDING");
        awaitSeeders(1);
        upstream.stop();
        try (SwarmClient client = new SwarmClient(ClientConfig.defaults(tmp.resolve("client"), freePort())
                .withUpstream(upstream.baseUrl(), List.of(cache.publicKey().toNixFormat()))
                .withIndex(indexUrl, plannerKey).withRaceDelay(Duration.ofSeconds(90)))) {
            NarFile f = client.download(client.resolve(file.get("storeHash").asText()));
            f.completion().get(90, TimeUnit.SECONDS);
            assertEquals(f.size(), f.bytesFromPeers(), "every byte from libtorrent");
            assertMatchesFileHash(f.finalPath());
        }
    }

    private Path script() throws IOException {
        Path s = tmp.resolve("lt.py");
        if (!Files.exists(s)) Files.writeString(s, LIBTORRENT);
        return s;
    }

    private List<String> runLibtorrent(Path python, String mode, Path out) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Process p = start(log, python.toString(), script().toString(), mode, torrent().toString(), out.toString(),
                file.get("fileIndex").asText(), "80");
        processes.add(p);
        assertTrue(p.waitFor(100, TimeUnit.SECONDS), "libtorrent did not finish: " + log);
        return log;
    }

    private void awaitSeeders(int n) throws Exception {
        byte[] ih = org.nixswarm.core.torrent.Torrent.read(Files.readAllBytes(torrent())).infoHash().bytes();
        int[] counts = new int[3];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            tracker.store().scrape(ih, counts);
            if (counts[0] + counts[1] >= n) return;
            Thread.sleep(100);
        }
        throw new AssertionError("no peer announced the bundle to the tracker within 30 s");
    }

    private static void awaitLine(List<String> out, String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (out.stream().anyMatch(l -> l.contains(fragment))) return;
            Thread.sleep(100);
        }
        throw new AssertionError("no line with '" + fragment + "' within 30 s: " + out);
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
