package org.nixswarm.client.swarm;

import bt.runtime.Config;
import bt.service.IdentityService;
import bt.tracker.Tracker;
import bt.tracker.TrackerFactory;
import com.google.inject.Inject;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Bt's tracker factory for {@code http} and {@code https} announce URLs: one
 * {@link HttpTrackerClient} per URL, all sharing one pooled, thread-safe HTTP client.
 */
final class TrackerClientFactory implements TrackerFactory {
    private final IdentityService identity;
    private final Config config;
    private final AnnounceStats stats;
    private final HttpClient http;
    private final Duration timeout;

    @Inject
    TrackerClientFactory(IdentityService identity, Config config, AnnounceStats stats) {
        this.identity = identity;
        this.config = config;
        this.stats = stats;
        this.timeout = config.getTrackerTimeout() != null ? config.getTrackerTimeout() : Duration.ofSeconds(10);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public Tracker getTracker(String trackerUrl) {
        InetAddress bind = config.getAcceptorAddress();
        // a wildcard or loopback bind says nothing useful: the tracker takes the source address
        InetAddress ip = bind == null || bind.isAnyLocalAddress() || bind.isLoopbackAddress() ? null : bind;
        return new HttpTrackerClient(trackerUrl, http, timeout, identity.getLocalPeerId().getBytes(), config.getAcceptorPort(), ip,
                config.getNumberOfPeersToRequestFromTracker(), stats);
    }
}
