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
        LOG.info("trace {} +{} ms {} [{}]", key.length() > 12 ? key.substring(0, 12) : key,
                String.format(java.util.Locale.ROOT, "%.2f", (now - t0) / 1e6), event, Thread.currentThread().getName());
    }

    /** Links a second key (the file name) to the first one's start (the store hash). */
    public static void alias(String from, String to) {
        if (!ON) return;
        Long t0 = START.get(from);
        if (t0 != null) START.putIfAbsent(to, t0);
    }
}
