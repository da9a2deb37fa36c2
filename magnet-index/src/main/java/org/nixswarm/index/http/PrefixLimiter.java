package org.nixswarm.index.http;

import java.net.InetAddress;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address for {@code /v1/prefix}, spent by the entries each answer
 * returns: the prefix endpoint is the private way to look a path up, but also the most expensive
 * one (a 16-bit prefix of 10 M paths returns about 150 lines), and short prefixes repeated would
 * copy the whole index. A client short of tokens gets 429 until it has one again.
 */
public final class PrefixLimiter {
    /** Defaults: bursts of 200,000 entries, 20,000 entries/s (130 sixteen-bit lookups/s on 10 M paths). */
    public static final int DEFAULT_BURST = 200_000;
    public static final double DEFAULT_PER_SECOND = 20_000;

    private final ClientBuckets buckets;
    private final int capacity;
    private final double perSecond;
    private final LongSupplier nanoClock;

    /**
     * @param capacity entries a client may receive in a burst
     * @param perSecond entries per second in the long run
     */
    public PrefixLimiter(int capacity, double perSecond, LongSupplier nanoClock) {
        this.buckets = new ClientBuckets(capacity, perSecond, nanoClock);
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    /** A limiter of the same sizes with buckets of its own (bundle directories: they must not spend the lookups' budget). */
    PrefixLimiter sibling() {
        return new PrefixLimiter(capacity, perSecond, nanoClock);
    }

    public PrefixLimiter(int capacity, double perSecond) {
        this(capacity, perSecond, System::nanoTime);
    }

    public static PrefixLimiter defaults() {
        return new PrefixLimiter(DEFAULT_BURST, DEFAULT_PER_SECOND);
    }

    /** Seconds until this client may ask for a prefix again (0: now). */
    public long retryAfterSeconds(InetAddress client) {
        return buckets.retryAfterSeconds(client);
    }

    /** Charges the entries an answer returned. */
    public void served(InetAddress client, int entries) {
        buckets.spend(client, entries);
    }
}
