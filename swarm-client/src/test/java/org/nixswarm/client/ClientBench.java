package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.client.swarm.BundleLayout;

/** bench/client/run.sh: the issue's swarm-client benchmarks, each with its reference in the same run. */
@EnabledIfSystemProperty(named = "nixswarm.bench", matches = "true")
class ClientBench {
    @TempDir Path tmp;
    final StringBuilder report = new StringBuilder();

    private void say(String fmt, Object... args) {
        String line = String.format(Locale.ROOT, fmt, args);
        System.out.println(line);
        report.append(line).append('\n');
    }

    private static ClientConfig config(Path dir, TestBundle b, String index, Duration raceDelay) throws Exception {
        return b.clientConfig(dir, index, raceDelay);
    }

    /** CPU seconds this JVM used so far (all threads): the cost per byte, less noisy than wall time on a shared machine. */
    private static double cpuS() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** Each live thread's CPU time (ns) and name group (digits as #), by thread id. */
    private record Threads(java.util.Map<Long, Long> cpu, java.util.Map<Long, String> group) {
        static Threads now() {
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            java.util.Map<Long, Long> cpu = new java.util.HashMap<>();
            java.util.Map<Long, String> group = new java.util.HashMap<>();
            for (long id : mx.getAllThreadIds()) {
                var info = mx.getThreadInfo(id);
                long t = mx.getThreadCpuTime(id);
                if (info == null || t <= 0) continue;
                cpu.put(id, t);
                group.put(id, info.getThreadName().replaceAll("[0-9]+", "#"));
            }
            return new Threads(cpu, group);
        }

        /** CPU since {@code before} of each thread alive now, by thread id. */
        java.util.Map<Long, Long> since(Threads before) {
            java.util.Map<Long, Long> d = new java.util.HashMap<>();
            cpu.forEach((id, t) -> d.put(id, t - before.cpu.getOrDefault(id, 0L)));
            return d;
        }
    }

