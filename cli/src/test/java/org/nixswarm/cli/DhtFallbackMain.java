package org.nixswarm.cli;

import org.nixswarm.cli.ChainCache.Built;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.DhtSettings;
import org.nixswarm.client.PrivatePaths;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.client.swarm.SwarmOptions;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.dht.DhtConfig;
import org.nixswarm.dht.DhtNode;
import org.nixswarm.index.MagnetIndex;
import org.nixswarm.index.dht.DhtPublication;
import org.nixswarm.index.http.FailedLookupLimiter;
import org.nixswarm.index.http.IndexHttpServer;
import org.nixswarm.index.plan.PlanLoader;
import org.nixswarm.tracker.Tracker;
import org.nixswarm.tracker.TrackerConfig;

/**
 * Runs inside a network namespace (see {@code DhtFallbackTest}): a local DHT of five nodes, the
 * real index publishing a real plan into it, a seeding client; then
 * (a) the tracker stopped: a client with the DHT finds the seeder and downloads a file from it
 * alone (no web seed, no upstream);
 * (b) the index's HTTP server stopped as well: a client with only the DHT and the publisher's key
 * resolves the store path, gets the bundle's torrent from its peers, and serves Nix's
 * {@code GET /<hash>.narinfo} and the NAR through the substituter;
 * (c) a path in {@code --private-paths} is refused at once, never looked up;
 * (d) the index still down, a client gets a bundle's torrent from its peers, then the peers stop and
 * the upstream cache comes back: the file completes through the upstream as the bundle's web seed.
 * Prints one line per check; exits non-zero on the first failure.
 */
public final class DhtFallbackMain {
    private static final int DHT_PORT = 6881;


    public static void main(String[] args) throws Exception {
        int code = 1;
        Path tmp = Files.createTempDirectory("dht-fallback");
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Path cacheDir = tmp.resolve("cache");
            SecretKey cacheKey = SecretKey.generate("test-cache-1", new SecureRandom());
            List<Built> built = ChainCache.write(tmp, cacheDir, cacheKey, 5);
            StaticHttpServer upstream = new StaticHttpServer(cacheDir).start();
            open.add(0, upstream);
            Tracker tracker = Tracker.start(TrackerConfig.builder().http(new InetSocketAddress("127.0.0.1", 0))
                    .interval(Duration.ofSeconds(5)).minInterval(Duration.ofSeconds(1)).ioThreads(1).build());
            open.add(0, tracker);
            String announce = "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
            Path plan = tmp.resolve("plan");
            check(Main.run("plan", "--cache", cacheDir.toString(), "--out", plan.toString(), "--key", tmp.resolve("planner.key").toString(),
                    "--trusted-key", cacheKey.publicKey().toNixFormat(), "--tracker", announce, "--web-seed", upstream.baseUrl(),
                    "--strict") == 0, "planned");
            String plannerKey = Files.readString(plan.resolve("planner-key.pub")).strip();

            // five plain DHT nodes on 198.18.0.1-5, the index on .6, the seeder on .7, clients on .8 and .9
            List<InetSocketAddress> boot = new ArrayList<>();
            for (int i = 1; i <= 5; i++) boot.add(new InetSocketAddress(addr(i), DHT_PORT));
            List<DhtNode> nodes = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                DhtNode n = DhtNode.start(new DhtConfig(addr(i), DHT_PORT, boot));
                nodes.add(n);
                open.add(0, n);
            }
            DhtNode indexNode = DhtNode.start(new DhtConfig(addr(6), DHT_PORT, boot));
            open.add(0, indexNode);
            for (DhtNode n : nodes) n.awaitReady(2, Duration.ofSeconds(60));
            indexNode.awaitReady(2, Duration.ofSeconds(60));
            System.out.println("dht ready");

            MagnetIndex index = new MagnetIndex(List.of(new PlanLoader(tmp.resolve("index-store"), Optional.empty(), 1).load(plan)));
            IndexHttpServer http = IndexHttpServer.start(new InetSocketAddress("127.0.0.1", 0), index, new FailedLookupLimiter(100, 100));
            open.add(0, http);
            String indexUrl = "http://127.0.0.1:" + http.port() + "/";
            SecretKey publisher = SecretKey.generate("publisher-1", new SecureRandom());
            DhtPublication pub = DhtPublication.start(index, indexNode, seed(publisher), tmp.resolve("published"), addr(6), 7001,
                    Duration.ofSeconds(30));
            open.add(0, pub);
            System.out.println("published index torrent " + pub.torrent().infoHash().hex());

