package org.nixswarm.client.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small GET answered on the calling thread: index lookups, torrents, narinfos. The JDK's
 * {@code HttpClient} hands each exchange between its selector thread, its executor and the caller;
 * on a loaded 2-core machine a loopback lookup took 0.6-3 ms that way against 0.1-0.4 ms over a
 * blocking keep-alive connection ({@code HttpURLConnection}), and the lookup is on the path of
 * every narinfo Nix asks for. Bulk transfers (web seed, upstream files) stay on {@code HttpClient}.
 */
public final class BlockingGet {
    /** Status and the whole body (for 2xx) or the first bytes of it (for errors). */
    public record Response(int status, byte[] body) {}

    private BlockingGet() {}

    /** Bytes of an error page read to leave its connection reusable; a larger one costs the connection. */
    static final int MAX_ERROR_DRAIN = 64 << 10;
    private static final int ERROR_KEPT = 512;

    /**
     * One timer thread for all exchanges, alive only while some exchange is running: an exchange
     * that reaches its deadline is disconnected, which wakes a read blocked in the headers or the
     * body. The disconnect runs on a thread of its own: closing a body stream can wait for a read
     * in progress (up to the read timeout), and the timer must not wait with it.
     */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();
    private static final ThreadPoolExecutor DISCONNECTS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS,
            new SynchronousQueue<>(), daemon("nix-swarm-get-disconnect"));

    private static ScheduledThreadPoolExecutor deadlines() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, daemon("nix-swarm-get-deadline"));
        e.setRemoveOnCancelPolicy(true);
        e.setKeepAliveTime(1, TimeUnit.SECONDS);
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * GETs {@code url}; connect and each read time out after {@code timeout}, the whole exchange
     * (connect, headers, body) after three times that, and a body over {@code maxBody} bytes is an
     * error (never a hang, never unbounded memory). An error answer's page is read (up to
     * {@link #MAX_ERROR_DRAIN} bytes, its start kept for the message) so that its keep-alive
     * connection carries the next request.
     */
    public static Response get(String url, Duration timeout, int maxBody) throws IOException {
        return get(url, timeout, maxBody, null);
    }

    /**
     * Answers larger than {@code threshold} bytes, of which at most {@code permits} are read at a
     * time: a cap per answer must allow the largest honest answer (a prefix bucket of a huge index),
     * but that many at once on every lookup thread is the heap of a hostile server's choosing.
     */
    public static final class LargeAnswers {
        private final int threshold;
        private final java.util.concurrent.Semaphore permits;

        public LargeAnswers(int threshold, int permits) {
            this.threshold = threshold;
            this.permits = new java.util.concurrent.Semaphore(permits);
        }

        /** Large answers that may start being read now (for tests). */
        int available() {
            return permits.availablePermits();
        }
    }

    /** As {@link #get(String, Duration, int)}; past {@code large}'s threshold the read needs one of its permits, or fails. */
    public static Response get(String url, Duration timeout, int maxBody, LargeAnswers large) throws IOException {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) httpUri(url).toURL().openConnection(Proxy.NO_PROXY);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad URL " + url + ": " + e.getMessage(), e);
        }
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        c.setConnectTimeout(ms);
        c.setReadTimeout(ms);
        c.setUseCaches(false);
        long wholeMs = timeout.toMillis() * 3;
        // the read timeout is per read: a server sending a byte now and then (in its headers or
        // its body) would hold the caller for ever without this deadline on the whole exchange
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            expired.set(true);
            DISCONNECTS.execute(c::disconnect);
        }, Math.max(1, wholeMs), TimeUnit.MILLISECONDS);
        boolean reusable = false;
        boolean[] holdsLarge = new boolean[1];
        try {
            int status = c.getResponseCode();
            if (status < 0) throw new IOException(url + ": not an HTTP answer");
            if (status >= 400) {
                InputStream err = c.getErrorStream();
                if (err == null) {
                    reusable = true; // no body: nothing left on the connection
                    return new Response(status, new byte[0]);
                }
                byte[] start = err.readNBytes(ERROR_KEPT);
                reusable = drain(err);
                return new Response(status, start);
            }
            byte[] body = read(c.getInputStream(), url, maxBody, large, holdsLarge);
            // HttpURLConnection ends a fixed-length body cut short as if it were complete
            long declared = c.getContentLengthLong();
            if (declared >= 0 && declared != body.length) {
                throw new IOException(url + ": answer cut short (" + body.length + " of " + declared + " bytes)");
            }
            reusable = true;
            return new Response(status, body);
        } catch (IOException e) {
            if (expired.get()) throw new SocketTimeoutException(url + ": no complete answer in " + wholeMs + " ms");
            if (e instanceof SocketTimeoutException) throw new SocketTimeoutException(url + ": no answer in " + ms + " ms");
            throw e;
        } catch (RuntimeException e) {
            // HttpURLConnection disconnected from another thread mid-exchange: not an IOException in every case
            if (expired.get()) throw new SocketTimeoutException(url + ": no complete answer in " + wholeMs + " ms");
            throw e;
        } finally {
            if (holdsLarge[0]) large.permits.release();
            deadline.cancel(false);
            // a connection left mid-body cannot carry the next request
            if (!reusable || expired.get()) c.disconnect();
        }
    }

    /**
     * {@code url} as an absolute http(s) URI with a usable host and port, or an IOException naming
     * what is wrong. Checked before anything is opened: an ftp: or file: URL (a typo in --index, a
     * tracker or web seed named by a torrent) would be fetched by another protocol's handler, and was
     * a ClassCastException.
     */
    public static URI httpUri(String url) throws IOException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IOException("bad URL " + url + ": " + e.getMessage(), e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException("not an http(s) URL: " + url);
        }
        if (uri.getHost() == null || uri.getPort() > 65535) throw new IOException("no usable host and port in " + url);
        return uri;
    }

    /** Reads an error page to its end (at most {@link #MAX_ERROR_DRAIN} bytes); true if it ended, and was closed. */
    private static boolean drain(InputStream err) {
        try (err) {
            byte[] buf = new byte[8192];
            long left = MAX_ERROR_DRAIN;
            for (int n; (n = err.read(buf, 0, (int) Math.min(buf.length, left + 1))) >= 0; ) {
                left -= n;
                if (left < 0) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] read(InputStream in, String url, int max, LargeAnswers large, boolean[] holdsLarge) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (out.size() + n > max) throw new TooLargeException(url + ": answer larger than " + max + " bytes");
                if (large != null && !holdsLarge[0] && out.size() + n > large.threshold) {
                    if (!large.permits.tryAcquire()) {
                        throw new IOException(url + ": answer over " + large.threshold + " bytes while others as large are being read");
                    }
                    holdsLarge[0] = true;
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** The answer was larger than the caller allows (what was read is dropped). */
    public static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }
}
