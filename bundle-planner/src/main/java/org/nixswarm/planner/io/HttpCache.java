package org.nixswarm.planner.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.nixswarm.planner.PlannerException;

/**
 * A binary cache over HTTP(S). It cannot be listed: the set of paths comes from a store-paths
 * list. Narinfos are fetched asynchronously, at most {@code concurrency} at a time.
 */
final class HttpCache implements CacheSource {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final String base;
    private final int concurrency;
    private final ExecutorService executor;
    private final HttpClient http;

    HttpCache(String url, int concurrency) {
        this.base = url.endsWith("/") ? url : url + "/";
        try {
            URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new PlannerException("--cache " + url + ": not a valid URL (" + e.getMessage() + ")");
        }
        this.concurrency = Math.max(1, concurrency);
        this.executor = Executors.newFixedThreadPool(Math.min(4, this.concurrency), r -> {
            Thread t = new Thread(r, "planner-http");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).executor(executor)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public String baseUrl() {
        return base;
    }

    @Override
    public Optional<List<String>> list() {
        return Optional.empty();
    }

    private HttpRequest get(String rel) {
        return HttpRequest.newBuilder(URI.create(base + rel)).timeout(TIMEOUT).GET().build();
    }

    @Override
    public Optional<byte[]> narInfo(String hashPart) throws IOException {
        HttpResponse<byte[]> r = send(get(hashPart + ".narinfo"), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 404 || r.statusCode() == 403) return Optional.empty();
        if (r.statusCode() != 200) throw new IOException("GET " + base + hashPart + ".narinfo: HTTP " + r.statusCode());
        return Optional.of(r.body());
    }

    @Override
    public void narInfos(List<String> hashParts, NarInfoSink sink) {
        Semaphore permits = new Semaphore(concurrency);
        CompletableFuture<?>[] all = new CompletableFuture<?>[hashParts.size()];
        for (int i = 0; i < hashParts.size(); i++) {
            String h = hashParts.get(i);
            permits.acquireUninterruptibly();
            all[i] = http.sendAsync(get(h + ".narinfo"), HttpResponse.BodyHandlers.ofByteArray())
                    .whenComplete((r, err) -> {
                        try {
                            if (err != null) {
                                sink.accept(h, null, new IOException("GET " + base + h + ".narinfo: " + err.getMessage(), err));
                            } else if (r.statusCode() == 404 || r.statusCode() == 403) {
                                sink.accept(h, null, null);
                            } else if (r.statusCode() != 200) {
                                sink.accept(h, null, new IOException("GET " + base + h + ".narinfo: HTTP " + r.statusCode()));
                            } else {
                                sink.accept(h, r.body(), null);
                            }
                        } finally {
                            permits.release();
                        }
                    });
        }
        CompletableFuture.allOf(all).handle((v, e) -> null).join();
    }

    @Override
    public long size(String url) throws IOException {
        HttpRequest head = HttpRequest.newBuilder(URI.create(base + url)).timeout(TIMEOUT)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<Void> r = send(head, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 404 || r.statusCode() == 403) return -1;
        if (r.statusCode() != 200) throw new IOException("HEAD " + base + url + ": HTTP " + r.statusCode());
        return r.headers().firstValueAsLong("Content-Length").orElse(-1);
    }

    @Override
    public InputStream open(String url) throws IOException {
        HttpResponse<InputStream> r = send(get(url), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            throw new IOException("GET " + base + url + ": HTTP " + r.statusCode());
        }
        return r.body();
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> h) throws IOException {
        try {
            return http.send(req, h);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + req.uri());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
