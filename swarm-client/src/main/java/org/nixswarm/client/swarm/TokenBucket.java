package org.nixswarm.client.swarm;

/** A byte-rate limit: {@link #take} blocks until the bytes fit in the rate; rate 0 means unlimited. */
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

    public void take(long bytes) {
        if (rate <= 0 || bytes <= 0) return;
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) * rate / 1e9);
            last = now;
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / rate);
        }
        if (waitNanos > 0) {
            try {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
