package org.nixswarm.client.net;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timestamps of one fetch's steps (lookup, torrent, session, first block, pieces, FileHash,
 * streaming), for profiling latency: on with {@code -Dnixswarm.trace=true}, logged at INFO as
 * milliseconds since the fetch's first event. Off, each call is one volatile read.
 */
public final class Trace {
    private static final Logger LOG = LoggerFactory.getLogger(Trace.class);
    private static final boolean ON = Boolean.getBoolean("nixswarm.trace");
    private static final Map<String, Long> START = new ConcurrentHashMap<>();

    private Trace() {}

    public static boolean on() { return ON; }

    /** Records {@code event} for {@code key} (a store hash or a file name). */
    public static void mark(String key, String event) {
        if (!ON || key == null) return;
        long now = System.nanoTime();
        long t0 = START.computeIfAbsent(key, k -> now);
        // formatted and logged off the traced thread, so tracing does not add to what it measures
        EVENTS.add(new Event(key, now - t0, now, event, Thread.currentThread().getName()));
    }

    private record Event(String key, long nanos, long at, String event, String thread) {}

    private static final java.util.concurrent.ConcurrentLinkedQueue<Event> EVENTS = new java.util.concurrent.ConcurrentLinkedQueue<>();

    static {
        if (ON) {
            Thread t = new Thread(() -> {
                while (true) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (Event e; (e = EVENTS.poll()) != null; ) {
                        LOG.info("trace {} +{} ms @{} {} [{}]", e.key.length() > 12 ? e.key.substring(0, 12) : e.key,
                                String.format(java.util.Locale.ROOT, "%.2f", e.nanos / 1e6),
                                String.format(java.util.Locale.ROOT, "%.2f", (e.at / 1000) % 100_000_000 / 1e3), e.event, e.thread);
                    }
                }
            }, "nix-swarm-trace");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Links a second key (the file name) to the first one's start (the store hash). */
    public static void alias(String from, String to) {
        if (!ON) return;
        Long t0 = START.get(from);
        if (t0 != null) START.putIfAbsent(to, t0);
    }
}
