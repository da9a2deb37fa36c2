package org.nixswarm.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.TestBundle;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.testing.ResourceGauge;
import org.nixswarm.core.testing.Wrk;

/**
 * The substituter under 64 concurrent Nix-like clients (issue 8, "Load"): keep-alive connections
 * asking for narinfos (GET and HEAD), NARs streamed whole and checked byte for byte, unknown paths
 * (404) and clients that hang up in the middle of a body. The files come from a bundle through the
 * web seed, and the cache is bounded below their total, so files are evicted and fetched again while
 * others are streamed. No request may fail or get a wrong byte; afterwards no socket, thread or
 * file handle may be left over: sockets and threads back to the baseline measured after a warm-up,
 * no descriptor on an evicted (deleted) cache file, none on a file the cache does not hold.
 * 20 s in {@code mvn verify}; {@code -Dnixswarm.soak=true} runs {@code nixswarm.soakSeconds} (300).
 */
class SubstituterLoadTest {
    private static final int CLIENTS = 64;
    private static final long CACHE_SIZE = 12L << 20;

    @TempDir Path tmp;

    private record Stats(AtomicLong requests, AtomicLong bytes, AtomicLong aborted, AtomicLong notFound, Queue<String> errors) {
        Stats() {
            this(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new ConcurrentLinkedQueue<>());
        }
    }

