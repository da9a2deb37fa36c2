package org.nixswarm.index.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Counters and gauges, printed in the Prometheus text format (version 0.0.4). */
public final class IndexMetrics {
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder rateLimited = new LongAdder();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

    public void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
    }

    public void rateLimited() {
        rateLimited.increment();
    }

    /** A value read at each scrape: entries served, segments, rejected entries. */
    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    public long requests(String endpoint, int status) {
        LongAdder a = requests.get(endpoint + "\u0000" + status);
        return a == null ? 0 : a.sum();
    }

    public String render() {
        StringBuilder b = new StringBuilder(1024);
        b.append("# HELP nixswarm_index_requests_total HTTP requests by endpoint and status.\n");
        b.append("# TYPE nixswarm_index_requests_total counter\n");
        requests.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String[] k = e.getKey().split("\u0000");
            b.append("nixswarm_index_requests_total{endpoint=\"").append(k[0]).append("\",status=\"")
                    .append(k[1]).append("\"} ").append(e.getValue().sum()).append('\n');
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
