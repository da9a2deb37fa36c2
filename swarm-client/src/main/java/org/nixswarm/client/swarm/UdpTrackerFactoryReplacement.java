package org.nixswarm.client.swarm;

import bt.runtime.Config;
import bt.service.IdentityService;
import bt.torrent.TorrentRegistry;
import bt.tracker.Tracker;
import bt.tracker.udp.UdpTrackerFactory;
import com.google.inject.Inject;

/**
 * Stands in for Bt's own {@code udp} tracker factory, which Bt's core module registers under
 * {@code "udp"} (a second registration of that key is refused), so that {@code udp://} URLs get
 * our {@link UdpTrackerClient} too.
 */
final class UdpTrackerFactoryReplacement extends UdpTrackerFactory {
    private final TrackerClientFactory ours;

    @Inject
    UdpTrackerFactoryReplacement(IdentityService identity, TorrentRegistry registry, Config config, TrackerClientFactory ours) {
        super(identity, registry, config);
        this.ours = ours;
    }

    @Override
    public Tracker getTracker(String trackerUrl) {
        return ours.getTracker(trackerUrl);
    }
}
