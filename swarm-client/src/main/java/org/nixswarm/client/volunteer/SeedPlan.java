package org.nixswarm.client.volunteer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.nixswarm.client.ClientException;

/**
 * The bundles a volunteer may seed, from a plan's {@code manifest.json} (a path or an http(s) URL,
 * see docs/formats.md); torrents are read from beside it ({@code bundles/<infohash>.torrent}).
 */
public final class SeedPlan {
    /** One bundle of the plan. */
    public record Bundle(String infohash, long totalSize, String torrent) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String location;
    private final List<Bundle> bundles;
    private final List<String> trackers;
    private final HttpClient http;
    private final Duration timeout;

    private SeedPlan(String location, List<Bundle> bundles, List<String> trackers, HttpClient http, Duration timeout) {
        this.location = location;
        this.bundles = bundles;
        this.trackers = trackers;
        this.http = http;
        this.timeout = timeout;
    }

    /** Reads the manifest at {@code location}: a manifest.json, a plan directory, or a URL of either. */
    public static SeedPlan load(String location, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        String manifest = location;
        boolean url = isUrl(location);
        if (url ? location.endsWith("/") : Files.isDirectory(Path.of(location))) {
            manifest = url ? location + "manifest.json" : Path.of(location, "manifest.json").toString();
        }
        SeedPlan reader = new SeedPlan(manifest, List.of(), List.of(), http, timeout);
        JsonNode root;
        try {
            root = JSON.readTree(reader.read(manifest));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Jackson's own message runs over two lines (the source location on the second)
            throw new ClientException("--seed-plan " + manifest + ": not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ClientException("--seed-plan " + manifest + ": " + e.getMessage());
        }
        if (root == null || root.path("version").asInt() != 1) {
            throw new ClientException("--seed-plan " + manifest + ": not a version 1 plan manifest");
        }
        List<Bundle> bundles = new ArrayList<>();
        for (JsonNode b : root.path("bundles")) {
            String ih = b.path("infohash").asText("");
            if (!ih.matches("[0-9a-f]{40}")) throw new ClientException("--seed-plan " + manifest + ": bad bundle infohash '" + ih + "'");
            long size = b.path("totalSize").asLong(-1);
            if (size < 0) throw new ClientException("--seed-plan " + manifest + ": bundle " + ih + " has no totalSize");
            bundles.add(new Bundle(ih, size, b.path("torrent").asText("bundles/" + ih + ".torrent")));
        }
        List<String> trackers = new ArrayList<>();
        for (JsonNode t : root.path("trackers")) trackers.add(t.asText());
        return new SeedPlan(manifest, List.copyOf(bundles), List.copyOf(trackers), http, timeout);
    }

    public List<Bundle> bundles() { return bundles; }

    /** The plan's trackers (every bundle announces to them). */
    public List<String> trackers() { return trackers; }

    /** The bundle's torrent file, read from beside the manifest. */
    public byte[] torrent(Bundle b) throws IOException {
        if (b.torrent().contains("..") || b.torrent().startsWith("/")) throw new IOException("bad torrent path " + b.torrent());
        String where = isUrl(location) ? URI.create(location).resolve(b.torrent()).toString()
                : Path.of(location).resolveSibling(b.torrent()).toString();
        return read(where);
    }

    private byte[] read(String where) throws IOException {
        if (!isUrl(where)) return Files.readAllBytes(Path.of(where));
        HttpRequest req = HttpRequest.newBuilder(URI.create(where)).timeout(timeout).GET().build();
        try {
            HttpResponse<byte[]> r = http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
                    .get(timeout.toMillis() * 3, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (r.statusCode() != 200) throw new IOException(where + ": HTTP " + r.statusCode());
            return r.body();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(where + ": no complete answer in " + timeout.toMillis() * 3 + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            // a refused connection has no message: "null" said nothing
            Throwable why = e.getCause();
            throw new IOException(where + ": " + (why.getMessage() != null ? why.getMessage() : why.getClass().getSimpleName()), why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static boolean isUrl(String s) {
        return s.startsWith("http://") || s.startsWith("https://");
    }
}
