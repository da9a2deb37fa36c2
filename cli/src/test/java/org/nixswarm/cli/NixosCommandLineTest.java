package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.testcache.TestCacheGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines that services.nix-serve-p2p builds, run for real: the ExecStart of the
 * evaluated module, split as systemd splits it, started with this repository's nix-swarm (the
 * test classpath: cli/target/classes and its dependencies). Only two things differ from a
 * NixOS machine, both mapped explicitly: the program is this checkout's, not the store's, and
 * directories under /var/lib and /nix/store are a temporary directory and the evaluation's store.
 */
class NixosCommandLineTest {
    @TempDir Path tmp;
    NixosEval nix;
    final List<Process> started = new ArrayList<>();
    HttpServer upstream;

    @BeforeEach
    void setUp() {
        nix = new NixosEval(tmp);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        }
        if (upstream != null) upstream.stop(0);
    }

    @Test
    void serveRunsWithTheModulesCommandLine() throws Exception {
        int port = freePort();
        int peerPort = freePort();
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // The upstream cache and the index in one: neither knows any path (404), as for a new path.
        upstream.createContext("/", ex -> {
            byte[] body = ex.getRequestURI().getPath().equals("/nix-cache-info")
                    ? "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n".getBytes(StandardCharsets.UTF_8)
                    : new byte[0];
            ex.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) ex.getResponseBody().write(body);
            ex.close();
        });
        upstream.start();
        String up = "http://127.0.0.1:" + upstream.getAddress().getPort();

        JsonNode r = nix.module("""
                { services.nix-serve-p2p = {
                    enable = true;
                    port = %d;
                    peerPort = %d;
                    cacheSize = "1G";
                    maxUploadSpeed = "1M";
                    maxDownloadSpeed = "0";
                    seedBudget = "0";
                    prefetchBelow = "512K";
                    upstream = "%s";
                    trackers = [ "http://127.0.0.1:%d/announce" ];
                    indexUrl = "%s";
                    indexPublicKey = "%s";
                    upstreamPublicKeys = [ "%s" ];
                    privatePaths = [ "*-secret-*" ];
                  }; }
                """.formatted(port, peerPort, up, freePort(), up, NixosModuleTest.PLANNER_KEY, NixosModuleTest.CACHE_KEY));
        List<String> argv = localCommand(NixosModuleTest.args(r.at("/services/nix-serve-p2p")));
        Process p = start(argv);

        String info = waitForHttp(p, "http://127.0.0.1:" + port + "/nix-cache-info", 200);
        assertTrue(info.contains("StoreDir: /nix/store"), info);
        // A path nobody has: a fast 404, as Nix expects.
        waitForHttp(p, "http://127.0.0.1:" + port + "/00000000000000000000000000000000.narinfo", 404);
        // The BitTorrent port is open for peers.
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", peerPort), 2000);
        }
    }

    @Test
    void trackerRunsWithTheModulesCommandLine() throws Exception {
        int http = freePort();
        int udp = freeUdpPort();
        Path plan = emptyPlan();
        JsonNode r = nix.module("""
                { services.nix-serve-p2p.tracker = {
                    enable = true; listenAddress = "127.0.0.1"; httpPort = %d; udpPort = %d; plan = "%s"; }; }
                """.formatted(http, udp, plan));
        Process p = start(localCommand(NixosModuleTest.args(r.at("/services/nix-serve-p2p-tracker"))));

        // HTTP: a malformed announce gets a bencoded failure reason, not a crash.
        String body = waitForHttp(p, "http://127.0.0.1:" + http + "/announce?info_hash=short", -1);
        assertTrue(body.contains("failure reason"), body);

        // UDP (BEP 15): a connect request gets its transaction id back with a connection id.
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(5000);
            ByteBuffer req = ByteBuffer.allocate(16).putLong(0x41727101980L).putInt(0).putInt(0x5eed1234);
            s.send(new DatagramPacket(req.array(), 16, InetAddress.getLoopbackAddress(), udp));
            DatagramPacket resp = new DatagramPacket(new byte[64], 64);
            s.receive(resp);
            ByteBuffer b = ByteBuffer.wrap(resp.getData(), 0, resp.getLength());
            assertEquals(16, resp.getLength());
            assertEquals(0, b.getInt());
            assertEquals(0x5eed1234, b.getInt());
        }
    }

    @Test
    void indexRunsWithTheModulesCommandLine() throws Exception {
        int http = freePort();
        Path plan = emptyPlan();
        JsonNode r = nix.module("""
                { services.nix-serve-p2p.index = {
                    enable = true; listenAddress = "127.0.0.1"; port = %d; plans = [ "%s" ]; plannerKey = "%s"; }; }
                """.formatted(http, plan, NixosModuleTest.PLANNER_KEY));
        List<String> argv = localCommand(NixosModuleTest.args(r.at("/services/nix-serve-p2p-index")));
        Process p = start(argv);
        // Unknown path: 404 (the plan is empty), from a server that loaded the plan into --store.
        waitForHttp(p, "http://127.0.0.1:" + http + "/v1/path/0c0wqc2ma1x7rmgf9a5hpb6ipbj1s7sa", 404);
        Path store = Path.of(argv.get(argv.indexOf("--store") + 1));
        try (var files = Files.list(store)) {
            assertTrue(files.findAny().isPresent(), "the index keeps its plan store in " + store);
        }
    }

    /**
     * The publisher's part of nixos/tests/swarm.nix, run here: a cache signed with the VM test's
     * cache key (TestCacheGenerator standing in for `nix copy`), the test script's own
     * `nix-swarm plan` command, then the publisher's tracker command line serving that plan.
     */
    @Test
    void theVmTestsPublisherStepsRunHere() throws Exception {
        JsonNode t = nix.file("nixos/tests/eval/swarm-nodes.nix");
        JsonNode pub = t.at("/nodes/publisher");
        String script = t.get("testScript").asText();
        Matcher m = Pattern.compile("\"(nix-swarm plan [^\"]*)\"\\s*\"([^\"]*)\"\\s*\"([^\"]*)\"").matcher(script);
        assertTrue(m.find(), script);
        List<String> plan = List.of((m.group(1) + m.group(2) + m.group(3)).trim().split("\\s+"));

        Path cache = tmp.resolve("www-cache");
        SecretKey cacheKey = SecretKey.parse(pub.at("/etc/nix-swarm-test~1cache.sec").asText());
        TestCacheGenerator.create(12).withKey(cacheKey).generate(cache);
        Path plannerSecret = tmp.resolve("planner.sec");
        Files.writeString(plannerSecret, pub.at("/etc/nix-swarm-test~1planner.sec").asText());
        Path planDir = tmp.resolve("var-lib-nix-swarm-plan");

        List<String> args = new ArrayList<>();
        for (String a : plan.subList(1, plan.size())) {
            args.add(switch (a) {
                case "/var/www/cache" -> cache.toString();
                case "/etc/nix-swarm-test/planner.sec" -> plannerSecret.toString();
                case "/var/lib/nix-swarm/plan" -> planDir.toString();
                default -> a;
            });
        }
        Process planner = start(localCommand(args));
        assertTrue(planner.waitFor(120, TimeUnit.SECONDS), "plan did not finish");
        assertEquals(0, planner.exitValue(), output(planner));
        // What the script checks next, and what the peers' --index-key must match.
        assertTrue(Files.size(planDir.resolve("index.jsonl")) > 0);
        String peerKey = NixosModuleTest.args(t.at("/nodes/peer1/services/nix-serve-p2p"))
                .get(NixosModuleTest.args(t.at("/nodes/peer1/services/nix-serve-p2p")).indexOf("--index-key") + 1);
        assertEquals(peerKey, Files.readString(planDir.resolve("planner-key.pub")).strip());

        // The publisher's tracker, on loopback instead of 0.0.0.0, tracks that plan's bundles.
        int http = freePort();
        int udp = freeUdpPort();
        List<String> tracker = new ArrayList<>();
        for (String a : NixosModuleTest.args(pub.at("/services/nix-serve-p2p-tracker"))) {
            tracker.add(switch (a) {
                case "0.0.0.0:6969" -> tracker.contains("--udp") ? "127.0.0.1:" + udp : "127.0.0.1:" + http;
                case "/var/lib/nix-swarm/plan" -> planDir.toString();
                default -> a;
            });
        }
        Process p = start(localCommand(tracker));
        String infohash = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(planDir.resolve("manifest.json").toFile()).at("/bundles/0/infohash").asText();
        assertEquals(40, infohash.length());
        String known = waitForHttp(p, announce(http, infohash), 200);
        assertTrue(known.contains("interval") && !known.contains("failure reason"), known);
        String unknown = waitForHttp(p, announce(http, "00".repeat(20)), -1);
        assertTrue(unknown.contains("failure reason"), unknown);
    }

    static String announce(int port, String infohashHex) {
        StringBuilder ih = new StringBuilder();
        for (int i = 0; i < 40; i += 2) ih.append('%').append(infohashHex, i, i + 2);
        return "http://127.0.0.1:" + port + "/announce?info_hash=" + ih + "&peer_id=-NX0001-abcdefghijkl"
                + "&port=6881&uploaded=0&downloaded=0&left=100&compact=1&event=started";
    }

    /** A plan with no bundles (docs/formats.md), signed by nobody since it has no entries. */
    Path emptyPlan() throws IOException {
        Path plan = tmp.resolve("plan");
        if (Files.isDirectory(plan)) return plan;
        Files.createDirectories(plan.resolve("bundles"));
        Files.writeString(plan.resolve("manifest.json"), """
                {"version": 1, "generation": "nixos-test", "cacheUrl": "http://127.0.0.1:1/",
                 "trackers": [], "plannerKey": "%s", "bundles": []}
                """.formatted(NixosModuleTest.PLANNER_KEY));
        Files.writeString(plan.resolve("index.jsonl"), "");
        Files.writeString(plan.resolve("planner-key.pub"), NixosModuleTest.PLANNER_KEY + "\n");
        return plan;
    }

    /** The module's argv with this checkout as the program and the machine's paths mapped here. */
    List<String> localCommand(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        // C1 only and the serial GC: a short-lived server starts in a third of the time on a busy machine.
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        for (String a : args) {
            if (a.startsWith("/var/lib/")) {
                Path dir = tmp.resolve("state").resolve(a.substring("/var/lib/".length()));
                Files.createDirectories(dir);
                cmd.add(dir.toString());
            } else if (a.startsWith("/nix/store/")) {
                Path file = nix.storeFile(a);
                assertTrue(Files.exists(file), "the evaluation wrote " + a);
                cmd.add(file.toString());
            } else {
                cmd.add(a);
            }
        }
        return cmd;
    }

    Process start(List<String> cmd) throws IOException {
        Path log = tmp.resolve("process-" + started.size() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    /** GETs the URL until it answers (expected status, or any when -1); fails if the process dies. */
    String waitForHttp(Process p, String url, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) fail("exited with " + p.exitValue() + ":\n" + output(p));
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(5000);
                int code = c.getResponseCode();
                java.io.InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
                byte[] body = in == null ? new byte[0] : in.readAllBytes();
                if (status != -1) assertEquals(status, code, url + "\n" + output(p));
                return new String(body, StandardCharsets.ISO_8859_1);
            } catch (java.net.ConnectException notYet) {
                Thread.sleep(100);
            }
        }
        fail("no answer from " + url + " within 30 s:\n" + output(p));
        return null;
    }

    String output(Process p) throws IOException {
        Path log = tmp.resolve("process-" + started.indexOf(p) + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }
}
