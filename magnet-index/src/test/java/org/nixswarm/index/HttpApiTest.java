package org.nixswarm.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.magnet.MagnetUri;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.index.http.FailedLookupLimiter;
import org.nixswarm.index.http.IndexHttpServer;
import org.nixswarm.index.http.PrefixLimiter;
import org.nixswarm.index.plan.PlanLoader;
import org.nixswarm.index.testing.TestPlan;

class HttpApiTest {
    @TempDir
    static Path tmp;

    static TestPlan.Written plan;
    static IndexHttpServer server;
    static final AtomicLong clock = new AtomicLong();
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        plan = TestPlan.write(tmp.resolve("plan"), 300, 3, 11, "g1");
        MagnetIndex index = new MagnetIndex(List.of(new PlanLoader(tmp.resolve("store"), Optional.empty(), 2).load(plan.dir())));
        server = IndexHttpServer.start(new InetSocketAddress("127.0.0.1", 0), index,
                new FailedLookupLimiter(5, 1.0, clock::get));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void pathLookupReturnsTheBundleFileMagnetAndNarinfo() throws Exception {
        IndexEntry e = plan.entries().get(17);
        HttpResponse<byte[]> r = get("/v1/path/" + e.storeHash());
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
        JsonNode j = json.readTree(r.body());
        assertEquals(e.storePath().toString(), j.get("storePath").asText());
        assertEquals(e.infohash().hex(), j.get("infohash").asText());
        assertEquals(e.fileIndex(), j.get("fileIndex").asInt());
        assertEquals(e.filePath(), j.get("filePath").asText());
        assertEquals(e.fileSize(), j.get("fileSize").asLong());
        assertEquals(e.narinfo(), j.get("narinfo").asText());
        assertEquals(e.sig(), j.get("sig").asText());
        assertEquals("/v1/bundle/" + e.infohash().hex(), j.get("torrent").asText());
        assertEquals("g1", j.get("generation").asText());
        List<String> fields = new java.util.ArrayList<>();
        j.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("storeHash", "storePath", "infohash", "fileIndex", "filePath", "fileSize", "magnet", "torrent",
                "generation", "narinfo", "sig"), fields);
        MagnetUri m = MagnetUri.parse(j.get("magnet").asText());
        assertEquals(e.infohash(), m.infoHash());
        assertEquals(List.of(e.fileIndex()), List.copyOf(m.selectOnly()));
        assertEquals(List.of(TestPlan.TRACKER), m.trackers());
        assertEquals(List.of(TestPlan.CACHE_URL), m.webSeeds());
        // the file index really is that file of the bundle's torrent
        Torrent t = plan.bundles().stream().filter(b -> b.infoHash().equals(e.infohash())).findFirst().orElseThrow();
        assertEquals(e.filePath(), t.fullPath(t.file(e.fileIndex())));
        // and what the client verifies: the planner's signature over the mapping
        assertTrue(IndexEntry.parse(e.withSig(j.get("sig").asText()).toJsonLine()).verify(TestPlan.PLANNER.publicKey()));
    }

    @Test
    void narinfoEndpointServesTheCacheSignedNarinfo() throws Exception {
        IndexEntry e = plan.entries().get(3);
        HttpResponse<byte[]> r = get("/" + e.storeHash() + ".narinfo");
        assertEquals(200, r.statusCode());
        NarInfo n = NarInfo.parse(new String(r.body()));
        assertEquals(e.storePath(), n.storePath());
        assertTrue(n.verify(List.of(TestPlan.CACHE.publicKey())));
        assertEquals(200, get("/nix-cache-info").statusCode());
    }

    @Test
    void prefixQueryReturnsExactlyTheEntriesUnderThePrefix() throws Exception {
        IndexEntry e = plan.entries().get(42);
        String hex = HexFormat.of().formatHex(e.storePath().hashBytes()).substring(0, 4);
        HttpResponse<byte[]> r = get("/v1/prefix/" + hex);
        assertEquals(200, r.statusCode());
        List<String> got = new String(r.body()).lines().toList();
        List<String> want = plan.entries().stream()
                .filter(x -> HexFormat.of().formatHex(x.storePath().hashBytes()).startsWith(hex))
                .sorted((a, b) -> HexFormat.of().formatHex(a.storePath().hashBytes()).compareTo(HexFormat.of().formatHex(b.storePath().hashBytes())))
                .map(IndexEntry::toJsonLine).toList();
        assertEquals(want, got);
        assertTrue(got.contains(e.toJsonLine()));
        String longer = HexFormat.of().formatHex(e.storePath().hashBytes()).substring(0, 7);
        assertEquals(List.of(e.toJsonLine()), new String(get("/v1/prefix/" + longer).body()).lines().toList());
        assertEquals(400, get("/v1/prefix/abc").statusCode());
        assertEquals(400, get("/v1/prefix/zzzz").statusCode());
    }

    @Test
    void bundleEndpointServesTheTorrentFile() throws Exception {
        Torrent t = plan.bundles().get(1);
        HttpResponse<byte[]> r = get("/v1/bundle/" + t.infoHash().hex());
        assertEquals(200, r.statusCode());
        assertArrayEquals(Files.readAllBytes(plan.dir().resolve("bundles/" + t.infoHash().hex() + ".torrent")), r.body());
        assertEquals(t.infoHash(), Torrent.read(r.body()).infoHash());
    }

    @Test
    void bundleEntriesAreEveryFileOfTheBundleInTorrentOrder() throws Exception {
        clock.addAndGet(3_600_000_000_000L); // full buckets: this test makes two failed lookups
        Torrent t = plan.bundles().get(2);
        HttpResponse<byte[]> r = get("/v1/bundle/" + t.infoHash().hex() + "/entries");
        assertEquals(200, r.statusCode());
        assertEquals("application/x-ndjson", r.headers().firstValue("content-type").orElseThrow());
        List<String> want = plan.entries().stream().filter(e -> e.infohash().equals(t.infoHash()))
                .sorted(java.util.Comparator.comparingInt(IndexEntry::fileIndex)).map(IndexEntry::toJsonLine).toList();
        assertEquals(100, want.size());
        assertEquals(want, new String(r.body()).lines().toList());
        // the same bytes the prefix and path lookups serve: each line verifies on its own
        for (String line : new String(r.body()).lines().toList()) {
            assertTrue(IndexEntry.parse(line).verify(TestPlan.PLANNER.publicKey()), line);
        }
        assertEquals(404, get("/v1/bundle/" + "ab".repeat(20) + "/entries").statusCode());
        HttpResponse<byte[]> bad = get("/v1/bundle/xyz/entries");
        assertEquals(400, bad.statusCode());
        assertTrue(new String(bad.body()).startsWith("not an infohash"), new String(bad.body()));
        assertEquals(1, metric("nixswarm_index_requests_total{endpoint=\"bundle-entries\",status=\"200\"}"));
    }

    @Test
    void bundleDirectoriesSpendABudgetOfTheirOwnNotTheLookups() throws Exception {
        AtomicLong t = new AtomicLong();
        try (IndexHttpServer small = startLimited(new FailedLookupLimiter(5, 1.0, t::get), new PrefixLimiter(150, 1.0, t::get))) {
            String base = "http://127.0.0.1:" + small.port();
            String dir = base + "/v1/bundle/" + plan.bundles().get(0).infoHash().hex() + "/entries";
            assertEquals(200, status(dir)); // 100 entries of 150
            assertEquals(200, status(dir)); // 50 left: served, the budget now in debt
            assertEquals(429, status(dir));
            // the lookups' budget is untouched
            String hex = HexFormat.of().formatHex(plan.entries().get(0).storePath().hashBytes()).substring(0, 4);
            assertEquals(200, status(base + "/v1/prefix/" + hex));
            // unknown bundles are not failed lookups: the failed-lookup bucket (5) is not spent
            t.addAndGet(3_600_000_000_000L);
            for (int i = 0; i < 8; i++) assertEquals(404, status(base + "/v1/bundle/" + "ab".repeat(20) + "/entries"));
            assertEquals(200, status(base + "/v1/path/" + plan.entries().get(0).storeHash()));
        }
    }

    /** A second server on the test's plan, with limits of the test's own. */
    private IndexHttpServer startLimited(FailedLookupLimiter failed, PrefixLimiter prefixes) throws Exception {
        MagnetIndex index = new MagnetIndex(List.of(new PlanLoader(tmp.resolve("store"), Optional.empty(), 2).load(plan.dir())));
        return IndexHttpServer.start(new InetSocketAddress("127.0.0.1", 0), index, failed, prefixes);
    }

    private static int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void failedLookupsAreRateLimitedPerAddressWithRetryAfter() throws Exception {
        clock.addAndGet(3_600_000_000_000L); // a fresh hour: every bucket full again
        long limitedBefore = metric("nixswarm_index_rate_limited_total");
        long missesBefore = metric("nixswarm_index_requests_total{endpoint=\"path\",status=\"404\"}");
        String unknown = "0".repeat(32);
        for (int i = 0; i < 5; i++) assertEquals(404, get("/v1/path/" + unknown).statusCode());
        HttpResponse<byte[]> limited = get("/v1/path/" + unknown);
        assertEquals(429, limited.statusCode());
        assertEquals("1", limited.headers().firstValue("retry-after").orElseThrow());
        // limited for every lookup, known or not, until a token is back
        assertEquals(429, get("/v1/path/" + plan.entries().get(0).storeHash()).statusCode());
        assertEquals(429, get("/" + unknown + ".narinfo").statusCode());
        clock.addAndGet(1_000_000_000L);
        assertEquals(200, get("/v1/path/" + plan.entries().get(0).storeHash()).statusCode());
        assertEquals(limitedBefore + 3, metric("nixswarm_index_rate_limited_total"));
        assertEquals(missesBefore + 5, metric("nixswarm_index_requests_total{endpoint=\"path\",status=\"404\"}"));
        assertEquals(300, metric("nixswarm_index_entries"));
        clock.addAndGet(3_600_000_000_000L);
    }

    @Test
    void prefixQueriesAreLimitedByTheEntriesTheyReturn() throws Exception {
        AtomicLong prefixClock = new AtomicLong();
        try (IndexHttpServer limited = startLimited(new FailedLookupLimiter(5, 1.0, clock::get), new PrefixLimiter(3, 2.0, prefixClock::get))) {
            java.util.function.Function<String, HttpResponse<byte[]>> ask = p -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + limited.port() + p)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            // three one-entry answers spend the burst of 3 entries
            for (int i = 0; i < 3; i++) {
                String hex = HexFormat.of().formatHex(plan.entries().get(i).storePath().hashBytes()).substring(0, 10);
                HttpResponse<byte[]> r = ask.apply("/v1/prefix/" + hex);
                assertEquals(200, r.statusCode());
                assertEquals(1, new String(r.body()).lines().count());
            }
            HttpResponse<byte[]> refused = ask.apply("/v1/prefix/" + "ffff");
            assertEquals(429, refused.statusCode());
            assertEquals("1", refused.headers().firstValue("retry-after").orElseThrow());
            assertTrue(new String(refused.body()).contains("too many prefix entries"), new String(refused.body()));
            // other endpoints are not charged for prefix use
            assertEquals(200, ask.apply("/v1/path/" + plan.entries().get(0).storeHash()).statusCode());
            prefixClock.addAndGet(500_000_000L); // half a second at 2 entries/s: one token back
            assertEquals(200, ask.apply("/v1/prefix/" + HexFormat.of().formatHex(plan.entries().get(5).storePath().hashBytes())).statusCode());
            assertEquals(429, ask.apply("/v1/prefix/0000").statusCode());
            // an empty answer costs nothing, so a client that is back at one token stays there
            prefixClock.addAndGet(500_000_000L);
            assertEquals(200, ask.apply("/v1/prefix/" + "f".repeat(40)).statusCode());
            assertEquals(200, ask.apply("/v1/prefix/" + "f".repeat(40)).statusCode());
        }
    }

    @Test
    void aLargePrefixAnswerPutsTheClientInBoundedDebt() throws Exception {
        AtomicLong t = new AtomicLong();
        PrefixLimiter l = new PrefixLimiter(100, 10.0, t::get);
        java.net.InetAddress a = java.net.InetAddress.getLoopbackAddress();
        assertEquals(0, l.retryAfterSeconds(a));
        l.served(a, 5_000); // one answer far over the burst: debt is capped at the burst size
        assertEquals(11, l.retryAfterSeconds(a)); // from -100 to 1 token at 10 per s, rounded up
        t.addAndGet(10_000_000_000L);
        assertEquals(1, l.retryAfterSeconds(a));
        t.addAndGet(1_000_000_000L);
        assertEquals(0, l.retryAfterSeconds(a));
        // another address was never limited
        l.served(a, 5_000);
        assertEquals(0, l.retryAfterSeconds(java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 2})));
    }

    static long metric(String name) throws Exception {
        for (String line : new String(get("/metrics").body()).lines().toList()) {
            if (line.startsWith(name + " ")) return Long.parseLong(line.substring(name.length() + 1));
        }
        return 0;
    }

    @Test
    void unknownAndMalformedRequestsGetClearErrors() throws Exception {
        clock.addAndGet(3_600_000_000_000L);
        HttpResponse<byte[]> r = get("/v1/path/not-a-hash");
        assertEquals(400, r.statusCode());
        assertTrue(new String(r.body()).contains("not-a-hash"));
        assertEquals(404, get("/v1/bundle/" + "ab".repeat(20)).statusCode());
        assertEquals(400, get("/v1/bundle/xyz").statusCode());
        assertEquals(404, get("/nothing/here").statusCode());
        clock.addAndGet(3_600_000_000_000L);
    }

    @Test
    void aGarbageRequestDoesNotTakeTheServerDown() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write("\u0000\u0001garbage\r\n\r\n".getBytes());
            s.getOutputStream().flush();
            s.getInputStream().readAllBytes();
        }
        assertEquals(200, get("/metrics").statusCode());
    }
}
