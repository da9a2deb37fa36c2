package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which event an announce carries, shared by the HTTP and UDP tracker clients: Bt only ever asks
 * for started, stopped or a plain query, so {@code completed} is sent here, the first time
 * {@code left} reaches 0 after an announce with something left.
 */
final class AnnounceEvents {
    enum Event {
        NONE(null, 0), COMPLETED("completed", 1), STARTED("started", 2), STOPPED("stopped", 3);

        /** The HTTP {@code event} value (none for a plain announce). */
        final String http;
        /** The BEP 15 event number. */
        final int udp;

        Event(String http, int udp) {
            this.http = http;
            this.udp = udp;
        }
    }

    private final Map<TorrentId, Long> lastLeft = new ConcurrentHashMap<>();

    Event effective(TorrentId torrent, Event asked, long left) {
        Event event = asked;
        if (event == Event.NONE) {
            Long before = lastLeft.get(torrent);
            if (left == 0 && before != null && before > 0) event = Event.COMPLETED;
        }
        if (event == Event.STOPPED) lastLeft.remove(torrent);
        else lastLeft.put(torrent, left);
        return event;
    }

    void clear() {
        lastLeft.clear();
    }
}
