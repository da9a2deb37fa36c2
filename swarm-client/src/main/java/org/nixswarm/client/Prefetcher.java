package org.nixswarm.client;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.nixswarm.client.cache.NarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads started before Nix asks for the file. Nix asks for the narinfos of a whole closure
 * first and then for the files, one after another: up to {@link #RUNNING} prefetches run at once
 * and up to {@link #QUEUED} more wait their turn, in the order Nix asked, so the files are there
 * when Nix gets to them. Both bounds cap what a burst of narinfo queries that is never followed by
 * downloads (a dry run) can cost.
 */
final class Prefetcher {
    private static final Logger LOG = LoggerFactory.getLogger(Prefetcher.class);
    static final int RUNNING = 16;
    static final int QUEUED = 64;

    private final Function<Resolution, NarFile> download;
    private final Predicate<String> needed;
    private final java.util.concurrent.Executor callbacks;
    private final LinkedHashMap<String, Resolution> queue = new LinkedHashMap<>();
    private int running;

    /**
     * {@code needed}: whether a file (by name) is neither complete nor being downloaded.
     * {@code callbacks} runs the next prefetch when one ends: never on the thread that completed the
     * file, which may hold the file's monitor while the next start takes the cache's lock (the
     * reverse of eviction's order).
     */
    Prefetcher(Function<Resolution, NarFile> download, Predicate<String> needed, java.util.concurrent.Executor callbacks) {
        this.download = download;
        this.needed = needed;
        this.callbacks = callbacks;
    }

    /** Starts or queues the download; false if both bounds are reached (or it is queued already). */
    boolean offer(Resolution r) {
        synchronized (this) {
            if (running >= RUNNING) {
                String name = r.narinfo().fileName();
                if (queue.size() >= QUEUED || queue.containsKey(name)) return false;
                queue.put(name, r);
                return true;
            }
            running++;
        }
        start(r);
        return true;
    }

    synchronized int queued() {
        return queue.size();
    }

    private void start(Resolution r) {
        try {
            download.apply(r).completion().whenCompleteAsync((ok, err) -> finished(), callbacks);
        } catch (RuntimeException e) {
            LOG.debug("prefetch of {}: {}", r.narinfo().fileName(), e.getMessage());
            finished();
        }
    }

    private void finished() {
        Resolution next = null;
        synchronized (this) {
            running--;
            for (Iterator<Resolution> it = queue.values().iterator(); it.hasNext() && next == null; ) {
                Resolution c = it.next();
                it.remove();
                // Nix may have asked for it meanwhile, or it was evicted and is wanted again: only if still needed
                if (needed.test(c.narinfo().fileName())) next = c;
            }
            if (next != null) running++;
        }
        if (next != null) start(next);
    }
}