            // the seeder: fetches every path (index + upstream + tracker all up) and seeds, announcing in the DHT
            ClientConfig seedConfig = config(tmp.resolve("seeder"), 7, boot, null)
                    .withUpstream(upstream.baseUrl(), List.of(cacheKey.publicKey().toNixFormat()))
                    .withIndex(indexUrl, plannerKey).withRaceDelay(Duration.ZERO);
            SwarmClient seeder = new SwarmClient(seedConfig);
            open.add(0, seeder);
            for (Built b : built) seeder.download(seeder.resolve(b.path().hashPart())).completion().get(60, TimeUnit.SECONDS);
            check(true, "seeder holds all " + built.size() + " files");
            byte[] bundle = seeder.resolve(built.get(0).path().hashPart()).entry().infohash().bytes();
            java.util.Set<InetSocketAddress> announced = java.util.Set.of();
            for (int i = 0; i < 30 && announced.isEmpty(); i++) {
                announced = DhtNode.await(nodes.get(0).getPeers(bundle, 0), Duration.ofSeconds(20));
                if (announced.isEmpty()) Thread.sleep(1000);
            }
            check(announced.contains(new InetSocketAddress(addr(7), 7100)), "the seeder announced itself in the DHT: " + announced);
            upstream.stop();
            tracker.close();
            check(true, "tracker stopped, upstream cache stopped");

            // (a) tracker down: peers through the DHT alone
            Built wanted = built.get(1);
            ClientConfig aConfig = config(tmp.resolve("client-a"), 8, boot, null)
                    .withIndex(indexUrl, plannerKey).withRaceDelay(Duration.ofSeconds(300));
            try (SwarmClient a = new SwarmClient(aConfig)) {
                NarFile f = a.download(a.resolve(wanted.path().hashPart()));
                f.completion().get(120, TimeUnit.SECONDS);
                check(f.isComplete() && f.bytesFromPeers() == f.size() && f.bytesFromWebSeed() == 0 && f.bytesFromUpstream() == 0,
                        "tracker down: " + wanted.path() + " from a peer found through the DHT: " + f.bytesFromPeers() + " of "
                                + f.size() + " bytes from peers, " + f.bytesFromWebSeed() + " from the web seed");
                check(Arrays.equals(Files.readAllBytes(a.config().cacheDir().resolve("nar/" + wanted.fileName())), wanted.xz()),
                        "the file is byte for byte the cache's");
            }

