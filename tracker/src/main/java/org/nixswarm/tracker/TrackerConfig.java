package org.nixswarm.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the tracker can be told. Immutable; build one with {@link #builder()}. The defaults
 * bound memory: at most {@code maxSwarms × maxPeersPerSwarm} peers, about 60 bytes each.
 *
 * @param http where the HTTP announce/scrape/metrics server listens, or null for none
 * @param udp where the BEP 15 UDP server listens, or null for none
 * @param plan a plan directory whose {@code manifest.json} lists the only infohashes served, or null
 * @param interval the announce interval told to clients; peers expire after twice this
 * @param minInterval the minimum announce interval told to clients
 * @param defaultNumwant peers returned when the client does not say how many it wants
 * @param maxNumwant the cap on peers returned, whatever the client asks
 * @param maxPeersPerSwarm peers kept per swarm; new peers beyond it get answers but are not stored
 * @param maxSwarms swarms kept in total; announces that would create more are refused
 * @param trustIpParam whether the {@code ip} announce parameter replaces the source address
 * @param trustedProxies addresses whose {@code X-Forwarded-For} header names the real client
 * @param maxConnections open HTTP connections at most; more are closed as soon as accepted
 * @param idleTimeout HTTP connections that complete no request within this time are closed
 * @param maxHeaderBytes the largest request head (request line and headers) accepted
 * @param maxRequestLineBytes the largest request line accepted
 * @param planPollInterval how often the plan's manifest is checked for changes
 * @param ioThreads event loop threads; 0 means one per processor
 * @param clock the time source (tests use a manual one)
 */
public record TrackerConfig(
        InetSocketAddress http,
        InetSocketAddress udp,
        Path plan,
        Duration interval,
        Duration minInterval,
        int defaultNumwant,
        int maxNumwant,
        int maxPeersPerSwarm,
        int maxSwarms,
        boolean trustIpParam,
        List<InetAddress> trustedProxies,
        int maxConnections,
        Duration idleTimeout,
        int maxHeaderBytes,
        int maxRequestLineBytes,
        Duration planPollInterval,
        int ioThreads,
        TrackerClock clock) {

    public TrackerConfig {
        if (http == null && udp == null) throw new TrackerException("the tracker needs an HTTP or a UDP address");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(minInterval, "minInterval");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(planPollInterval, "planPollInterval");
        Objects.requireNonNull(clock, "clock");
        positive("interval", interval.toSeconds());
        positive("min interval", minInterval.toSeconds());
        if (minInterval.compareTo(interval) > 0) {
            throw new TrackerException("min interval (" + minInterval.toSeconds() + " s) must not exceed the interval ("
                    + interval.toSeconds() + " s)");
        }
        positive("default numwant", defaultNumwant + 1);
        positive("max numwant", maxNumwant);
        positive("max peers per swarm", maxPeersPerSwarm);
        positive("max swarms", maxSwarms);
        positive("idle timeout", idleTimeout.toMillis());
        positive("max connections", maxConnections);
        if (maxHeaderBytes < 256) throw new TrackerException("max header bytes must be at least 256, got " + maxHeaderBytes);
        if (maxRequestLineBytes < 128 || maxRequestLineBytes > maxHeaderBytes) {
            throw new TrackerException("max request line bytes must be between 128 and max header bytes, got "
                    + maxRequestLineBytes);
        }
        if (ioThreads < 0) throw new TrackerException("io threads must not be negative, got " + ioThreads);
    }

    private static void positive(String what, long v) {
        if (v <= 0) throw new TrackerException(what + " must be positive, got " + v);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.http = http;
        b.udp = udp;
        b.plan = plan;
        b.interval = interval;
        b.minInterval = minInterval;
        b.defaultNumwant = defaultNumwant;
        b.maxNumwant = maxNumwant;
        b.maxPeersPerSwarm = maxPeersPerSwarm;
        b.maxSwarms = maxSwarms;
        b.trustIpParam = trustIpParam;
        b.trustedProxies = trustedProxies;
        b.maxConnections = maxConnections;
        b.idleTimeout = idleTimeout;
        b.maxHeaderBytes = maxHeaderBytes;
        b.maxRequestLineBytes = maxRequestLineBytes;
        b.planPollInterval = planPollInterval;
        b.ioThreads = ioThreads;
        b.clock = clock;
        return b;
    }

    /** Peers that have not announced for this long are forgotten. */
    public long expiryMillis() {
        return interval.toMillis() * 2;
    }

    public static final class Builder {
        private InetSocketAddress http;
        private InetSocketAddress udp;
        private Path plan;
        private Duration interval = Duration.ofMinutes(30);
        private Duration minInterval = Duration.ofMinutes(15);
        private int defaultNumwant = 50;
        private int maxNumwant = 200;
        private int maxPeersPerSwarm = 10_000;
        private int maxSwarms = 1_000_000;
        private boolean trustIpParam;
        private List<InetAddress> trustedProxies = List.of();
        private int maxConnections = 20_000;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxHeaderBytes = 8192;
        private int maxRequestLineBytes = 4096;
        private Duration planPollInterval = Duration.ofSeconds(5);
        private int ioThreads;
        private TrackerClock clock = TrackerClock.SYSTEM;

        public Builder http(InetSocketAddress v) { http = v; return this; }
        public Builder udp(InetSocketAddress v) { udp = v; return this; }
        public Builder plan(Path v) { plan = v; return this; }
        public Builder interval(Duration v) { interval = v; return this; }
        public Builder minInterval(Duration v) { minInterval = v; return this; }
        public Builder defaultNumwant(int v) { defaultNumwant = v; return this; }
        public Builder maxNumwant(int v) { maxNumwant = v; return this; }
        public Builder maxPeersPerSwarm(int v) { maxPeersPerSwarm = v; return this; }
        public Builder maxSwarms(int v) { maxSwarms = v; return this; }
        public Builder trustIpParam(boolean v) { trustIpParam = v; return this; }
        public Builder trustedProxies(List<InetAddress> v) { trustedProxies = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder maxHeaderBytes(int v) { maxHeaderBytes = v; return this; }
        public Builder maxRequestLineBytes(int v) { maxRequestLineBytes = v; return this; }
        public Builder planPollInterval(Duration v) { planPollInterval = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        public Builder clock(TrackerClock v) { clock = v; return this; }

        public TrackerConfig build() {
            return new TrackerConfig(http, udp, plan, interval, minInterval, defaultNumwant, maxNumwant,
                    maxPeersPerSwarm, maxSwarms, trustIpParam, trustedProxies, maxConnections, idleTimeout, maxHeaderBytes,
                    maxRequestLineBytes, planPollInterval, ioThreads, clock);
        }
    }
}
