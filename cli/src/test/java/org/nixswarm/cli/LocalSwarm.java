package org.nixswarm.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.testcache.TestCache;
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
 * A whole local swarm for the benchmarks: a test cache served over HTTP (the origin and every
 * bundle's web seed), planned by the real planner into bundles of about 1/16 to 1/6 of the cache,
 * announced to the real tracker, looked up through the real magnet index, all on 127.0.0.1.
 */
final class LocalSwarm implements AutoCloseable {
    final TestCache cache;
    final StaticHttpServer upstream;
    final Tracker tracker;
    final IndexHttpServer index;
    final String plannerKey;
    private final List<AutoCloseable> open = new ArrayList<>();

    LocalSwarm(TestCache cache, Path work) throws Exception {
        this.cache = cache;
        try {
            upstream = add(new StaticHttpServer(cache.dir()).start());
            tracker = add(Tracker.start(TrackerConfig.builder().http(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .interval(Duration.ofSeconds(5)).minInterval(Duration.ofSeconds(1)).ioThreads(1).build()));
            String announce = "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
            long total = cache.totalFileSize();
            Path plan = work.resolve("plan");
            new Planner(new PlanOptions(cache.dir().toString(), null, List.of(), null, plan, List.of(announce), upstream.baseUrl(),
                    work.resolve("planner.key"), List.of(cache.publicKey()), true, ClusterSettings.defaults().withSizes(total / 16, total / 6),
                    600_000, 4, 2, 32 << 20), Progress.NONE).run();
            plannerKey = Planner.loadOrCreateKey(work.resolve("planner.key")).publicKey().toNixFormat();
            index = add(IndexHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new MagnetIndex(List.of(new PlanLoader(work.resolve("index"), Optional.of(PublicKey.parse(plannerKey)), 1).load(plan))),
                    new FailedLookupLimiter(1000, 1000)));
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T add(T c) {
        open.add(c);
        return c;
    }

    String indexUrl() {
        return "http://127.0.0.1:" + index.port() + "/";
    }

    /** A client of this swarm (index, upstream as fallback, the cache's key trusted) keeping its files in {@code dir}. */
    ClientConfig client(Path dir, Duration raceDelay) throws IOException {
        return ClientConfig.defaults(dir, freePort())
                .withUpstream(upstream.baseUrl(), List.of(cache.publicKey().toNixFormat()))
                .withIndex(indexUrl(), plannerKey)
                .withRaceDelay(raceDelay);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }
}