            // (b) index down too: resolution through the DHT and the index torrent alone
            http.close();
            check(true, "index HTTP server stopped");
            Built leaf = built.get(0);
            Path privateList = tmp.resolve("private-paths");
            Files.writeString(privateList, built.get(2).path().hashPart() + "\n");
            ClientConfig bConfig = config(tmp.resolve("client-b"), 9, boot, publisher.publicKey().toNixFormat())
                    .withIndex(indexUrl, plannerKey).withRaceDelay(Duration.ofSeconds(300))
                    .withPrivatePaths(PrivatePaths.load(privateList));
            HttpClient httpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            try (SwarmClient b = new SwarmClient(bConfig);
                 SubstituterServer server = new SubstituterServer(b, new InetSocketAddress("127.0.0.1", 0))) {
                long t0 = System.nanoTime();
                HttpResponse<String> narinfo = httpClient.send(HttpRequest.newBuilder(URI.create(server.url() + "/"
                        + leaf.path().hashPart() + ".narinfo")).timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
                check(narinfo.statusCode() == 200 && narinfo.body().contains("StorePath: " + leaf.path() + "\n")
                                && narinfo.body().contains("Sig: test-cache-1:"),
                        "index down: GET /" + leaf.path().hashPart() + ".narinfo through the DHT answers " + narinfo.statusCode()
                                + " with the cache's signed narinfo, in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                t0 = System.nanoTime();
                HttpResponse<byte[]> nar = httpClient.send(HttpRequest.newBuilder(URI.create(server.url() + "/" + leaf.narinfo().url()))
                        .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofByteArray());
                NarFile f = b.cache().existing(leaf.fileName()).orElseThrow();
                check(nar.statusCode() == 200 && Arrays.equals(nar.body(), leaf.xz()) && f.bytesFromPeers() == f.size(),
                        "GET /" + leaf.narinfo().url() + " answers " + nar.statusCode() + " with the file, " + f.bytesFromPeers()
                                + " of " + f.size() + " bytes from peers (torrent from the bundle's peers), in "
                                + (System.nanoTime() - t0) / 1_000_000 + " ms");
                t0 = System.nanoTime();
                HttpResponse<String> second = httpClient.send(HttpRequest.newBuilder(URI.create(server.url() + "/"
                        + wanted.path().hashPart() + ".narinfo")).build(), HttpResponse.BodyHandlers.ofString());
                check(second.statusCode() == 200 && second.body().contains("StorePath: " + wanted.path() + "\n"),
                        "a second path through the DHT answers " + second.statusCode() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                t0 = System.nanoTime();
                HttpResponse<String> priv = httpClient.send(HttpRequest.newBuilder(URI.create(server.url() + "/"
                        + built.get(2).path().hashPart() + ".narinfo")).build(), HttpResponse.BodyHandlers.ofString());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                check(priv.statusCode() == 404 && ms < 1000, "a private path answers " + priv.statusCode() + " in " + ms + " ms, never looked up");
            }

            // (d) index down, the bundle's torrent from its peers (info dictionary only), then the peers
            // gone and the cache back: the torrent got this client's trackers, the magnet's and the
            // upstream cache as web seed, and the file completes through the web seed
            Built third = built.get(2);
            String deadTracker = "http://127.0.0.1:9/announce";
            ClientConfig dConfig = config(tmp.resolve("client-d"), 10, boot, publisher.publicKey().toNixFormat())
                    .withIndex(indexUrl, plannerKey).withRaceDelay(Duration.ofMillis(500))
                    .withUpstream(upstream.baseUrl(), List.of(cacheKey.publicKey().toNixFormat()))
                    .withTrackers(List.of(deadTracker));
            try (SwarmClient d = new SwarmClient(dConfig)) {
                org.nixswarm.client.Resolution r = d.resolve(third.path().hashPart());
                String ih = r.entry().infohash().hex();
                d.knowMagnet("magnet:?xt=urn:btih:" + ih + "&tr=udp%3A%2F%2F127.0.0.1%3A9%2Fannounce");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (d.cache().torrent(ih).isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
                check(d.cache().torrent(ih).isPresent(), "index down: the torrent of bundle " + ih + " came from its peers");
                upstream.start();
                open.remove(seeder);
                seeder.close();
                check(true, "the seeder (the bundle's only peer) stopped, the upstream cache back at " + upstream.baseUrl());
                org.nixswarm.core.torrent.Torrent got = org.nixswarm.core.torrent.Torrent.read(d.cache().torrent(ih).orElseThrow());
                check(got.trackers().contains(deadTracker) && got.trackers().contains("udp://127.0.0.1:9/announce")
                                && got.urlList().equals(List.of(upstream.baseUrl())),
                        "the torrent from peers got the configured and the magnet's trackers " + got.trackers()
                                + " and the upstream as web seed " + got.urlList());
                NarFile f = d.download(r);
                f.completion().get(60, TimeUnit.SECONDS);
                check(f.isComplete() && f.bytesFromWebSeed() == f.size() && f.bytesFromPeers() == 0,
                        "peers gone: " + third.path() + " through the web seed: " + f.bytesFromWebSeed() + " of " + f.size() + " bytes");
                check(Arrays.equals(Files.readAllBytes(d.config().cacheDir().resolve("nar/" + third.fileName())), third.xz()),
                        "the file is byte for byte the cache's");
            }
            code = 0;
        } catch (Throwable t) {
            System.out.println("FAILED: " + t);
            t.printStackTrace(System.out);
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.out.println("close " + c + ": " + e);
                }
            }
            System.out.println("closed");
        }
        System.out.flush();
        System.exit(code);
    }

    private static InetAddress addr(int i) throws Exception {
        return InetAddress.getByName("198.18.0." + i);
    }

    /** A client on 198.18.0.{@code host}: Bt on port 7100, its DHT node on 6881. */
    private static ClientConfig config(Path dir, int host, List<InetSocketAddress> boot, String publisherKey) throws Exception {
        SwarmOptions swarm = new SwarmOptions(addr(host), 7100, false, 0, 0, Duration.ofSeconds(1));
        return ClientConfig.defaults(dir, 7100).withSwarm(swarm)
                .withDht(new DhtSettings(addr(host), DHT_PORT, boot, publisherKey, Duration.ofSeconds(20)));
    }

    private static byte[] seed(SecretKey key) {
        String nix = key.toNixFormat();
        return Arrays.copyOf(Base64.getDecoder().decode(nix.substring(nix.indexOf(':') + 1)), 32);
    }

    private static void check(boolean ok, String what) {
        System.out.println((ok ? "ok " : "FAILED ") + what);
        if (!ok) throw new AssertionError(what);
    }
}
