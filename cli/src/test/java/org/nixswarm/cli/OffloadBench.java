package org.nixswarm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.testcache.TestCache;
import org.nixswarm.core.testcache.TestCacheGenerator;
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
 * bench/run-all.sh, "origin offload": 20 clients fetch one closure, staggered (each starts when
 * the previous one finished, and all stay seeding), through the real tracker, index and web seed.
 * Offload = share of the clients' bytes that did not come from the origin; the reference is the
 * same 20 fetches straight from the cache (offload 0, origin bytes = 20 closures), measured by
 * the same server in the same run.
 */
@EnabledIfSystemProperty(named = "nixswarm.bench", matches = "true")
class OffloadBench {
    @TempDir Path tmp;

    @Test
    void twentyClientsFetchOneClosureStaggered() throws Exception {
        int clients = Integer.getInteger("bench.clients", 20);
        TestCache cache = TestCacheGenerator.create(Integer.getInteger("bench.paths", 60)).withSeed(3).withMaxSize(2 << 20)
                .generate(tmp.resolve("upstream"));
        List<AutoCloseable> open = new ArrayList<>();
        try (LocalSwarm swarm = new LocalSwarm(cache, tmp)) {
            try {
                StaticHttpServer upstream = swarm.upstream;
                StorePath target = cache.deepest().storePath();
                Set<StorePath> closure = cache.closure(target);
                long closureBytes = 0;
                for (StorePath p : closure) closureBytes += cache.entry(p).narInfo().fileSize().orElse(0);

                // reference: the same fetches straight from the origin (what every client costs it today)
                long refBefore = upstream.bytesServed();
                var http = java.net.http.HttpClient.newHttpClient();
                for (int c = 0; c < clients; c++) {
                    for (StorePath p : closure) {
                        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(upstream.baseUrl() + cache.entry(p).url())).build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding());
                    }
                }
                long refOrigin = upstream.bytesServed() - refBefore;

                long originBefore = upstream.bytesServed();
                long fetched = 0, fromPeers = 0, fromWeb = 0;
                long t0 = System.nanoTime();
                List<String> perClient = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    SwarmClient client = new SwarmClient(swarm.client(tmp.resolve("client-" + c),
                            Duration.ofMillis(Long.getLong("bench.raceDelayMs", 2000))));
                    open.add(client);
                    List<NarFile> files = new ArrayList<>();
                    for (StorePath p : closure) files.add(client.download(client.resolve(p.hashPart())));
                    long cPeers = 0, cWeb = 0, c0 = System.nanoTime();
                    for (NarFile f : files) {
                        f.completion().get(120, TimeUnit.SECONDS);
                        fetched += f.size();
                        cPeers += f.bytesFromPeers();
                        cWeb += f.bytesFromWebSeed() + f.bytesFromUpstream();
                    }
                    fromPeers += cPeers;
                    fromWeb += cWeb;
                    perClient.add(String.format(Locale.ROOT, "client %d: %d bytes from peers, %d from the web seed, %.1f s", c, cPeers, cWeb,
                            (System.nanoTime() - c0) / 1e9));
                    System.out.println(perClient.get(perClient.size() - 1));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long origin = upstream.bytesServed() - originBefore;
                double offload = 1.0 - (double) origin / fetched;
                String line = String.format(Locale.ROOT,
                        "offload: %d clients, closure of %d paths (%d bytes): %d bytes fetched, %d from peers, %d from the web seed; "
                                + "origin served %d bytes (reference: %d for the same fetches over HTTP); offload %.4f; peer share %.4f; %.1f s",
                        clients, closure.size(), closureBytes, fetched, fromPeers, fromWeb, origin, refOrigin, offload,
                        (double) fromPeers / fetched, seconds);
                System.out.println(line);
                Files.writeString(Path.of("target/bench-offload.txt"), line + "\n");
                Files.writeString(Path.of("target/bench-offload-clients.txt"), String.join("\n", perClient) + "\n");
            } finally {
                // the clients first: they announce their leaving to the tracker
                for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
            }
        }
    }
}