    /** Collections, their total time (ms), and the JIT's total compile time (ms) so far. */
    private static long[] vmCounters() {
        long n = 0, t = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
            t += Math.max(0, gc.getCollectionTime());
        }
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return new long[] {n, t, jit == null ? 0 : jit.getTotalCompilationTime()};
    }

    private static String top(Threads before, Threads after) {
        java.util.Map<String, Long> byGroup = new java.util.HashMap<>();
        after.since(before).forEach((id, t) -> byGroup.merge(after.group.get(id), t, Long::sum));
        StringBuilder sb = new StringBuilder();
        byGroup.entrySet().stream().filter(e -> e.getValue() > 10_000_000).sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(14)
                .forEach(e -> sb.append(String.format(Locale.ROOT, "%n   %-50s %8.1f ms", e.getKey(), e.getValue() / 1e6)));
        return sb.toString();
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    @Test
    void bench() throws Exception {
        say("swarm-client benchmarks, %s, %d cores", java.time.Instant.now(), Runtime.getRuntime().availableProcessors());
        String only = System.getProperty("bench.only", "");
        if (!only.equals("big")) smallPath(Integer.getInteger("bench.smallRuns", 200), Integer.getInteger("bench.smallWarmup", 200));
        if (!only.equals("small")) bigBundle(Integer.getInteger("bench.bundleMb", 200), Integer.getInteger("bench.seeders", 4));
        Files.writeString(Path.of("target/bench-client.txt"), report.toString());
    }

    /**
     * CPU time (ms) of the JIT's compiler threads, from /proc (Linux; -1 elsewhere): they are not
     * Java threads to the thread MXBean, and on 2 cores they compete with every step of a fetch.
     */
    private static long compilerThreadsCpuMs() {
        long ticks = 0;
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : ds) {
                try {
                    String st = Files.readString(t.resolve("stat"));
                    String name = st.substring(st.indexOf('(') + 1, st.lastIndexOf(')'));
                    if (!name.matches("C[12] CompilerThre.*")) continue;
                    String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return ticks * 10; // USER_HZ is 100 on Linux
    }

    /**
     * A blocking GET on a kept-alive connection, as Nix's curl makes it. Both legs use it; the JDK's
     * asynchronous HttpClient cost ~0.3 ms per request on each leg and kept the JIT busy with its
     * own code, which hid part of the difference between the legs.
     */
    private static byte[] get(String url) throws java.io.IOException {
        var c = (java.net.HttpURLConnection) java.net.URI.create(url).toURL().openConnection();
        c.setConnectTimeout(20_000);
        c.setReadTimeout(20_000);
        if (c.getResponseCode() != 200) throw new java.io.IOException(url + ": HTTP " + c.getResponseCode());
        try (var in = c.getInputStream()) {
            return in.readAllBytes();
        }
    }

    /**
     * {@code warmup} unmeasured fetches first (the JIT compiles the serving path; the substituter is
     * a long-running daemon, so its steady state is what Nix meets), then {@code runs} measured ones.
     */
    private void smallPath(int runs, int warmup) throws Exception {
        int total = warmup + runs + 1;
        long[] sizes = new long[total];
        java.util.Arrays.fill(sizes, 100_000);
        try (TestBundle b = new TestBundle(tmp.resolve("small-cache"), sizes, Integer.getInteger("bench.smallPiece", 16384), 21)) {
            String index = b.startIndex();
            try (SwarmClient seeder = new SwarmClient(config(tmp.resolve("small-seeder"), b, index, Duration.ZERO));
                 SwarmClient client = new SwarmClient(config(tmp.resolve("small-client"), b, index, Duration.ofSeconds(60)));
                 SubstituterServer s = new SubstituterServer(client, new InetSocketAddress("127.0.0.1", 0))) {
                for (int i = 0; i < total; i++) seeder.download(seeder.resolve(b.hash(i))).completion().get(60, TimeUnit.SECONDS);
                client.swarm().addPeer(new InetSocketAddress("127.0.0.1", seeder.swarm().peerPort()));
                List<Double> swarm = new ArrayList<>(), http = new ArrayList<>(), paired = new ArrayList<>(), cached = new ArrayList<>();
                double swarmCpu = 0, httpCpu = 0;
                long jit0 = compilerThreadsCpuMs(), window0 = System.nanoTime();
                Threads cpu0 = Threads.now();
                long[] vm0 = vmCounters();
                double proc0 = cpuS();
                for (int i = 0; i < total; i++) {
                    boolean measured = i > warmup;
                    if (i == warmup + 1) {
                        cpu0 = Threads.now();
                        jit0 = compilerThreadsCpuMs();
                        window0 = System.nanoTime();
                        vm0 = vmCounters();
                        proc0 = cpuS();
                    }
                    // the order alternates, so work either side leaves behind (renames, saving the
                    // narinfo, Bt's messages) lands in the other's window equally often
                    double st = 0, ht = 0;
                    for (int leg = 0; leg < 2; leg++) {
                        boolean swarmLeg = (leg == 0) == (i % 2 == 0);
                        String base = swarmLeg ? s.url() + "/" : b.upstreamUrl();
                        double c0 = cpuS();
                        long t0 = System.nanoTime();
                        if (swarmLeg) org.nixswarm.client.net.Trace.mark(b.hash(i), "bench: narinfo GET");
                        get(base + b.hash(i) + ".narinfo");
                        if (swarmLeg) org.nixswarm.client.net.Trace.mark(b.fileName(i), "bench: narinfo received, nar GET");
                        byte[] r = get(base + "nar/" + b.fileName(i));
                        if (swarmLeg) org.nixswarm.client.net.Trace.mark(b.fileName(i), "bench: nar received");
                        double ms = (System.nanoTime() - t0) / 1e6;
                        if (measured && swarmLeg) swarmCpu += cpuS() - c0;
                        else if (measured) httpCpu += cpuS() - c0;
                        assertArrayEquals(b.data(i), r);
                        if (swarmLeg) st = ms;
                        else ht = ms;
                    }
                    if (measured) {
                        // the same path again, now in the client's cache: what the substituter itself costs
                        long t0 = System.nanoTime();
                        get(s.url() + "/" + b.hash(i) + ".narinfo");
                        byte[] r = get(s.url() + "/nar/" + b.fileName(i));
                        cached.add((System.nanoTime() - t0) / 1e6);
                        assertArrayEquals(b.data(i), r);
                    }
                    if (i == 0) say("small path: first fetch (connects to the peer) %.1f ms via swarm, %.1f ms direct", st, ht);
                    if (!measured) continue;
                    swarm.add(st);
                    http.add(ht);
                    paired.add(st / ht);
                    NarFile f = client.cache().existing(b.fileName(i)).orElseThrow();
                    assertEquals(100_000, f.bytesFromPeers());
                }
                long jit1 = compilerThreadsCpuMs();
                double measuredMs = (System.nanoTime() - window0) / 1e6;
                double ms = median(swarm), mh = median(http);
                say("small path (100 KB, narinfo + nar, median of %d after %d warm-up fetches): swarm %.1f ms, direct HTTP %.1f ms, ratio %.2fx (target <= 1.5x)",
                        runs, warmup, ms, mh, ms / mh);
                say("small path again, from the client's cache through the substituter (its own cost): %.1f ms, %.2fx direct",
                        median(cached), median(cached) / mh);
                // each fetch against the direct GET next to it: robust to load bursts on a shared machine
                say("small path, median of the %d per-fetch ratios (each swarm fetch / the direct GET next to it): %.2fx",
                        runs, median(paired));
                say("small path, CPU of this JVM per fetch (substituter, seeding peer, index, the HTTP client; with the JIT): swarm %.2f ms, direct HTTP %.2f ms",
                        swarmCpu * 1000 / runs, httpCpu * 1000 / runs);
                Threads cpu1 = Threads.now();
                long[] vm1 = vmCounters();
                double javaThreads = cpu1.since(cpu0).values().stream().mapToLong(Long::longValue).sum() / 1e9;
                say("threads' CPU over the measured fetches (both legs):%s", top(cpu0, cpu1));
                // what no live Java thread accounts for: the JIT's compiler threads, the GC's workers,
                // and threads that ended during the fetches
                say("   (JIT, GC, threads that ended)                          %8.1f ms; GC: %d collections, %d ms paused; JIT: %d ms compiling",
                        (cpuS() - proc0 - javaThreads) * 1000, vm1[0] - vm0[0], vm1[1] - vm0[1], vm1[2] - vm0[2]);
                if (jit0 >= 0 && jit1 >= 0) {
                    say("   of which the JIT's compiler threads (C1, C2)             %8d ms CPU, over %.0f ms of fetches", jit1 - jit0, measuredMs);
                }
            }
        }
    }

    private void bigBundle(int mb, int seeders) throws Exception {
        int files = 4;
        long[] sizes = new long[files];
        java.util.Arrays.fill(sizes, (long) mb * 1_000_000 / files);
        long total = (long) mb * 1_000_000;
        try (TestBundle b = new TestBundle(tmp.resolve("big-cache"), sizes, 1 << 20, 22)) {
            String index = b.startIndex();
            BundleLayout layout = BundleLayout.parse(b.torrentBytes);
            List<SwarmClient> seeds = new ArrayList<>();
            List<String> peerArgs = new ArrayList<>();
            try {
                for (int s = 0; s < seeders; s++) {
                    Path dir = tmp.resolve("big-seeder-" + s);
                    Files.createDirectories(dir.resolve("nar"));
                    for (int i = 0; i < files; i++) Files.createLink(dir.resolve("nar/" + b.fileName(i)), b.root.resolve("nar/" + b.fileName(i)));
                    SwarmClient c = new SwarmClient(config(dir, b, index, Duration.ZERO));
                    c.swarm().session(layout); // seeds what it finds on disk after checking the piece hashes
                    seeds.add(c);
                    peerArgs.add("127.0.0.1:" + c.swarm().peerPort());
                }
                Thread.sleep(3000); // let the seeders check their copies

                // direct HTTP of the same bytes
                double c0 = cpuS();
                long t0 = System.nanoTime();
                for (int i = 0; i < files; i++) {
                    HttpResponse<Path> r = SubstituterTest.HTTP.send(HttpRequest.newBuilder(URI.create(b.upstreamUrl() + "nar/" + b.fileName(i))).build(),
                            HttpResponse.BodyHandlers.ofFile(tmp.resolve("http-" + i)));
                    assertEquals(200, r.statusCode());
                }
                double httpS = (System.nanoTime() - t0) / 1e9;
                double httpCpu = cpuS() - c0;

                // our client, peers only
                double swarmS, swarmCpu;
                try (SwarmClient client = new SwarmClient(config(tmp.resolve("big-client"), b, index, Duration.ofSeconds(600)))) {
                    for (SwarmClient s : seeds) client.swarm().addPeer(new InetSocketAddress("127.0.0.1", s.swarm().peerPort()));
                    c0 = cpuS();
                    t0 = System.nanoTime();
                    List<NarFile> fs = new ArrayList<>();
                    for (int i = 0; i < files; i++) fs.add(client.download(client.resolve(b.hash(i))));
                    for (NarFile f : fs) f.completion().get(600, TimeUnit.SECONDS);
                    swarmS = (System.nanoTime() - t0) / 1e9;
                    swarmCpu = cpuS() - c0;
                    long fromPeers = fs.stream().mapToLong(NarFile::bytesFromPeers).sum();
                    assertEquals(total, fromPeers);
                }

                // libtorrent 2.0.8, same seeders, same torrent (web seed removed)
                double ltS = Double.NaN;
                String script = System.getProperty("bench.ltScript");
                if (script != null) {
                    Path t = tmp.resolve("bundle.torrent");
                    // url-list removed (outside the info dictionary: same infohash), so libtorrent uses the peers only
                    var top = (org.nixswarm.core.bencode.BValue.BDict) org.nixswarm.core.bencode.BencodeDecoder.decode(b.torrentBytes);
                    var m = new java.util.TreeMap<>(top.entries());
                    m.remove("url-list");
                    Files.write(t, org.nixswarm.core.bencode.BencodeEncoder.encode(new org.nixswarm.core.bencode.BValue.BDict(m)));
                    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script, t.toString(), tmp.resolve("lt").toString(),
                            String.valueOf(SubstituterTest.freePort())));
                    cmd.addAll(peerArgs);
                    Files.createDirectories(tmp.resolve("lt"));
                    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    String out = new String(p.getInputStream().readAllBytes()).trim();
                    if (p.waitFor() == 0) ltS = Double.parseDouble(out);
                }
                double mbps = total / 1e6;
                say("bundle %d MB (4 files, 1 MiB pieces) from %d seeders: swarm %.1f MB/s (%.2f s), libtorrent %.1f MB/s (%.2f s), direct HTTP %.1f MB/s (%.2f s)",
                        mb, seeders, mbps / swarmS, swarmS, mbps / ltS, ltS, mbps / httpS, httpS);
                say("CPU of this JVM (seeders and leecher, or server and client): swarm %.2f s, direct HTTP %.2f s; load average %.1f",
                        swarmCpu, httpCpu, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                say("ratios: swarm/libtorrent %.2fx (target >= 1.0), swarm/HTTP %.2fx (target >= 0.5)", ltS / swarmS, httpS / swarmS);
            } finally {
                for (SwarmClient c : seeds) c.close();
            }
        }
    }
}
