package org.nixswarm.client.volunteer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.swarm.BundleLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volunteer mode ({@code --seed-budget}): every interval, scrape the trackers for the plan's
 * bundles, seed the least-seeded ones that fit in the budget (downloaded whole), and move on when
 * a clearly less-seeded bundle appears, so every bundle keeps copies as nodes come and go.
 *
 * <p>The budget is its own bound, not a share of {@code --cache-size}: a seeded bundle's files are
 * held in the cache's seed budget ({@link org.nixswarm.client.cache.NarCache#holdForSeeding}), where
 * LRU eviction does not touch them, and released to the LRU when the volunteer leaves the bundle.
 */
public final class Volunteer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Volunteer.class);

    private final SwarmClient client;
    private final SeedPlan plan;
    private final List<String> trackers;
    private final SeedChooser chooser;
    private final Scraper scraper;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nix-swarm-volunteer");
        t.setDaemon(true);
        return t;
    });

    public Volunteer(SwarmClient client, SeedPlan plan, List<String> extraTrackers, long budget, Duration timeout) {
        this.client = client;
        this.plan = plan;
        LinkedHashSet<String> all = new LinkedHashSet<>(plan.trackers());
        all.addAll(extraTrackers);
        this.trackers = List.copyOf(all);
        this.chooser = new SeedChooser(budget, 2);
        client.cache().setSeedBudget(budget);
        this.scraper = new Scraper(timeout);
    }

    /** Evaluates now, then every {@code interval}. */
    public Volunteer start(Duration interval) {
        timer.scheduleWithFixedDelay(this::evaluateQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The bundles being seeded (or downloaded to be seeded). */
    public Set<String> held() {
        return Set.copyOf(held);
    }

    private void evaluateQuietly() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            LOG.warn("volunteer round failed: {}", e.getMessage());
        }
    }

    /** One round: scrape, choose, start and stop bundles. Returns the chosen set. */
    public synchronized Set<String> evaluate() {
        List<String> hashes = new ArrayList<>();
        for (SeedPlan.Bundle b : plan.bundles()) hashes.add(b.infohash());
        Map<String, Integer> seeders = new HashMap<>();
        int answered = 0;
        for (String t : trackers) {
            try {
                // many trackers: a bundle's copies are the most any one of them saw (they overlap)
                scraper.seeders(t, hashes).forEach((ih, n) -> seeders.merge(ih, n, Math::max));
                answered++;
            } catch (IOException e) {
                LOG.warn("scrape of {} failed: {}", t, e.getMessage());
            }
        }
        if (answered == 0) {
            LOG.warn("no tracker answered the scrape; keeping the {} bundles seeded", held.size());
            return held();
        }
        Set<String> chosen = chooser.choose(plan.bundles(), seeders, held);
        for (String ih : held) {
            if (!chosen.contains(ih)) {
                LOG.info("volunteer: leaving bundle {} ({} seeders)", ih, seeders.getOrDefault(ih, 0));
                leave(ih);
            }
        }
        // holds saved by an earlier run for bundles this run does not seed
        for (String ih : client.cache().seedingBundles()) {
            if (!chosen.contains(ih) && !held.contains(ih)) client.cache().releaseSeeding(ih);
        }
        for (SeedPlan.Bundle b : plan.bundles()) {
            if (!chosen.contains(b.infohash()) || held.contains(b.infohash())) continue;
            try {
                byte[] torrent = plan.torrent(b);
                LOG.info("volunteer: seeding bundle {} ({} bytes, {} seeders)", b.infohash(), b.totalSize(), seeders.getOrDefault(b.infohash(), 0));
                held.add(b.infohash());
                client.cache().holdForSeeding(b.infohash(), files(torrent));
                client.seedBundle(torrent).whenComplete((ok, err) -> {
                    if (err != null) {
                        // let the next round choose again (possibly the same bundle, once its sources are back)
                        LOG.warn("volunteer: bundle {} failed: {}", b.infohash(), err.getMessage());
                        leave(b.infohash());
                    } else LOG.info("volunteer: bundle {} complete, seeding", b.infohash());
                });
            } catch (IOException | RuntimeException e) {
                leave(b.infohash());
                LOG.warn("volunteer: cannot seed bundle {}: {}", b.infohash(), e.getMessage());
            }
        }
        return held();
    }

    private void leave(String infohash) {
        held.remove(infohash);
        client.stopSeeding(infohash);
        client.cache().releaseSeeding(infohash);
    }

    /** The real files of a bundle, by cache name, with their sizes (pad files take no disk). */
    static Map<String, Long> files(byte[] torrent) {
        Map<String, Long> out = new HashMap<>();
        for (BundleLayout.Entry e : BundleLayout.parse(torrent).entries()) if (!e.pad()) out.put(e.fileName(), e.size());
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
