package org.nixswarm.client.swarm;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.tracker.TrackerResponse;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.nixswarm.client.swarm.AnnounceEvents.Event;
import org.nixswarm.client.swarm.UdpTrackerMessages.Announced;
import org.nixswarm.client.swarm.UdpTrackerMessages.Answer;
import org.nixswarm.client.swarm.UdpTrackerMessages.Connected;
import org.nixswarm.client.swarm.UdpTrackerMessages.Refused;

/**
 * One UDP tracker (BEP 15), announced to for every torrent of the runtime, with the same
 * behaviour as {@link HttpTrackerClient}: real uploaded / downloaded / left, {@code completed}
 * when {@code left} reaches 0, the tracker's interval, its peers handed to the session. Replaces
 * Bt 1.10's UdpTracker, which reports none of that.
 *
 * <p>A connection id is used for at most its one-minute lifetime, then asked for again. A request
 * not answered is sent again after {@code base·2^n} (BEP 15: 15 s, doubling), up to
 * {@link Timing#retransmits()} times; {@code stopped} is sent only to a tracker that answered an
 * announce of the torrent, and tried once, briefly, since it holds up the session's close. Answers are matched by tracker address and transaction id. Never throws:
 * every failure is a failed response with a one-line message.
 */
final class UdpTrackerClient extends AnnouncingTracker {
    /** @param base the first wait (BEP 15: 15 s) @param retransmits how often a request is sent again (BEP 15 allows 8) */
    record Timing(Duration base, int retransmits, Duration connectionIdLifetime, Duration stopWait) {
        static Timing standard() {
            return new Timing(Duration.ofMillis(Long.getLong("nixswarm.udpTrackerBaseMs", 15_000)),
                    Integer.getInteger("nixswarm.udpTrackerRetransmits", 3), Duration.ofMinutes(1), Duration.ofSeconds(5));
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String url;
    private final String host;
    private final int trackerPort;
    private final Supplier<UdpTrackerSocket> socket;
    private final Timing timing;
    // torrents this tracker has answered an announce for: only those are worth a stopped event
    private final java.util.Set<TorrentId> announced = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final int key = RANDOM.nextInt();
    private final String badUrl;
    // the connection id and when it stops being usable (System.nanoTime), for the one address it came from
    private long connectionId;
    private long connectionIdExpires;
    private InetSocketAddress connectionIdFrom;

    UdpTrackerClient(String url, Supplier<UdpTrackerSocket> socket, Timing timing, byte[] peerId, int port, InetAddress announcedIp,
                     int numWant, AnnounceStats stats) {
        super(peerId, port, announcedIp, numWant, stats);
        this.url = url;
        this.socket = socket;
        this.timing = timing;
        String h = null, bad = null;
        int p = -1;
        try {
            URI u = new URI(url);
            h = u.getHost();
            p = u.getPort();
            if (!"udp".equalsIgnoreCase(u.getScheme())) bad = "not a udp:// URL";
            else if (h == null) bad = "no host";
            else if (p <= 0 || p > 65535) bad = "no port";
        } catch (URISyntaxException e) {
            bad = e.getMessage();
        }
        if (h != null && h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        this.host = h;
        this.trackerPort = p;
        this.badUrl = bad;
    }

    /** A failure of one announce, with the message the failed response carries. */
    private static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    TrackerResponse announce(TorrentId torrent, Event asked, Integer want) {
        if (badUrl != null) return TrackerResponse.failure("tracker URL " + url + " is not usable: " + badUrl);
        AnnounceStats.Transfer t = stats.of(torrent);
        Event event = events.effective(torrent, asked, t.left());
        // a tracker that never heard of us needs no goodbye, and waiting for a dead one would hold up the close
        if (event == Event.STOPPED && !announced.remove(torrent)) return TrackerResponse.ok();
        InetSocketAddress tracker;
        try {
            tracker = new InetSocketAddress(InetAddress.getByName(host), trackerPort);
        } catch (UnknownHostException e) {
            return TrackerResponse.failure("tracker " + url + ": cannot resolve " + host);
        }
        // the runtime's socket, or (its shutdown under way: the last stopped events) one of our own
        UdpTrackerSocket shared = socket.get(), s = shared;
        int w = want == null ? numWant : want;
        Announced a;
        try {
            if (s == null) s = new UdpTrackerSocket();
            a = exchange(s, tracker, torrent, event, t, event == Event.STOPPED ? 0 : w);
        } catch (Failure f) {
            return TrackerResponse.failure("tracker " + url + " " + f.getMessage());
        } catch (java.net.SocketException e) {
            return TrackerResponse.failure("tracker " + url + ": no UDP socket: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return TrackerResponse.failure("announce to " + url + " interrupted");
        } finally {
            if (s != shared && s != null) s.close();
        }
        if (event != Event.STOPPED) announced.add(torrent);
        TrackerResponse r = TrackerResponse.ok();
        r.setInterval(a.interval());
        r.setLeecherCount(a.leechers());
        r.setSeederCount(a.seeders());
        List<Peer> peers = new ArrayList<>(a.peers());
        if (event != Event.STOPPED) stats.answered(torrent, peers);
        r.setPeers(stats.wanting(torrent) ? peers : List.of());
        return r;
    }

    /** Connect (unless a fresh connection id is at hand) and announce, retransmitting as BEP 15 says. */
    private Announced exchange(UdpTrackerSocket s, InetSocketAddress tracker, TorrentId torrent, Event event, AnnounceStats.Transfer t,
                               int want) throws Failure, InterruptedException {
        boolean stop = event == Event.STOPPED;
        int maxRetransmits = stop ? 0 : timing.retransmits();
        int n = 0;
        boolean retriedWithFreshId = false;
        while (true) {
            Long id = connectionId(tracker);
            if (id == null) {
                int tid = RANDOM.nextInt();
                Answer answer = ask(s, tracker, UdpTrackerMessages.connect(tid), tid, wait(n, stop));
                if (answer == null) {
                    if (++n > maxRetransmits) throw timedOut(s, tracker, "connect", n);
                    continue;
                }
                if (answer instanceof Refused r) throw new Failure("refused to connect: " + r.message());
                if (!(answer instanceof Connected c)) throw new Failure("answered a connect request with an announce answer");
                keep(tracker, c.connectionId());
                continue;
            }
            int tid = RANDOM.nextInt();
            byte[] packet = UdpTrackerMessages.announce(id, tid, torrent.getBytes(), peerId, t.downloaded(), t.left(), t.uploaded(),
                    event.udp, announcedIp, key, want, port);
            Answer answer = ask(s, tracker, packet, tid, wait(n, stop));
            if (answer == null) {
                // the connection id may expire meanwhile: the loop asks for a new one then
                if (++n > maxRetransmits) throw timedOut(s, tracker, "announce", n);
                continue;
            }
            if (answer instanceof Refused r) {
                // a tracker that restarted no longer knows our connection id: ask for a new one, once
                if (!retriedWithFreshId) {
                    retriedWithFreshId = true;
                    forgetConnectionId();
                    continue;
                }
                throw new Failure("refused the announce: " + r.message());
            }
            if (!(answer instanceof Announced a)) throw new Failure("answered an announce with a connect answer");
            return a;
        }
    }

    private Duration wait(int n, boolean stop) {
        Duration d = timing.base().multipliedBy(1L << Math.min(n, 8));
        return stop && d.compareTo(timing.stopWait()) > 0 ? timing.stopWait() : d;
    }

    /** Sends {@code packet} and waits for the answer with {@code tid}; null when none came in time. */
    private Answer ask(UdpTrackerSocket s, InetSocketAddress tracker, byte[] packet, int tid, Duration wait)
            throws Failure, InterruptedException {
        CompletableFuture<byte[]> answer = s.expect(tracker, tid);
        try {
            s.send(tracker, packet);
            byte[] got = answer.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            try {
                return UdpTrackerMessages.decode(got, got.length, tracker.getAddress() instanceof Inet6Address ? 16 : 4);
            } catch (IllegalArgumentException e) {
                throw new Failure("answered a malformed packet: " + e.getMessage());
            }
        } catch (IOException e) {
            throw new Failure("unreachable: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        } catch (TimeoutException | CancellationException e) {
            return null;
        } catch (ExecutionException e) {
            throw new Failure("failed: " + e.getCause());
        } finally {
            s.forget(tracker, tid);
        }
    }

    private Failure timedOut(UdpTrackerSocket s, InetSocketAddress tracker, String what, int attempts) {
        int ignored = s.ignoredFrom(tracker);
        return new Failure("did not answer the " + what + " request (" + attempts + (attempts == 1 ? " attempt" : " attempts")
                + ")" + (ignored > 0 ? "; " + ignored + " packet(s) from it ignored (wrong transaction id or too short)" : ""));
    }

    private synchronized Long connectionId(InetSocketAddress tracker) {
        if (connectionIdFrom == null || !connectionIdFrom.equals(tracker) || System.nanoTime() - connectionIdExpires >= 0) return null;
        return connectionId;
    }

    private synchronized void keep(InetSocketAddress tracker, long id) {
        connectionId = id;
        connectionIdFrom = tracker;
        connectionIdExpires = System.nanoTime() + timing.connectionIdLifetime().toNanos();
    }

    private synchronized void forgetConnectionId() {
        connectionIdFrom = null;
    }

    @Override
    public void close() {
        events.clear();
        announced.clear();
    }

    @Override
    public String toString() {
        return "tracker " + url;
    }
}
