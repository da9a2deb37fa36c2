package org.nixswarm.client.swarm;

/**
 * A byte-rate limit; rate 0 means unlimited. {@link #take} blocks until the bytes fit in the rate
 * (for threads of their own: the web seed, the upstream). The message dispatcher's thread must
 * never sleep (it moves every peer's messages), so it {@link #charge}s instead, which may leave
 * the bucket in debt, and holds back more of that traffic until {@link #nanosUntilAvailable} is 0.
 */
public final class TokenBucket {
    private final long rate;
    private final long burst;
    private double tokens;
    private long last = System.nanoTime();

    public TokenBucket(long bytesPerSecond) {
        this.rate = bytesPerSecond;
        this.burst = Math.max(bytesPerSecond / 4, 64 * 1024);
        this.tokens = burst;
    }

    public boolean unlimited() {
        return rate <= 0;
    }

    /** Charges the bytes and sleeps until they fit in the rate. */
    public void take(long bytes) {
        charge(bytes);
        long waitNanos = nanosUntilAvailable();
        if (waitNanos > 0) {
            try {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Charges the bytes without waiting: the bucket may go into debt. */
    public void charge(long bytes) {
        if (rate <= 0 || bytes <= 0) return;
        synchronized (this) {
            refill(System.nanoTime());
            tokens -= bytes;
        }
    }

    /** 0 when the budget allows more bytes now; otherwise how long until it does. */
    public long nanosUntilAvailable() {
        if (rate <= 0) return 0;
        synchronized (this) {
            refill(System.nanoTime());
            return debtNanos();
        }
    }

    private long debtNanos() {
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1e9 / rate);
    }

    private void refill(long now) {
        tokens = Math.min(burst, tokens + (now - last) * rate / 1e9);
        last = now;
    }
}
