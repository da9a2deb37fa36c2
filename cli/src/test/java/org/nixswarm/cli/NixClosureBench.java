package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.testcache.TestCache;
import org.nixswarm.core.testcache.TestCacheGenerator;
import org.nixswarm.core.testing.RealNix;
import org.nixswarm.core.testing.Tools;

/**
 * What a user waits for: real Nix ({@code nix-store -r}) realising a closure of small paths through
 * {@code serve} with one seeding peer, against the same Nix realising it straight from the HTTP
 * cache, in the same run (alternating, fresh store and client each time). Also with prefetching
 * off, to show what it is worth. bench/client/nix-closure.sh runs it.
 */
@EnabledIfSystemProperty(named = "nixswarm.bench", matches = "true")
class NixClosureBench {
    @TempDir Path tmp;

    @Test
    void nixRealisesAClosureThroughServeAndStraightFromTheCache() throws Exception {
        Tools.require("nix-store", "nix-bin");
        int runs = Integer.getInteger("bench.runs", 5);
        TestCache cache = TestCacheGenerator.create(Integer.getInteger("bench.paths", 60)).withSeed(7)
                .withMaxSize(Integer.getInteger("bench.maxSize", 256 << 10)).generate(tmp.resolve("upstream"));
        try (LocalSwarm swarm = new LocalSwarm(cache, tmp)) {
            StorePath target = cache.deepest().storePath();
            Set<StorePath> closure = cache.closure(target);
            long bytes = 0;
            for (StorePath p : closure) bytes += cache.entry(p).narInfo().fileSize().orElse(0);
            try (SwarmClient seeder = new SwarmClient(swarm.client(tmp.resolve("seeder"), Duration.ZERO))) {
                for (StorePath p : closure) seeder.download(seeder.resolve(p.hashPart())).completion().get(60, TimeUnit.SECONDS);
                List<Double> direct = new ArrayList<>(), prefetch = new ArrayList<>(), noPrefetch = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                    List<Runnable> legs = new ArrayList<>();
                    int run = r;
                    legs.add(() -> direct.add(timed(() -> realise(tmp.resolve("direct-" + run), swarm.upstream.baseUrl(), swarm, target))));
                    legs.add(() -> prefetch.add(viaServe(swarm, seeder, target, closure, "pre-" + run, SubstituterServer.DEFAULT_PREFETCH_BELOW)));
                    legs.add(() -> noPrefetch.add(viaServe(swarm, seeder, target, closure, "nopre-" + run, 0)));
                    Collections.rotate(legs, r); // each leg goes first, second and third equally often
                    legs.forEach(Runnable::run);
                }
                double d = median(direct), p = median(prefetch), n = median(noPrefetch);
                String line = String.format(Locale.ROOT,
                        "nix-store -r of a closure of %d paths (%d bytes), median of %d: straight from the HTTP cache %.0f ms; "
                                + "through serve from one peer %.0f ms (ratio %.2fx), without prefetching %.0f ms (ratio %.2fx)",
                        closure.size(), bytes, runs, d, p, p / d, n, n / d);
                System.out.println(line);
                Files.writeString(Path.of("target/bench-nix-closure.txt"), line + "\n");
            }
        }
    }

    /** One realisation through a fresh client and substituter; every byte must come from the peer. */
    private double viaServe(LocalSwarm swarm, SwarmClient seeder, StorePath target, Set<StorePath> closure, String name, long prefetchBelow) {
        try (SwarmClient client = new SwarmClient(swarm.client(tmp.resolve("client-" + name), Duration.ofSeconds(30)));
             SubstituterServer server = new SubstituterServer(client, new InetSocketAddress("127.0.0.1", 0), prefetchBelow)) {
            client.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
            double ms = timed(() -> realise(tmp.resolve("store-" + name), server.url(), swarm, target));
            for (StorePath p : closure) {
                NarFile f = client.cache().existing(cacheFile(swarm, p)).orElseThrow();
                assertTrue(f.bytesFromPeers() == f.size(), p + ": " + f.bytesFromPeers() + " of " + f.size() + " bytes from the peer");
            }
            return ms;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    private static String cacheFile(LocalSwarm swarm, StorePath p) {
        String url = swarm.cache.entry(p).url();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private void realise(Path dir, String substituter, LocalSwarm swarm, StorePath target) {
        try {
            RealNix.in(dir).substituter(substituter).trust(swarm.cache.publicKey().toNixFormat())
                    .realise(target.toString()).assertOk();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    private interface Leg {
        void run() throws Exception;
    }

    private static double timed(Leg leg) {
        long t0 = System.nanoTime();
        try {
            leg.run();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
