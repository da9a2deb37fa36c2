package org.nixswarm.client.resolve;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.nixswarm.client.net.BlockingGet;
import org.nixswarm.client.net.IdleTimeoutInputStream;

/**
 * The upstream binary cache (cache.nixos.org or a mirror): narinfos and whole files, over HTTP.
 * Bodies time out when idle for the timeout, so a stalled upstream is an error, never a hang.
 * Narinfos are small and on Nix's path: fetched on the caller's thread ({@link BlockingGet}).
 */
public final class UpstreamClient {
    private static final int MAX_NARINFO = 1 << 20;
    private final String base;
    private final HttpClient http;
    private final Duration timeout;

    public UpstreamClient(String baseUrl, Duration timeout) {
        this.base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public String baseUrl() { return base; }

    /** The narinfo text, empty on 404/403 (the cache does not have it); other failures throw. */
    public Optional<String> narinfo(String storeHash) throws IOException {
        BlockingGet.Response r = BlockingGet.get(base + storeHash + ".narinfo", timeout, MAX_NARINFO);
        if (r.status() == 404 || r.status() == 403) return Optional.empty();
        if (r.status() != 200) throw new IOException("upstream " + base + storeHash + ".narinfo: HTTP " + r.status());
        return Optional.of(new String(r.body(), StandardCharsets.UTF_8));
    }

    /** A streaming GET of {@code url} (relative to the cache); the caller closes the stream. */
    public InputStream open(String url) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + url)).timeout(timeout).GET().build();
        HttpResponse<InputStream> r = send(req, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            throw new IOException("upstream " + base + url + ": HTTP " + r.statusCode());
        }
        return new IdleTimeoutInputStream(r.body(), timeout, base + url);
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> h) throws IOException {
        try {
            return http.send(req, h);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
