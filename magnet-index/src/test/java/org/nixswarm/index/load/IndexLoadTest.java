package org.nixswarm.index.load;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.nixswarm.core.testing.ResourceGauge;
import org.nixswarm.core.testing.Wrk;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.index.MagnetIndex;
import org.nixswarm.index.http.FailedLookupLimiter;
import org.nixswarm.index.http.IndexHttpServer;
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
                new FailedLookupLimiter(1000, 1000.0))) {
            String url = "http://127.0.0.1:" + server.port();
            Map<String, String> env = Map.of("PATHS", list.toString());
            Path script = Wrk.benchFile("soak/paths.lua");
            // a warm-up starts the event loops' threads (lazily created, not leaks) and the JIT
            Wrk.run(url, 3, 2, 64, script, env);
            ResourceGauge before = ResourceGauge.measure();
            long t0 = System.nanoTime();
            Wrk.Result first = Wrk.run(url, seconds, 2, 64, script, env);
            ResourceGauge mid = ResourceGauge.measure();
            Wrk.Result second = Wrk.run(url, seconds, 2, 64, script, env);
            ResourceGauge after = ResourceGauge.settle(before, 2, 4, 10_000);
            double took = (System.nanoTime() - t0) / 1e9;
            System.out.printf("LOAD index: %d requests in %.0f s (%.0f/s, %.0f/s), non-2xx %d, socket errors %d; "
                            + "heap after GC %.1f -> %.1f -> %.1f MiB; threads %d -> %d; fds %d -> %d%n",
                    first.requests() + second.requests(), took, first.perSecond(), second.perSecond(),
                    first.non2xx() + second.non2xx(), first.socketErrors() + second.socketErrors(),
                    before.heapAfterGc() / 1048576.0, mid.heapAfterGc() / 1048576.0, after.heapAfterGc() / 1048576.0,
                    before.threads(), after.threads(), before.fds(), after.fds());
            assertTrue(first.clean() && second.clean(), "every lookup answered 200:\n" + first.output() + second.output());
            long growth = after.heapAfterGc() - mid.heapAfterGc();
            assertTrue(growth < 16L << 20, "retained heap grew by " + (growth >> 10) + " KiB under steady load: " + mid + " -> " + after);
            assertTrue(after.heapAfterGc() - before.heapAfterGc() < 64L << 20, "whole run: " + before + " -> " + after);
            assertTrue(after.threads() <= before.threads() + 2, "threads back to the baseline: " + before + " -> " + after);
            assertTrue(after.fds() <= before.fds() + 4, "fds back to the baseline (no leaked sockets): " + before + " -> " + after);
        }
    }
}
