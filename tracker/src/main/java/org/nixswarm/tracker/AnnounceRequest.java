package org.nixswarm.tracker;

/**
 * One announce, whichever transport it came over, already validated.
 *
 * @param infoHash 20 bytes
 * @param peerId 20 bytes
 * @param port 1 to 65535
 * @param numwant peers wanted, or -1 for the tracker's default
 * @param ip the address the client asked to be announced as (4 or 16 bytes), or null
 * @param key the client's key, kept for logs only: peers are identified by address and port
 */
public record AnnounceRequest(
        byte[] infoHash,
        byte[] peerId,
        int port,
        long uploaded,
        long downloaded,
        long left,
        Event event,
        int numwant,
        boolean compact,
        boolean noPeerId,
        byte[] ip,
        String key) {

    public boolean seeder() {
        return left == 0;
    }
}
