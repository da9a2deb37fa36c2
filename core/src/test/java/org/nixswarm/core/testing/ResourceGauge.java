package org.nixswarm.core.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a server under load may leak, measured in its own JVM (load tests run the server
 * in-process): heap retained after full collections, live threads, and open file descriptors
 * ({@code /proc/self/fd}, which counts sockets as well as files).
 */
public record ResourceGauge(long heapAfterGc, int threads, int fds) {

    /** Collects until the retained heap stops falling, then reads all three. */
    public static ResourceGauge measure() {
        var mem = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long used = mem.getHeapMemoryUsage().getUsed();
            if (used >= best - (best >> 6)) { // within 1.5 %: settled
                best = Math.min(best, used);
                break;
            }
            best = Math.min(best, used);
        }
        return new ResourceGauge(best, ManagementFactory.getThreadMXBean().getThreadCount(), openFds());
    }

    /**
     * Measures until threads and fds are back within the given slack of {@code baseline} or the
     * deadline passes (pools wind down, closed sockets leave TIME_WAIT handling), then returns the
     * last measurement.
     */
    public static ResourceGauge settle(ResourceGauge baseline, int threadSlack, int fdSlack, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        ResourceGauge g;
        while (true) {
            g = measure();
            if (g.threads <= baseline.threads + threadSlack && g.fds <= baseline.fds + fdSlack) return g;
            if (System.currentTimeMillis() > deadline) return g;
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return g;
            }
        }
    }

    public static int openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count() - 1; // the listing's own descriptor
        } catch (IOException e) {
            return -1;
        }
    }

    /** Where each open descriptor points ({@code socket:[…]}, a path, a path with " (deleted)"). */
    public static java.util.List<String> fdTargets() {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    out.add(Files.readSymbolicLink(p).toString());
                } catch (IOException e) {
                    // closed between the listing and the read (the listing's own descriptor, for one)
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Live threads by name with trailing numbers dropped ("nix-swarm-http-12" counts as "nix-swarm-http-"). */
    public static java.util.Map<String, Integer> threadGroups() {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) out.merge(t.getName().replaceAll("[0-9]+$", ""), 1, Integer::sum);
        return out;
    }

    /**
     * Threads that are not idle pool workers (parked in {@code ThreadPoolExecutor.getTask}): a leaked
     * thread is stuck somewhere or is a new kind of thread, while a cached pool that grew under load
     * only keeps idle workers until their keep-alive ends.
     */
    public static int busyThreads() {
        int n = 0;
        for (StackTraceElement[] st : Thread.getAllStackTraces().values()) {
            boolean idle = false;
            for (StackTraceElement e : st) {
                if (e.getClassName().equals("java.util.concurrent.ThreadPoolExecutor") && e.getMethodName().equals("getTask")) {
                    idle = true;
                    break;
                }
            }
            if (!idle) n++;
        }
        return n;
    }

    public long heapMiB() {
        return heapAfterGc >> 20;
    }

    @Override
    public String toString() {
        return String.format("heap after GC %.1f MiB, %d threads, %d fds", heapAfterGc / 1048576.0, threads, fds);
    }
}
