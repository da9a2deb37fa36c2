package org.nixswarm.tracker.load;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
            Wrk.Phases run = Wrk.twoPhases(url, seconds, script, env);
            long peers = t.store().stats().seeders() + t.store().stats().leechers();
            System.out.println(run.line("tracker") + "; peers stored " + peers);
            run.assertBounded();
            assertTrue(peers <= (long) SWARMS * PEERS_PER_SWARM, "the store's limits hold: " + peers);
        }
    }
}
