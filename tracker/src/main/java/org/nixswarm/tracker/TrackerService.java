package org.nixswarm.tracker;

import java.util.function.Supplier;

/**
 * What both transports share: the allow-list check, numwant policy, the store and the metrics.
 * Transports decode requests, call this, and encode what it fills in.
 */
public final class TrackerService {
    private final TrackerConfig config;
    private final SwarmStore store;
    private final TrackerMetrics metrics;
    private final Supplier<AllowList> allowList;

    public TrackerService(TrackerConfig config, SwarmStore store, TrackerMetrics metrics, Supplier<AllowList> allowList) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.allowList = allowList;
    }

    public TrackerConfig config() {
        return config;
    }

    public SwarmStore store() {
        return store;
    }

    public TrackerMetrics metrics() {
        return metrics;
    }

    public int intervalSeconds() {
        return (int) config.interval().toSeconds();
    }

    public int minIntervalSeconds() {
        return (int) config.minInterval().toSeconds();
    }

    /** A selection buffer for the calling thread, large enough for the numwant cap. */
    public PeerSelection selection() {
        return PeerSelection.forThread(config.maxNumwant());
    }

    /** Refuses infohashes outside the plan, if a plan was given. */
    public void checkAllowed(byte[] infoHash) {
        if (allowList == null) return;
        if (!allowList.get().contains(infoHash)) {
            throw new RequestRefused(ErrorKind.NOT_ALLOWED,
                    "info_hash " + AllowList.hex(infoHash) + " is not a bundle of the plan this tracker serves");
        }
    }

    /**
     * Records an announce from {@code address} (4 or 16 bytes) and selects peers into {@code out}.
     *
     * @throws RequestRefused if the infohash is not allowed or the swarm limit is reached
     */
    public void announce(AnnounceRequest r, byte[] address, boolean bothFamilies, PeerSelection out,
            TrackerMetrics.Transport transport) {
        checkAllowed(r.infoHash());
        int want = Math.min(r.numwant() < 0 ? config.defaultNumwant() : r.numwant(), config.maxNumwant());
        if (r.event() == Event.STOPPED) want = 0;
        SwarmStore.Outcome outcome = store.announce(r.infoHash(), r.peerId(), address, r.port(), r.seeder(),
                r.event(), want, bothFamilies, out);
        if (outcome == SwarmStore.Outcome.SWARM_LIMIT) {
            throw new RequestRefused(ErrorKind.SWARM_LIMIT,
                    "tracker is full: it already tracks " + config.maxSwarms() + " swarms, try again later");
        }
        if (outcome == SwarmStore.Outcome.SWARM_FULL) metrics.error(ErrorKind.SWARM_FULL);
        metrics.announce(transport);
    }

    /** Scrape counts: complete, downloaded, incomplete. */
    public void scrape(byte[] infoHash, int[] out) {
        store.scrape(infoHash, out);
    }
}
