package org.nixswarm.index.http;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address, spent only by failed lookups: probing the index for store
 * paths it does not hold (to learn whether some private path exists somewhere) is an attack we
 * slow down, while clients that look up paths the index has are never limited.
 */
public final class FailedLookupLimiter {
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

    /**
     * @param capacity failed lookups allowed in a burst
     * @param perSecond failed lookups allowed per second in the long run
     */
    public FailedLookupLimiter(int capacity, double perSecond, LongSupplier nanoClock) {
        if (capacity < 1 || perSecond <= 0) throw new IllegalArgumentException("capacity and rate must be positive");
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    public FailedLookupLimiter(int capacity, double perSecond) {
        this(capacity, perSecond, System::nanoTime);
    }

    /** Seconds until this client may look up again (0: now). */
    public long retryAfterSeconds(InetAddress client) {
        Bucket b = buckets.get(client);
        if (b == null) return 0;
        synchronized (b) {
            refill(b);
            if (b.tokens >= 1) return 0;
            return (long) Math.ceil((1 - b.tokens) / perSecond);
        }
    }

    /** Spends one token for a failed lookup. */
    public void failed(InetAddress client) {
        if (buckets.size() > MAX_TRACKED) evictFull();
        Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(capacity, nanoClock.getAsLong()));
        synchronized (b) {
            refill(b);
            b.tokens = Math.max(b.tokens - 1, -capacity); // bounded debt: a flood cannot lock out forever
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
