package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;
import bt.tracker.Tracker;
import bt.tracker.TrackerRequestBuilder;
import bt.tracker.TrackerResponse;
import java.net.InetAddress;
import org.nixswarm.client.swarm.AnnounceEvents.Event;

/**
 * Bt's tracker interface, mapped onto one announce per event, and who announces (peer id, port,
 * address, peers wanted, the transfer figures): what the HTTP and UDP clients share.
 */
abstract class AnnouncingTracker implements Tracker {
    final byte[] peerId;
    final int port;
    final InetAddress announcedIp;
    final int numWant;
    final AnnounceStats stats;
    final AnnounceEvents events = new AnnounceEvents();

    AnnouncingTracker(byte[] peerId, int port, InetAddress announcedIp, int numWant, AnnounceStats stats) {
        this.peerId = peerId.clone();
        this.port = port;
        this.announcedIp = announcedIp;
        this.numWant = numWant;
        this.stats = stats;
    }

    /** One announce; {@code want} is the peers asked for (null: the tracker's default). */
    abstract TrackerResponse announce(TorrentId torrent, Event event, Integer want);

    @Override
    public final TrackerRequestBuilder request(TorrentId torrentId) {
        return new TrackerRequestBuilder(torrentId) {
            @Override
            public TrackerResponse start() {
                return announce(torrentId, Event.STARTED, getNumWant());
            }

            @Override
            public TrackerResponse stop() {
                return announce(torrentId, Event.STOPPED, 0);
            }

            @Override
            public TrackerResponse complete() {
                return announce(torrentId, Event.COMPLETED, getNumWant());
            }

            @Override
            public TrackerResponse query() {
                return announce(torrentId, Event.NONE, getNumWant());
            }
        };
    }
}
