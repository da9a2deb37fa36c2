package org.nixswarm.index.http;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets keyed by client address. Only clients that spent something have a bucket, and
 * full buckets are dropped when the table grows, so a client that never spends costs one empty-map
 * check per request.
 */
final class ClientBuckets {
    private static final int MAX_TRACKED = 100_000;

    private final double capacity;
    private final double perSecond;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }
    }

    ClientBuckets(double capacity, double perSecond, LongSupplier nanoClock) {
        if (capacity < 1 || perSecond <= 0) throw new IllegalArgumentException("capacity and rate must be positive");
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    /** Seconds until this client has a token again (0: now). */
    long retryAfterSeconds(InetAddress client) {
        if (buckets.isEmpty()) return 0;
        Bucket b = buckets.get(client);
        if (b == null) return 0;
        synchronized (b) {
            refill(b);
            if (b.tokens >= 1) return 0;
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / perSecond));
        }
    }

    /** Spends {@code cost} tokens; the debt is bounded by the capacity, so a flood cannot lock out forever. */
    void spend(InetAddress client, double cost) {
        if (cost <= 0) return;
        if (buckets.size() > MAX_TRACKED) evictFull();
        Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(capacity, nanoClock.getAsLong()));
        synchronized (b) {
            refill(b);
            b.tokens = Math.max(b.tokens - cost, -capacity);
        }
    }

    private void refill(Bucket b) {
        long now = nanoClock.getAsLong();
        b.tokens = Math.min(capacity, b.tokens + (now - b.updated) / 1e9 * perSecond);
        b.updated = now;
    }

    private void evictFull() {
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                refill(e.getValue());
                return e.getValue().tokens >= capacity;
            }
        });
    }

    int tracked() {
        return buckets.size();
    }
}
