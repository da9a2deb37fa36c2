package org.nixswarm.index.load;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.testing.Wrk;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.index.MagnetIndex;
import org.nixswarm.index.http.FailedLookupLimiter;
import org.nixswarm.index.http.IndexHttpServer;
import org.nixswarm.index.http.PrefixLimiter;
import org.nixswarm.index.plan.PlanLoader;
import org.nixswarm.index.testing.TestPlan;

/**
 * Sustained lookup load on the magnet index (issue 8, "Load"): wrk with 64 connections cycles
 * through every path lookup, prefix lookup (what clients send) and bundle torrent of a 3,000-entry
 * plan (bench/soak/paths.lua), in two phases. The index is read-only, so after the first phase
 * (caches and JIT warm) the retained heap must stay flat; after the load, threads and fds are back
 * at the baseline. 15 s a phase in {@code mvn verify}; {@code -Dnixswarm.soak=true} makes each
 * {@code nixswarm.soakSeconds} (300).
 */
class IndexLoadTest {
    @TempDir Path tmp;

    @Test
    void lookupsUnderSustainedLoadKeepHeapThreadsAndFdsBounded() throws Exception {
        int seconds = Wrk.phaseSeconds(15);
        TestPlan.Written plan = TestPlan.write(tmp.resolve("plan"), 3000, 6, 17, "g1");
        List<String> paths = new ArrayList<>();
        for (IndexEntry e : plan.entries()) {
            paths.add("/v1/path/" + e.storeHash());
            paths.add("/v1/prefix/" + HexFormat.of().formatHex(NixBase32.decode(e.storeHash()), 0, 2));
        }
        for (Torrent t : plan.bundles()) paths.add("/v1/bundle/" + t.infoHash().hex());
        java.util.Collections.shuffle(paths, new java.util.Random(3));
        Path list = Files.write(tmp.resolve("paths.txt"), paths);
        MagnetIndex index = new MagnetIndex(List.of(new PlanLoader(tmp.resolve("store"), Optional.empty(), 2).load(plan.dir())));
        try (IndexHttpServer server = IndexHttpServer.start(new InetSocketAddress("127.0.0.1", 0), index,
                new FailedLookupLimiter(1000, 1000.0),
                // wrk is one client address asking ~20 k/s: the limiter stays in the path (its per-client
                // state is part of what must stay bounded) but never refuses
                new PrefixLimiter(Integer.MAX_VALUE, 1e12))) {
            String url = "http://127.0.0.1:" + server.port();
            Map<String, String> env = Map.of("PATHS", list.toString());
            Path script = Wrk.benchFile("soak/paths.lua");
            Wrk.Phases run = Wrk.twoPhases(url, seconds, script, env);
            System.out.println(run.line("index"));
            run.assertBounded();
        }
    }
}
