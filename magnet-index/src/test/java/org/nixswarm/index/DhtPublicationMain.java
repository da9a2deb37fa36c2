package org.nixswarm.index;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.dht.DhtConfig;
import org.nixswarm.dht.DhtNode;
import org.nixswarm.dht.DhtResolver;
import org.nixswarm.dht.Ed25519Seeds;
import org.nixswarm.dht.bt.BtIndexTorrentSource;
import org.nixswarm.index.dht.DhtPublication;
import org.nixswarm.index.http.FailedLookupLimiter;
import org.nixswarm.index.http.IndexHttpServer;
import org.nixswarm.index.plan.PlanLoader;
import org.nixswarm.index.testing.TestPlan;

/**
 * Runs inside a network namespace (see {@code DhtPublicationTest}): serves a plan over HTTP,
 * publishes it into a local 8-node DHT, stops the HTTP server, and resolves store paths through
 * the DHT and the index torrent's BitTorrent peers alone.
 */
public final class DhtPublicationMain {
    public static void main(String[] args) throws Exception {
        int code = 1;
        Path tmp = Files.createTempDirectory("dht-publication");
        List<DhtNode> nodes = new ArrayList<>();
        try {
            TestPlan.Written plan = TestPlan.write(tmp.resolve("plan"), 200, 2, 5, "g1");
            MagnetIndex index = new MagnetIndex(List.of(new PlanLoader(tmp.resolve("store"), Optional.empty(), 2).load(plan.dir())));
            IndexEntry wanted = plan.entries().get(123);
            IndexHttpServer http = IndexHttpServer.start(new InetSocketAddress("127.0.0.1", 0), index, new FailedLookupLimiter(10, 1));
            int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + http.port() + "/v1/path/" + wanted.storeHash())).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            check(status == 200, "served over HTTP first");

            int n = 8;
            for (int i = 1; i <= n; i++) {
                java.util.Set<Integer> known = new java.util.LinkedHashSet<>(List.of(i == 1 ? n : i - 1, 1, 2, 3));
                known.remove(i);
                List<InetSocketAddress> boot = new ArrayList<>();
                for (int b : known) boot.add(new InetSocketAddress(InetAddress.getByName("198.18.0." + b), 6881));
                nodes.add(DhtNode.start(new DhtConfig(InetAddress.getByName("198.18.0." + i), 6881, boot)));
            }
            for (DhtNode d : nodes) d.awaitReady(2, Duration.ofSeconds(60));
            System.out.println("dht ready");

            byte[] publisherSeed = TestPlan.seed(99);
            byte[] publisherKey = Ed25519Seeds.publicKey(publisherSeed);
            try (DhtPublication pub = DhtPublication.start(index, nodes.get(0), publisherSeed, tmp.resolve("published"),
                    InetAddress.getByName("198.18.0.1"), 7001, Duration.ofSeconds(30))) {
                System.out.println("published " + pub.torrent().infoHash().hex() + " with "
                        + pub.torrent().realFiles().size() + " files");
                http.close();
                check(true, "HTTP server stopped");

                try (BtIndexTorrentSource source = new BtIndexTorrentSource(InetAddress.getByName("198.18.0.8"), 7008,
                        tmp.resolve("resolver"), Duration.ofSeconds(40))) {
                    DhtResolver resolver = new DhtResolver(nodes.get(n - 1), source, Duration.ofSeconds(30));
                    Optional<DhtResolver.Pointer> pointer = resolver.currentIndex(publisherKey);
                    check(pointer.isPresent() && pointer.get().infohash().equals(pub.torrent().infoHash()),
                            "the publisher's BEP 44 item points to the index torrent: " + pointer);
                    Optional<IndexEntry> got = resolver.resolve(publisherKey, wanted.storePath().hashBytes(),
                            List.of(TestPlan.PLANNER.publicKey()));
                    check(got.isPresent() && got.get().equals(wanted), "resolved through the DHT alone: " + got.map(IndexEntry::storePath));
                    byte[] unknown = new byte[20];
                    unknown[0] = wanted.storePath().hashBytes()[0];
                    unknown[1] = wanted.storePath().hashBytes()[1];
                    check(resolver.resolve(publisherKey, unknown, List.of()).isEmpty(), "an unknown hash resolves to nothing");
                    check(resolver.currentIndex(Ed25519Seeds.publicKey(TestPlan.seed(98))).isEmpty(),
                            "another publisher key finds no index");
                }
            }
            code = 0;
        } catch (Throwable t) {
            System.out.println("FAILED: " + t);
            t.printStackTrace(System.out);
        } finally {
            for (DhtNode d : nodes) d.close();
            System.out.println("closed");
        }
        System.out.flush();
        System.exit(code);
    }

    private static void check(boolean ok, String what) {
        System.out.println((ok ? "ok " : "FAILED ") + what);
        if (!ok) throw new AssertionError(what);
    }
}
