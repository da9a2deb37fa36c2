package org.nixswarm.planner.sim;

/**
 * One simulated hour. Bytes are FileSize bytes (compressed NARs). Client bytes are what Nix asked
 * for; fill bytes are what volunteers downloaded to start seeding a bundle.
 *
 * @param zeroSeederBundles bundles with no online complete seeder at the end of the hour
 * @param noHolderFiles     file requests for which no online peer held the file at all
 */
public record HourStats(int hour, long peerBytes, long originBytes, long fillPeerBytes, long fillOriginBytes,
        long files, long noHolderFiles, int onlinePeers, int onlineVolunteers, int zeroSeederBundles) {

    public long requestedBytes() {
        return peerBytes + originBytes;
    }
}
