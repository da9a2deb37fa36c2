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

    public long heapMiB() {
        return heapAfterGc >> 20;
    }

    @Override
    public String toString() {
        return String.format("heap after GC %.1f MiB, %d threads, %d fds", heapAfterGc / 1048576.0, threads, fds);
    }
}
