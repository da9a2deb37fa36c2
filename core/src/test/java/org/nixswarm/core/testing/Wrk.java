package org.nixswarm.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code wrk} (through {@link Tools#require}: fails on CI, skips locally when it is missing)
 * against a loopback URL and reads its summary. Used by the load tests (docs/reliability.md, "Load").
 */
public final class Wrk {
    private Wrk() {}

    public record Result(long requests, double seconds, long non2xx, long socketErrors, double perSecond, String output) {
        public boolean clean() {
            return non2xx == 0 && socketErrors == 0 && requests > 0;
        }
    }

    /**
     * @param script a wrk Lua script, or null for plain GETs of {@code url}
     * @param env environment for the script (e.g. {@code SWARMS}, {@code HASHES})
     */
    public static Result run(String url, int seconds, int threads, int connections, Path script, Map<String, String> env)
            throws IOException, InterruptedException {
        Path wrk = Tools.require("wrk", "wrk");
        List<String> cmd = new ArrayList<>(List.of(wrk.toString(), "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s"));
        if (script != null) cmd.addAll(List.of("-s", script.toString()));
        cmd.add(url);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish");
        }
        String text = new String(out);
        if (p.exitValue() != 0) throw new IOException("wrk exited " + p.exitValue() + ": " + text);
        return parse(text);
    }

    static Result parse(String text) throws IOException {
        Matcher m = Pattern.compile("(\\d+) requests in ([0-9.]+)(m?s|m)").matcher(text);
        if (!m.find()) throw new IOException("no request count in wrk's output: " + text);
        long requests = Long.parseLong(m.group(1));
        double secs = Double.parseDouble(m.group(2)) * (m.group(3).equals("ms") ? 0.001 : m.group(3).equals("m") ? 60 : 1);
        long non2xx = find(text, "Non-2xx or 3xx responses: (\\d+)");
        long errors = 0;
        Matcher e = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(text);
        if (e.find()) for (int i = 1; i <= 4; i++) errors += Long.parseLong(e.group(i));
        Matcher r = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(text);
        double rps = r.find() ? Double.parseDouble(r.group(1)) : requests / secs;
        return new Result(requests, secs, non2xx, errors, rps, text);
    }

    private static long find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * A load test's run (docs/reliability.md, "Load"): a 3 s warm-up (event loops start their
     * threads lazily, the JIT compiles), the baseline, phase one, a measurement, phase two, and the
     * final measurement once threads and fds are back within 2 and 4 of the baseline (or 10 s passed).
     */
    public record Phases(Result first, Result second, ResourceGauge before, ResourceGauge mid, ResourceGauge after, double seconds) {
        /** The figures, one line beginning with {@code LOAD <server>:} (bench/soak/run.sh collects them). */
        public String line(String server) {
            return String.format("LOAD %s: %d requests in %.0f s (%.0f/s, %.0f/s), non-2xx %d, socket errors %d; "
                            + "heap after GC %.1f -> %.1f -> %.1f MiB; threads %d -> %d; fds %d -> %d",
                    server, first.requests() + second.requests(), seconds, first.perSecond(), second.perSecond(),
                    first.non2xx() + second.non2xx(), first.socketErrors() + second.socketErrors(),
                    before.heapAfterGc() / 1048576.0, mid.heapAfterGc() / 1048576.0, after.heapAfterGc() / 1048576.0,
                    before.threads(), after.threads(), before.fds(), after.fds());
        }

        /**
         * Every request answered 2xx without socket errors; the retained heap grew less than 16 MiB
         * over phase two (a server whose state is full or read-only by then: growth is a leak per
         * request) and less than 64 MiB in all; threads within 2 and fds within 4 of the baseline.
         */
        public void assertBounded() {
            check(first.clean() && second.clean(), "every request answered 2xx:\n" + first.output() + second.output());
            long growth = after.heapAfterGc() - mid.heapAfterGc();
            check(growth < 16L << 20, "retained heap grew by " + (growth >> 10) + " KiB under steady load: " + mid + " -> " + after);
            check(after.heapAfterGc() - before.heapAfterGc() < 64L << 20, "whole run: " + before + " -> " + after);
            check(after.threads() <= before.threads() + 2, "threads back to the baseline: " + before + " -> " + after);
            check(after.fds() <= before.fds() + 4, "fds back to the baseline (no leaked sockets): " + before + " -> " + after);
        }

        private static void check(boolean ok, String what) {
            if (!ok) throw new AssertionError(what);
        }
    }

    /** Runs {@link Phases} of {@code seconds} each (see {@link #phaseSeconds}) with 2 wrk threads and 64 connections. */
    public static Phases twoPhases(String url, int seconds, Path script, Map<String, String> env) throws IOException, InterruptedException {
        run(url, 3, 2, 64, script, env);
        ResourceGauge before = ResourceGauge.measure();
        long t0 = System.nanoTime();
        Result first = run(url, seconds, 2, 64, script, env);
        ResourceGauge mid = ResourceGauge.measure();
        Result second = run(url, seconds, 2, 64, script, env);
        ResourceGauge after = ResourceGauge.settle(before, 2, 4, 10_000);
        return new Phases(first, second, before, mid, after, (System.nanoTime() - t0) / 1e9);
    }

    /** A file under the repository's {@code bench/} directory, found from a module's working directory. */
    public static Path benchFile(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("bench").resolve(relative);
            if (Files.exists(p)) return p;
        }
        throw new IllegalStateException("bench/" + relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /** Seconds for a load phase: {@code shortSeconds} by default, {@code -Dnixswarm.soakSeconds} (default 300) with {@code -Dnixswarm.soak=true}. */
    public static int phaseSeconds(int shortSeconds) {
        return Boolean.getBoolean("nixswarm.soak") ? Integer.getInteger("nixswarm.soakSeconds", 300) : shortSeconds;
    }
}
