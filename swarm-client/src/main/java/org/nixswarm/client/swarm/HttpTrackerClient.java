package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;
import bt.tracker.TrackerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import org.nixswarm.client.net.BlockingGet;
import org.nixswarm.client.swarm.AnnounceEvents.Event;

/**
 * One HTTP(S) tracker, announced to for every torrent of the runtime. Replaces Bt 1.10's
 * HttpTracker, whose single-connection Apache client fails every announce that overlaps another
 * ("Connection is still allocated") — with several bundles going at once that is most of them,
 * and Bt then waits a minute before asking that tracker again. Here every announce is an
 * independent request ({@link BlockingGet}, over the JDK's keep-alive pool). A tracker is a third
 * party: its answer is bounded in size ({@link #MAX_ANSWER}) and in time (three times the timeout
 * for the whole exchange), where reading the body whole with no limit let one that streamed for
 * ever hold the announce thread and fill the heap.
 *
 * <p>Reports real uploaded / downloaded / left; sends {@code completed} the first time {@code left}
 * reaches 0 after a start with something left. Never throws: every failure is a failed response
 * with a one-line message.
 */
final class HttpTrackerClient extends AnnouncingTracker {
    /** An answer's peers take 6-50 bytes each, for at most a few hundred peers. */
    static final int MAX_ANSWER = 1 << 20;
    private final String url;
    private final Duration timeout;
    private volatile byte[] trackerId;

    HttpTrackerClient(String url, Duration timeout, byte[] peerId, int port, InetAddress announcedIp, int numWant, AnnounceStats stats) {
        super(peerId, port, announcedIp, numWant, stats);
        this.url = url;
        this.timeout = timeout;
    }

    @Override
    TrackerResponse announce(TorrentId torrent, Event asked, Integer want) {
        AnnounceStats.Transfer t = stats.of(torrent);
        Event event = events.effective(torrent, asked, t.left());
        String target = url + (url.contains("?") ? "&" : "?") + query(torrent, event, want == null ? numWant : want, t);
        BlockingGet.Response r;
        try {
            r = BlockingGet.get(target, timeout, MAX_ANSWER);
        } catch (BlockingGet.TooLargeException e) {
            return TrackerResponse.failure("tracker " + url + " answered larger than " + MAX_ANSWER + " bytes");
        } catch (IOException e) {
            return TrackerResponse.failure("tracker " + url + " unreachable: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
        if (r.status() != 200) return TrackerResponse.failure("tracker " + url + " answered HTTP " + r.status());
        TrackerResponse answer = TrackerAnswerDecoder.decode(r.body(), url);
        if (answer.isSuccess()) {
            answer.getTrackerId().ifPresent(id -> trackerId = id);
            java.util.List<bt.net.Peer> peers = new java.util.ArrayList<>();
            answer.getPeers().forEach(peers::add);
            if (event != Event.STOPPED) stats.answered(torrent, peers);
            if (!stats.wanting(torrent)) answer.setPeers(java.util.List.of());
        }
        return answer;
    }

    private String query(TorrentId torrent, Event event, int want, AnnounceStats.Transfer t) {
        StringBuilder q = new StringBuilder(256);
        q.append("info_hash=").append(percent(torrent.getBytes()));
        q.append("&peer_id=").append(percent(peerId));
        q.append("&port=").append(port);
        q.append("&uploaded=").append(t.uploaded());
        q.append("&downloaded=").append(t.downloaded());
        q.append("&left=").append(t.left());
        q.append("&compact=1&numwant=").append(Math.max(0, want));
        if (event.http != null) q.append("&event=").append(event.http);
        if (announcedIp != null) q.append("&ip=").append(percent(announcedIp.getHostAddress().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        byte[] id = trackerId;
        if (id != null) q.append("&trackerid=").append(percent(id));
        return q.toString();
    }

    /** RFC 3986 percent-encoding of raw bytes (info hashes and peer ids are binary). */
    static String percent(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 3);
        for (byte x : bytes) {
            char c = (char) (x & 0xff);
            if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append(c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        events.clear();
    }

    @Override
    public String toString() {
        return "tracker " + url;
    }
}
