package org.nixswarm.tracker;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters for {@code GET /metrics}, in the Prometheus text format (version 0.0.4). Counters are
 * {@link LongAdder}s so that I/O threads never contend on one cache line.
 */
public final class TrackerMetrics {
    /** Which wire a request came over. */
    public enum Transport { HTTP, UDP }

    private final LongAdder[] announces = adders(2);
    private final LongAdder[] scrapes = adders(2);
    private final LongAdder connects = new LongAdder();
    private final LongAdder[] errors = adders(ErrorKind.values().length);
    private final LongAdder expired = new LongAdder();
    private volatile int allowListSize = -1;

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) a[i] = new LongAdder();
        return a;
    }

    public void announce(Transport t) {
        announces[t.ordinal()].increment();
    }

    public void scrape(Transport t) {
        scrapes[t.ordinal()].increment();
    }

    public void connect() {
        connects.increment();
    }

    public void error(ErrorKind kind) {
        errors[kind.ordinal()].increment();
    }

    void expired(int peers) {
        expired.add(peers);
    }

    void allowListSize(int n) {
        allowListSize = n;
    }

    public long announces(Transport t) {
        return announces[t.ordinal()].sum();
    }

    public long scrapes(Transport t) {
        return scrapes[t.ordinal()].sum();
    }

    public long connects() {
        return connects.sum();
    }

    public long errors(ErrorKind kind) {
        return errors[kind.ordinal()].sum();
    }

    /** The exposition text, with gauges taken from {@code stats}. */
    public String render(SwarmStore.Stats stats) {
        StringBuilder b = new StringBuilder(2048);
        gauge(b, "nixswarm_tracker_swarms", "Swarms (torrents) with at least one peer.", stats.swarms());
        gauge(b, "nixswarm_tracker_seeders", "Peers that have the whole torrent.", stats.seeders());
        gauge(b, "nixswarm_tracker_leechers", "Peers still downloading.", stats.leechers());
        gauge(b, "nixswarm_tracker_downloads", "Completed events counted over the swarms present.", stats.downloaded());
        if (allowListSize >= 0) gauge(b, "nixswarm_tracker_allowlist_size", "Infohashes the plan allows.", allowListSize);
        header(b, "nixswarm_tracker_announces_total", "Announces answered.", "counter");
        for (Transport t : Transport.values()) {
            labelled(b, "nixswarm_tracker_announces_total", "transport", t.name().toLowerCase(), announces[t.ordinal()].sum());
        }
        header(b, "nixswarm_tracker_scrapes_total", "Scrapes answered.", "counter");
        for (Transport t : Transport.values()) {
            labelled(b, "nixswarm_tracker_scrapes_total", "transport", t.name().toLowerCase(), scrapes[t.ordinal()].sum());
        }
        header(b, "nixswarm_tracker_udp_connects_total", "UDP connect requests answered.", "counter");
        b.append("nixswarm_tracker_udp_connects_total ").append(connects.sum()).append('\n');
        header(b, "nixswarm_tracker_expired_peers_total", "Peers forgotten for missing their announces.", "counter");
        b.append("nixswarm_tracker_expired_peers_total ").append(expired.sum()).append('\n');
        header(b, "nixswarm_tracker_errors_total", "Requests refused or only partly served, by kind.", "counter");
        for (ErrorKind k : ErrorKind.values()) {
            labelled(b, "nixswarm_tracker_errors_total", "kind", k.label(), errors[k.ordinal()].sum());
        }
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, long value) {
        header(b, name, help, "gauge");
        b.append(name).append(' ').append(value).append('\n');
    }

    private static void header(StringBuilder b, String name, String help, String type) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void labelled(StringBuilder b, String name, String label, String value, long n) {
        b.append(name).append('{').append(label).append("=\"").append(value).append("\"} ").append(n).append('\n');
    }
}
