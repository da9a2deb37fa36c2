package org.nixswarm.client.swarm;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.net.IdleTimeoutInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEP 19 web seeding, which Bt lacks: the bytes of a bundle file from the cache itself, with ranged
 * GETs of {@code <url-list>nar/<file>}. Every piece is checked against the torrent before it is
 * kept; a short, wrong or failed response is thrown away and retried with backoff, then the next
 * web seed is tried. A body that stops arriving for the HTTP timeout counts as a failed attempt.
 */
public final class WebSeed {
    private static final Logger LOG = LoggerFactory.getLogger(WebSeed.class);

    private final HttpClient http;
    private final Duration timeout;
    private final int attempts;
    private final long maxRangeBytes;

    public WebSeed(Duration timeout, int attempts, long maxRangeBytes) {
        // HTTP/1.1: over plain http the JDK would try an h2c upgrade and then multiplex every range
        // onto one connection, where one bad frame from a faulty server kills the good requests too
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.timeout = timeout;
        this.attempts = attempts;
        this.maxRangeBytes = maxRangeBytes;
    }

    /**
     * Fetches pieces {@code [first, end)} of entry {@code e} that are still missing, as one or more
     * ranged GETs. Returns how many pieces it stored; throws when every web seed failed repeatedly.
     */
    public int fetch(BundleSession session, BundleLayout.Entry e, int first, int end, List<String> bases) throws IOException {
        BundleLayout l = session.layout();
        NarFile f = session.narFile(e);
        if (f == null) throw new IOException(e.path() + " is not wanted");
        int firstOfFile = l.firstPiece(e);
        while (first < end && f.hasPiece(first - firstOfFile)) first++;
        while (end > first && f.hasPiece(end - 1 - firstOfFile)) end--;
        if (first >= end) return 0;
        long from = (first - firstOfFile) * l.pieceLength();
        long to = Math.min(e.size(), (end - firstOfFile) * l.pieceLength()); // exclusive
        IOException last = null;
        for (String base : bases) {
            String url = (base.endsWith("/") ? base : base + "/") + e.path();
            URI uri;
            try {
                uri = org.nixswarm.client.net.BlockingGet.httpUri(url);
            } catch (IOException bad) {
                // a torrent's url-list is outside its infohash: one bad entry must not cost the others
                last = bad;
                LOG.debug("web seed skipped: {}", bad.getMessage());
                continue;
            }
            long backoff = 100;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                try {
                    Optional<byte[]> bytes = get(uri, from, to);
                    if (bytes.isPresent()) {
                        int stored = store(session, e, first, end, bytes.get());
                        if (stored >= 0) return stored;
                        last = new IOException(url + ": bytes " + from + "-" + (to - 1) + " do not match the torrent's piece hashes");
                    } else {
                        last = new IOException(url + ": no usable response for bytes " + from + "-" + (to - 1));
                    }
                } catch (IOException ex) {
                    last = ex;
                }
                LOG.debug("web seed attempt {} failed: {}", attempt, last.getMessage());
                sleep(backoff);
                backoff = Math.min(backoff * 2, 2000);
            }
        }
        throw last != null ? last : new IOException("no web seed for " + e.path());
    }

    /** Splits into pieces and hands each to the session (which checks it); -1 if any was wrong. */
    private static int store(BundleSession session, BundleLayout.Entry e, int first, int end, byte[] bytes) throws IOException {
        BundleLayout l = session.layout();
        session.swarm().downloadLimit().take(bytes.length); // --max-download covers the web seed too
        int firstOfFile = l.firstPiece(e);
        int stored = 0;
        int off = 0;
        for (int p = first; p < end; p++) {
            long len = Math.min(l.pieceLength(), e.size() - (p - firstOfFile) * l.pieceLength());
            byte[] piece = new byte[(int) len];
            System.arraycopy(bytes, off, piece, 0, (int) len);
            off += (int) len;
            if (!session.acceptPiece(p, piece, NarFile.Source.WEB_SEED)) return -1;
            stored++;
        }
        return stored;
    }

    /** Exactly bytes [from, to) or empty: a short body, a wrong Content-Range or status is refused. */
    private Optional<byte[]> get(URI url, long from, long to) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Range", "bytes=" + from + "-" + (to - 1)).GET().build();
        HttpResponse<InputStream> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ie);
        }
        try (InputStream in = new IdleTimeoutInputStream(r.body(), timeout, url.toString())) {
            int want = (int) (to - from);
            if (r.statusCode() == 206) {
                String cr = r.headers().firstValue("Content-Range").orElse("");
                if (!cr.startsWith("bytes " + from + "-" + (to - 1) + "/")) return Optional.empty();
                byte[] b = in.readNBytes(want);
                return b.length == want ? Optional.of(b) : Optional.empty();
            }
            if (r.statusCode() == 200 && from == 0) {
                // a server that ignores Range: the prefix we asked for is still right
                byte[] b = in.readNBytes(want);
                return b.length == want ? Optional.of(b) : Optional.empty();
            }
            return Optional.empty();
        }
    }

    public long maxRangeBytes() {
        return maxRangeBytes;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
