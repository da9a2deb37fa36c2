package org.nixswarm.client.swarm;

import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.service.IdentityService;
import bt.tracker.Tracker;
import bt.tracker.TrackerFactory;
import com.google.inject.Inject;
import java.net.InetAddress;
import java.net.SocketException;
import java.time.Duration;

/**
 * Bt's tracker factory for {@code http}, {@code https} and {@code udp} announce URLs: one
 * {@link HttpTrackerClient} per HTTP URL (connections kept alive in the JDK's pool), and one
 * {@link UdpTrackerClient} per UDP URL, all sharing one UDP socket (opened on first use, closed
 * with the runtime).
 */
final class TrackerClientFactory implements TrackerFactory {
    private final IdentityService identity;
    private final Config config;
    private final AnnounceStats stats;
    private final Duration timeout;
    private final UdpTrackerClient.Timing udpTiming = UdpTrackerClient.Timing.standard();
    private UdpTrackerSocket udp;
    private boolean closed;

    @Inject
    TrackerClientFactory(IdentityService identity, Config config, AnnounceStats stats, IRuntimeLifecycleBinder lifecycle) {
        this.identity = identity;
        this.config = config;
        this.stats = stats;
        this.timeout = config.getTrackerTimeout() != null ? config.getTrackerTimeout() : Duration.ofSeconds(10);
        lifecycle.onShutdown("Close the UDP tracker socket", this::closeUdp);
    }

    @Override
    public Tracker getTracker(String trackerUrl) {
        InetAddress bind = config.getAcceptorAddress();
        // a wildcard or loopback bind says nothing useful: the tracker takes the source address
        InetAddress ip = bind == null || bind.isAnyLocalAddress() || bind.isLoopbackAddress() ? null : bind;
        byte[] peerId = identity.getLocalPeerId().getBytes();
        if (trackerUrl.regionMatches(true, 0, "udp:", 0, 4)) {
            return new UdpTrackerClient(trackerUrl, this::udpSocket, udpTiming, peerId, config.getAcceptorPort(), ip,
                    config.getNumberOfPeersToRequestFromTracker(), stats);
        }
        return new HttpTrackerClient(trackerUrl, timeout, peerId, config.getAcceptorPort(), ip,
                config.getNumberOfPeersToRequestFromTracker(), stats);
    }

    /** The shared socket; null once the runtime shuts down (then each announce uses one of its own). */
    private synchronized UdpTrackerSocket udpSocket() {
        if (closed) return null;
        if (udp == null) {
            try {
                udp = new UdpTrackerSocket();
            } catch (SocketException e) {
                return null;
            }
        }
        return udp;
    }

    private synchronized void closeUdp() {
        closed = true;
        if (udp != null) udp.close();
        udp = null;
    }
}
