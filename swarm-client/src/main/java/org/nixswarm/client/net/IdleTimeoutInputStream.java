package org.nixswarm.client.net;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP response body that fails when no byte arrives for {@code idle}. {@code java.net.http}'s
 * request timeout only covers the response headers: a server that stops sending mid-body would
 * otherwise block the reader forever. A watchdog closes the underlying stream (which wakes a
 * blocked read) and the read then throws instead of reporting a clean end of file.
 */
public final class IdleTimeoutInputStream extends FilterInputStream {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nix-swarm-body-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final long idleNanos;
    private final String what;
    private final ScheduledFuture<?> check;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean timedOut;

    public IdleTimeoutInputStream(InputStream in, Duration idle, String what) {
        super(in);
        this.idleNanos = idle.toNanos();
        this.what = what;
        long period = Math.max(10, idle.toMillis() / 4);
        this.check = WATCHDOG.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private void check() {
        if (System.nanoTime() - lastActivity < idleNanos) return;
        timedOut = true;
        check.cancel(false);
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // the read that is woken up reports the timeout
        }
    }

    private int seen(int n) throws IOException {
        if (timedOut) throw new SocketTimeoutException(what + ": no data for " + idleNanos / 1_000_000 + " ms");
        if (n > 0) lastActivity = System.nanoTime();
        return n;
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = in.read();
        } catch (IOException e) {
            seen(0);
            throw e;
        }
        if (b < 0) return seen(-1);
        seen(1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            seen(0);
            throw e;
        }
        return seen(n);
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        in.close();
    }
}
