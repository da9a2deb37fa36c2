package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.cli.demo.DemoReport;
import picocli.CommandLine;

/** Runs {@code nix-swarm demo} for real, small, and checks its report and that nothing is left behind. */
class DemoCommandTest {
    @TempDir Path tmp;

    @Test
    void theDemoFetchesAClosureFromPeersAfterTheCacheWentDownAndLeavesNothingRunning() throws Exception {
        Set<String> threadsBefore = liveThreads();
        DemoCommand demo = new DemoCommand();
        CommandLine cli = new CommandLine(demo);
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        Path work = tmp.resolve("demo");
        int rc = cli.execute("--paths", "30", "--peers", "2", "--max-size", "256K", "--dir", work.toString(), "--timeout", "90");
        assertEquals(0, rc, out.toString());
        DemoReport r = demo.report;
        assertTrue(r.realised(), out.toString());
        assertTrue(r.fromPeersAfterOutage() > 0, out.toString());
        assertEquals(0, r.afterOutage().stream().mapToLong(DemoReport.Fetched::fromWebSeed).sum(), "the cache was down");
        assertTrue(r.fetchedPaths() >= 3 && !r.beforeOutage().isEmpty() && !r.afterOutage().isEmpty(), out.toString());
        assertEquals(r.bytes(), r.fromPeers() + r.fromWebSeed() + r.fromUpstream(), out.toString());
        assertTrue(r.bundlesTouched() >= 1 && r.bundlesTouched() <= r.bundles(), out.toString());
        assertTrue(r.announces() > 0, "peers found each other through the tracker: " + out);
        assertTrue(out.toString().contains("cache DOWN"), out.toString());
        assertFalse(Files.exists(work), "the work directory is removed without --keep");

        // every server and worker thread the demo started has stopped
        long deadline = System.nanoTime() + 10_000_000_000L;
        Set<String> left;
        do {
            left = liveThreads();
            left.removeAll(threadsBefore);
            left.removeIf(n -> n.startsWith("ForkJoinPool") || n.startsWith("process reaper") || n.startsWith("HttpClient")
                    || n.startsWith("Common-Cleaner") || n.startsWith("Attach") || n.startsWith("Signal"));
            if (left.isEmpty()) break;
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertTrue(left.isEmpty(), "threads left running: " + left);
    }

    @Test
    void badSizesAreRefusedWithAMessage() {
        CommandLine cli = new CommandLine(new DemoCommand());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(1, cli.execute("--peers", "0"));
        assertTrue(err.toString().contains("--peers must be 1 to 50"), err.toString());
    }

    private static Set<String> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toSet());
    }
}
