package org.nixswarm.tracker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the allow-list in step with a plan's manifest. Polls the file's modification time, size
 * and inode key (a planner that writes a new manifest and renames it over the old one changes the
 * key) rather than trusting file-system events, which miss renames on some file systems. A
 * manifest that is broken when re-read is reported and the previous list stays in force.
 */
final class PlanWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(PlanWatcher.class);

    private final Path manifest;
    private final TrackerMetrics metrics;
    private volatile AllowList current;
    private Object stamp;

    PlanWatcher(Path plan, TrackerMetrics metrics) {
        this.manifest = PlanManifest.manifestOf(plan);
        this.metrics = metrics;
        this.stamp = stamp();
        this.current = PlanManifest.read(manifest);
        metrics.allowListSize(current.size());
    }

    AllowList current() {
        return current;
    }

    /** Re-reads the manifest if it changed; returns whether a new list is in force. */
    synchronized boolean poll() {
        Object now = stamp();
        if (now == null || now.equals(stamp)) return false;
        try {
            AllowList fresh = PlanManifest.read(manifest);
            stamp = now;
            current = fresh;
            metrics.allowListSize(fresh.size());
            LOG.info("{}: reloaded, {} bundles", manifest, fresh.size());
            return true;
        } catch (TrackerException e) {
            stamp = now;
            metrics.error(ErrorKind.PLAN_RELOAD);
            LOG.warn("{} (keeping the previous {} bundles)", e.getMessage(), current.size());
            return false;
        }
    }

    private Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(manifest, BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
