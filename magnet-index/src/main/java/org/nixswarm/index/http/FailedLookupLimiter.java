package org.nixswarm.index.http;

import java.net.InetAddress;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address, spent only by failed lookups: probing the index for store
 * paths it does not hold (to learn whether some private path exists somewhere) is an attack we
 * slow down, while clients that look up paths the index has are never limited.
 */
public final class FailedLookupLimiter {
    private final ClientBuckets buckets;

    /**
     * @param capacity failed lookups allowed in a burst
     * @param perSecond failed lookups allowed per second in the long run
     */
    public FailedLookupLimiter(int capacity, double perSecond, LongSupplier nanoClock) {
        this.buckets = new ClientBuckets(capacity, perSecond, nanoClock);
    }

    public FailedLookupLimiter(int capacity, double perSecond) {
        this(capacity, perSecond, System::nanoTime);
    }

    /** Seconds until this client may look up again (0: now). */
    public long retryAfterSeconds(InetAddress client) {
        return buckets.retryAfterSeconds(client);
    }

    /** Spends one token for a failed lookup. */
    public void failed(InetAddress client) {
        buckets.spend(client, 1);
    }

    int tracked() {
        return buckets.tracked();
    }
}
