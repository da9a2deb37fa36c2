package org.nixswarm.tracker.load;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.testing.ResourceGauge;
import org.nixswarm.core.testing.Wrk;
import org.nixswarm.tracker.Tracker;
import org.nixswarm.tracker.TrackerConfig;

/**
 * Sustained announce load (issue 8, "Load"): wrk with 64 connections announces random peers over
 * 1,000 swarms (bench/tracker/announce.lua) for two phases. The store's limits (50 peers a swarm)
 * are reached in the first phase, so in the second the retained heap must stay flat: growth there is
 * a leak per request. After the load, threads and fds are back at the baseline. Each phase takes 15 s
 * in {@code mvn verify}; {@code -Dnixswarm.soak=true} makes them {@code nixswarm.soakSeconds} (300).
 */
class TrackerLoadTest {
    private static final int SWARMS = 1000;
    private static final int PEERS_PER_SWARM = 50;

    @Test
    void announcesUnderSustainedLoadKeepHeapThreadsAndFdsBounded() throws Exception {
        int seconds = Wrk.phaseSeconds(15);
        var script = Wrk.benchFile("tracker/announce.lua");
        Map<String, String> env = Map.of("SWARMS", Integer.toString(SWARMS));
        try (Tracker t = Tracker.start(TrackerConfig.builder()
                .http(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .maxPeersPerSwarm(PEERS_PER_SWARM).maxSwarms(10_000).maxNumwant(50).ioThreads(2).build())) {
            String url = "http://127.0.0.1:" + t.httpAddress().getPort() + "/";
            // a warm-up starts the event loops' threads (lazily created, not leaks) and the JIT
            Wrk.run(url, 3, 2, 64, script, env);
            ResourceGauge before = ResourceGauge.measure();
            long t0 = System.nanoTime();
            Wrk.Result first = Wrk.run(url, seconds, 2, 64, script, env);
            ResourceGauge mid = ResourceGauge.measure();
            Wrk.Result second = Wrk.run(url, seconds, 2, 64, script, env);
            ResourceGauge after = ResourceGauge.settle(before, 2, 4, 10_000);
            double took = (System.nanoTime() - t0) / 1e9;
            long peers = t.store().stats().seeders() + t.store().stats().leechers();
            System.out.printf("LOAD tracker: %d requests in %.0f s (%.0f/s, %.0f/s), non-2xx %d, socket errors %d; "
                            + "heap after GC %.1f -> %.1f -> %.1f MiB; threads %d -> %d; fds %d -> %d; peers stored %d%n",
                    first.requests() + second.requests(), took, first.perSecond(), second.perSecond(),
                    first.non2xx() + second.non2xx(), first.socketErrors() + second.socketErrors(),
                    before.heapAfterGc() / 1048576.0, mid.heapAfterGc() / 1048576.0, after.heapAfterGc() / 1048576.0,
                    before.threads(), after.threads(), before.fds(), after.fds(), peers);
            assertTrue(first.clean() && second.clean(), "every announce answered 200:\n" + first.output() + second.output());
            assertTrue(peers <= (long) SWARMS * PEERS_PER_SWARM, "the store's limits hold: " + peers);
            // the store is full after phase one: phase two may not retain more than noise
            long growth = after.heapAfterGc() - mid.heapAfterGc();
            assertTrue(growth < 16L << 20, "retained heap grew by " + (growth >> 10) + " KiB under steady load: " + mid + " -> " + after);
            assertTrue(after.heapAfterGc() - before.heapAfterGc() < 64L << 20, "whole run: " + before + " -> " + after);
            assertTrue(after.threads() <= before.threads() + 2, "threads back to the baseline: " + before + " -> " + after);
            assertTrue(after.fds() <= before.fds() + 4, "fds back to the baseline (no leaked sockets): " + before + " -> " + after);
        }
    }
}
