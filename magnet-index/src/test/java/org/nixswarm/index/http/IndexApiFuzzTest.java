package org.nixswarm.index.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nixswarm.core.magnet.MagnetUri;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.testing.Fuzz;
import org.nixswarm.index.MagnetIndex;
import org.nixswarm.index.plan.PlanLoader;
import org.nixswarm.index.testing.TestPlan;

/**
 * Coverage-guided fuzzing of the index API's request paths: the router ({@link Route#parse}) on its
 * own, and whole requests through {@link IndexRequestHandler} in an {@code EmbeddedChannel} over a
 * small generated plan (seeds in {@code IndexApiFuzzTestInputs/} name some of its hashes).
 */
class IndexApiFuzzTest {
    private static final Fuzz.Budget BUDGET = Fuzz.Budget.of(4 << 20, 64);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> STATUSES = Set.of(200, 400, 404, 405, 429);
    private static final List<String> PATH_FIELDS = List.of("storeHash", "storePath", "infohash", "fileIndex", "filePath",
            "fileSize", "magnet", "torrent", "generation", "narinfo", "sig");
    private static MagnetIndex index;

    /** The plan every run serves: 64 entries in 2 bundles, fixed random seed (so seeds can name hashes). */
    private static synchronized MagnetIndex index() {
        if (index == null) {
            try {
                Path dir = Files.createTempDirectory("index-fuzz");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                TestPlan.Written plan = TestPlan.write(dir.resolve("plan"), 64, 2, 5, "fuzz");
                index = new MagnetIndex(List.of(new PlanLoader(dir.resolve("store"), Optional.empty(), 1).load(plan.dir())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return index;
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    /**
     * Any request target: never throws; an error names the problem in one bounded line; an accepted
     * hash is 20 bytes and is the one in the target; a prefix is 16 to 160 bits with nothing set past them.
     */
    @FuzzTest
    void route(byte[] input) throws Exception {
        String uri = new String(input, StandardCharsets.UTF_8);
        Route r = Fuzz.parse(input.length, BUDGET, e -> false, () -> Route.parse(uri));
        assertNotNull(r.kind());
        if (r.bad()) {
            assertTrue(!r.error().isBlank() && r.error().indexOf('\n') < 0 && r.error().indexOf('\r') < 0
                    && r.error().length() < 200, r.error());
            return;
        }
        switch (r.kind()) {
            case PATH, NARINFO -> {
                assertEquals(20, r.key().length);
                String hash = NixBase32.encode(r.key());
                assertTrue(uri.startsWith(r.kind() == Route.Kind.PATH ? "/v1/path/" + hash : "/" + hash + ".narinfo"), uri);
            }
            case PREFIX -> {
                assertTrue(r.bits() >= 16 && r.bits() <= 160 && r.bits() % 4 == 0, "bits " + r.bits());
                assertEquals(20, r.key().length);
                for (int b = r.bits(); b < 160; b++) {
                    assertEquals(0, (r.key()[b / 8] >> (7 - b % 8)) & 1, "bit " + b + " set past the prefix");
                }
            }
            case BUNDLE, BUNDLE_ENTRIES -> assertNotNull(r.infohash());
            case METRICS, CACHE_INFO -> assertNull(r.key());
            default -> throw new AssertionError("an accepted route of kind " + r.kind());
        }
    }

    /**
     * A whole request (method chosen by the first byte, the rest is the target) through the
     * handler: exactly one response, never a 5xx, Content-Length right (HEAD: the GET length and no
     * body), errors one line of text, and a found path answers JSON with the documented fields in
     * order, whose magnet parses and selects the entry's file.
     */
    @FuzzTest
    void request(byte[] input) throws Exception {
        if (input.length == 0) return;
        HttpMethod method = switch (input[0] & 3) {
            case 0 -> HttpMethod.HEAD;
            case 1 -> HttpMethod.POST;
            default -> HttpMethod.GET;
        };
        String uri = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        MagnetIndex idx = index();
        List<FullHttpResponse> responses = Fuzz.parse(input.length, BUDGET, e -> false, () -> serve(idx, method, uri));
        assertEquals(1, responses.size(), "responses to one request");
        FullHttpResponse r = responses.get(0);
        try {
            int status = r.status().code();
            assertTrue(STATUSES.contains(status), "status " + status + " for " + uri);
            int length = r.headers().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
            byte[] body = new byte[r.content().readableBytes()];
            r.content().getBytes(r.content().readerIndex(), body);
            if (method == HttpMethod.HEAD) assertEquals(0, body.length);
            else assertEquals(body.length, length);
            if (status >= 400 && method != HttpMethod.HEAD) {
                String text = new String(body, StandardCharsets.UTF_8);
                assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1, text);
            }
            if (status == 200 && method == HttpMethod.GET && uri.startsWith("/v1/path/")) {
                JsonNode j = JSON.readTree(body);
                List<String> fields = new ArrayList<>();
                for (Iterator<String> it = j.fieldNames(); it.hasNext(); ) fields.add(it.next());
                assertEquals(PATH_FIELDS, fields);
                MagnetUri m = MagnetUri.parse(j.get("magnet").asText());
                assertEquals(j.get("infohash").asText(), m.infoHash().hex());
                assertEquals(List.of(j.get("fileIndex").asInt()), List.copyOf(m.selectOnly()));
                assertEquals("/v1/bundle/" + m.infoHash().hex(), j.get("torrent").asText());
            }
        } finally {
            r.release();
        }
    }

    private static List<FullHttpResponse> serve(MagnetIndex idx, HttpMethod method, String uri) {
        // a fresh handler and limiters for every input: what one input does must not depend on the ones before
        IndexRequestHandler handler = new IndexRequestHandler(idx, new FailedLookupLimiter(1_000_000, 1_000_000),
                PrefixLimiter.defaults(), new IndexMetrics());
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
        ch.finish();
        List<FullHttpResponse> out = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null; ) out.add((FullHttpResponse) o);
        return out;
    }
}
