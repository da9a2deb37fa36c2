package org.nixswarm.index.http;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Counters and gauges, printed in the Prometheus text format (version 0.0.4). */
public final class IndexMetrics {
    private static final int STATUSES = 600;
    /** Per endpoint, a counter per status code (created on first use): no key built per request. */
    private final Map<String, AtomicReferenceArray<LongAdder>> requests = new ConcurrentHashMap<>();
    private final LongAdder rateLimited = new LongAdder();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

    public void request(String endpoint, int status) {
        if (status < 0 || status >= STATUSES) throw new IllegalArgumentException("HTTP status " + status);
        AtomicReferenceArray<LongAdder> byStatus = requests.get(endpoint);
        if (byStatus == null) byStatus = requests.computeIfAbsent(endpoint, e -> new AtomicReferenceArray<>(STATUSES));
        LongAdder a = byStatus.get(status);
        if (a == null) {
            byStatus.compareAndSet(status, null, new LongAdder());
            a = byStatus.get(status);
        }
        a.increment();
    }

    public void rateLimited() {
        rateLimited.increment();
    }

    /** A value read at each scrape: entries served, segments, rejected entries. */
    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    public long requests(String endpoint, int status) {
        AtomicReferenceArray<LongAdder> byStatus = requests.get(endpoint);
        if (byStatus == null || status < 0 || status >= STATUSES) return 0;
        LongAdder a = byStatus.get(status);
        return a == null ? 0 : a.sum();
    }

    public String render() {
        StringBuilder b = new StringBuilder(1024);
        b.append("# HELP nixswarm_index_requests_total HTTP requests by endpoint and status.\n");
        b.append("# TYPE nixswarm_index_requests_total counter\n");
        new TreeMap<>(requests).forEach((endpoint, byStatus) -> {
            for (int status = 0; status < STATUSES; status++) {
                long n = requests(endpoint, status);
                if (n == 0) continue;
                b.append("nixswarm_index_requests_total{endpoint=\"").append(endpoint).append("\",status=\"")
                        .append(status).append("\"} ").append(n).append('\n');
            }
        });
        b.append("# HELP nixswarm_index_rate_limited_total Requests refused with 429 after too many failed lookups.\n");
        b.append("# TYPE nixswarm_index_rate_limited_total counter\n");
        b.append("nixswarm_index_rate_limited_total ").append(rateLimited.sum()).append('\n');
        gauges.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            b.append("# TYPE ").append(e.getKey()).append(" gauge\n");
            b.append(e.getKey()).append(' ').append(e.getValue().getAsLong()).append('\n');
        });
        return b.toString();
    }
}
