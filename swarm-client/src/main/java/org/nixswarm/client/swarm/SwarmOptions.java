package org.nixswarm.client.swarm;

import java.net.InetAddress;
import java.time.Duration;

/**
 * How the client takes part in swarms. Defaults are the tuned ones: MSE off (it costs about 3 s per
 * first connection in Bt 1.10), 1 ms message processing interval and 32 pieces in flight per peer
 * (about 100 MiB/s on loopback instead of 7).
 */
public record SwarmOptions(InetAddress bindAddress, int peerPort, boolean mse, long maxUploadBytesPerSecond,
                           long maxDownloadBytesPerSecond, Duration peerDiscoveryInterval) {

    public static SwarmOptions loopback(int peerPort) {
        return new SwarmOptions(InetAddress.getLoopbackAddress(), peerPort, false, 0, 0, Duration.ofSeconds(1));
    }

    public SwarmOptions withRates(long up, long down) {
        return new SwarmOptions(bindAddress, peerPort, mse, up, down, peerDiscoveryInterval);
    }
}