    @Test
    void sixtyFourNixClientsGetNoErrorsAndLeaveNothingOpen() throws Exception {
        int seconds = Wrk.phaseSeconds(20);
        Random sizes = new Random(5);
        long[] fileSizes = new long[40];
        for (int i = 0; i < fileSizes.length; i++) fileSizes[i] = i % 4 == 0 ? 1_000_000 + sizes.nextInt(1_000_000) : 2_000 + sizes.nextInt(150_000);
        try (TestBundle b = new TestBundle(tmp.resolve("upstream"), fileSizes, 65536, 77)) {
            String indexUrl = b.startIndex();
            ClientConfig cfg = ClientConfig.defaults(tmp.resolve("client"), TestBundle.freePort())
                    .withIndex(indexUrl, b.plannerKeyPublic()).withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic()))
                    .withRaceDelay(Duration.ZERO).withCacheSize(CACHE_SIZE);
            byte[][] sha = new byte[b.size()][];
            for (int i = 0; i < b.size(); i++) sha[i] = MessageDigest.getInstance("SHA-256").digest(b.data(i));
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try (SwarmClient c = new SwarmClient(cfg);
                 SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
                // warm-up: every narinfo and NAR once, concurrently (pools, Bt session, JIT)
                Stats warm = run(clients, s.address(), b, sha, 0, 7);
                assertEquals(List.of(), List.copyOf(warm.errors()), "warm-up");
                ResourceGauge before = ResourceGauge.measure();
                List<String> fdsBefore = ResourceGauge.fdTargets();
                Map<String, Integer> threadsBefore = ResourceGauge.threadGroups();
                int busyBefore = ResourceGauge.busyThreads();
                long t0 = System.nanoTime();
                Stats st = run(clients, s.address(), b, sha, seconds, 11);
                double took = (System.nanoTime() - t0) / 1e9;
                ResourceGauge after = ResourceGauge.settle(before, 32, 4, 15_000);
                List<String> fdsAfter = ResourceGauge.fdTargets();
                int busyAfter = ResourceGauge.busyThreads();
                System.out.printf("LOAD substituter: %d requests in %.0f s by %d clients (%d NAR bodies cut by the client, %d 404s), "
                                + "%.0f MB of NAR received, errors %d; heap after GC %.1f -> %.1f MiB; threads %d -> %d (not idle in a pool: %d -> %d); fds %d -> %d "
                                + "(sockets %d -> %d); cache %d of %d bytes%n",
                        st.requests().get(), took, CLIENTS, st.aborted().get(), st.notFound().get(), st.bytes().get() / 1e6,
                        st.errors().size(), before.heapAfterGc() / 1048576.0, after.heapAfterGc() / 1048576.0,
                        before.threads(), after.threads(), busyBefore, busyAfter, before.fds(), after.fds(), sockets(fdsBefore), sockets(fdsAfter),
                        c.cache().used(), CACHE_SIZE);
                System.out.println("cache " + c.cache().stats());
                System.out.println("threads before " + threadsBefore + "\nthreads after  " + ResourceGauge.threadGroups());
                assertEquals(List.of(), List.copyOf(st.errors()).subList(0, Math.min(10, st.errors().size())), "no request failed");
                assertTrue(st.requests().get() > 1000, "load was applied: " + st.requests());
                // Idle keep-alive connections of the client's HTTP pools (web seed, index: the JDK keeps
                // them 20 minutes) grow with the peak concurrency, up to about one per Nix client; a leak
                // grows with the requests (tens of thousands here), so the bound is the client count.
                assertTrue(sockets(fdsAfter) <= sockets(fdsBefore) + CLIENTS,
                        "no socket left open: " + sockets(fdsBefore) + " -> " + sockets(fdsAfter) + ": " + fdsAfter);
                String cacheDir = tmp.resolve("client").toString();
                for (String f : fdsAfter) {
                    if (!f.startsWith(cacheDir)) continue;
                    assertTrue(!f.endsWith(" (deleted)"), "a descriptor on an evicted file: " + f);
                }
                long cacheFds = fdsAfter.stream().filter(f -> f.startsWith(cacheDir)).count();
                assertTrue(cacheFds <= b.size(), "at most one descriptor per cached file: " + cacheFds);
                assertTrue(after.fds() <= before.fds() + b.size(), "fds: " + before + " -> " + after);
                // cached pools may keep a few more idle workers after a peak (until their keep-alive ends);
                // every other thread must be back to the baseline
                assertTrue(busyAfter <= busyBefore + 2, "threads other than idle pool workers: " + busyBefore + " -> " + busyAfter);
                assertTrue(after.threads() <= before.threads() + 32, "threads: " + before + " -> " + after);
                // the substituter's pools are bounded, however many requests came at once
                Map<String, Integer> groups = ResourceGauge.threadGroups();
                assertTrue(groups.getOrDefault("nix-swarm-http-", 0) <= 64, "lookup threads: " + groups);
                assertTrue(after.heapAfterGc() - before.heapAfterGc() < 64L << 20, "heap: " + before + " -> " + after);
                assertTrue(c.cache().used() <= CACHE_SIZE, "the cache bound holds once the streams ended: " + c.cache().used());
            } finally {
                clients.shutdownNow();
            }
        }
    }

    /** The client's threads at the first failure: where a stalled stream waits. */
    private static synchronized void dumpThreads() {
        StringBuilder b = new StringBuilder("threads at the first failure:\n");
        Thread.getAllStackTraces().forEach((t, st) -> {
            if (t.getName().startsWith("pool-")) return; // the test's own clients
            b.append(t.getName()).append(' ').append(t.getState()).append('\n');
            for (int i = 0; i < Math.min(12, st.length); i++) b.append("    at ").append(st[i]).append('\n');
        });
        System.out.println(b);
    }

    private static long sockets(List<String> fds) {
        return fds.stream().filter(f -> f.startsWith("socket:")).count();
    }

    /** {@code seconds == 0}: each client walks every path once (narinfo, then NAR); else random requests until the time is up. */
    private static Stats run(ExecutorService pool, InetSocketAddress server, TestBundle b, byte[][] sha, int seconds, long seed)
            throws Exception {
        Stats st = new Stats();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<?>> all = new ArrayList<>();
        for (int k = 0; k < CLIENTS; k++) {
            Random rnd = new Random(seed * 1000 + k);
            int client = k;
            all.add(pool.submit(() -> {
                NixLikeConnection conn = null;
                try {
                    if (seconds == 0) {
                        for (int j = 0; j < b.size(); j++) {
                            int i = (j + client) % b.size();
                            if (conn == null) conn = new NixLikeConnection(server);
                            conn = narinfo(conn, server, b, i, "GET", st);
                            conn = nar(conn, server, b, sha, i, -1, st);
                        }
                        return;
                    }
                    while (System.nanoTime() < end) {
                        if (conn == null) conn = new NixLikeConnection(server);
                        int i = rnd.nextInt(b.size());
                        int op = rnd.nextInt(100);
                        if (op < 25) conn = narinfo(conn, server, b, i, "GET", st);
                        else if (op < 35) conn = narinfo(conn, server, b, i, "HEAD", st);
                        else if (op < 45) conn = expect404(conn, "/" + randomHash(rnd) + ".narinfo", st);
                        else if (op < 50) conn = expect404(conn, "/nar/" + randomHash(rnd) + randomHash(rnd).substring(0, 20) + ".nar.xz", st);
                        else if (op < 55) conn = nar(conn, server, b, sha, i, -2, st);
                        else if (op < 90) conn = nar(conn, server, b, sha, i, -1, st);
                        else conn = nar(conn, server, b, sha, i, rnd.nextInt(b.data(i).length), st);
                    }
                } catch (IOException | RuntimeException e) {
                    st.errors().add("client " + client + ": " + e);
                    if (st.errors().size() == 1) dumpThreads();
                } finally {
                    if (conn != null) {
                        try {
                            conn.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    }
                }
                return;
            }));
        }
        for (Future<?> f : all) f.get();
        return st;
    }

    private static NixLikeConnection narinfo(NixLikeConnection conn, InetSocketAddress server, TestBundle b, int i, String method, Stats st)
            throws IOException {
        byte[] want = b.narinfo(i).print().getBytes(StandardCharsets.UTF_8);
        NixLikeConnection.Response r = conn.exchange(method, "/" + b.hash(i) + ".narinfo", -1, 1 << 16);
        st.requests().incrementAndGet();
        if (r.status() != 200 || r.contentLength() != want.length || (method.equals("GET") && !java.util.Arrays.equals(want, r.body()))) {
            st.errors().add(method + " " + b.hash(i) + ".narinfo: " + r.status() + ", " + r.contentLength() + " bytes");
        }
        return conn;
    }

    /** {@code cut == -1}: the whole body, checked; {@code -2}: HEAD; else the client hangs up after {@code cut} bytes. */
    private static NixLikeConnection nar(NixLikeConnection conn, InetSocketAddress server, TestBundle b, byte[][] sha, int i, long cut,
                                         Stats st) throws IOException {
        String path = b.urlPath(i);
        NixLikeConnection.Response r = conn.exchange(cut == -2 ? "HEAD" : "GET", path, cut >= 0 ? cut : -1, 0);
        st.requests().incrementAndGet();
        st.bytes().addAndGet(r.bytesRead());
        if (r.status() != 200 || r.contentLength() != b.data(i).length) {
            st.errors().add(path + ": " + r.status() + ", Content-Length " + r.contentLength());
        } else if (cut == -1 && !java.util.Arrays.equals(sha[i], r.sha256())) {
            st.errors().add(path + ": wrong bytes");
        }
        if (cut >= 0) {
            st.aborted().incrementAndGet();
            conn.close();
            return null;
        }
        return conn;
    }

    private static NixLikeConnection expect404(NixLikeConnection conn, String path, Stats st) throws IOException {
        NixLikeConnection.Response r = conn.exchange("GET", path, -1, 1 << 16);
        st.requests().incrementAndGet();
        st.notFound().incrementAndGet();
        if (r.status() != 404) st.errors().add(path + ": " + r.status() + " instead of 404");
        return conn;
    }

    private static String randomHash(Random rnd) {
        byte[] h = new byte[20];
        rnd.nextBytes(h);
        return NixBase32.encode(h);
    }
}
