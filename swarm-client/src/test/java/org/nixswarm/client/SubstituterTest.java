package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.http.SubstituterServer;

/** The substituter over real HTTP: narinfos and files from the upstream cache, errors, FileHash. */
class SubstituterTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir Path tmp;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static HttpResponse<byte[]> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private ClientConfig config(Path dir, TestBundle b) throws IOException {
        return ClientConfig.defaults(dir, freePort()).withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic()));
    }

    @Test
    void servesNarinfoAndFileFromUpstreamAndAnswersUnknownWith404() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {100_000, 3_000}, 16384, 1);
             SwarmClient c = new SwarmClient(config(tmp.resolve("client"), b));
             SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
            HttpResponse<byte[]> info = get(s.url() + "/nix-cache-info");
            assertEquals(200, info.statusCode());
            assertTrue(new String(info.body()).contains("StoreDir: /nix/store"));

            HttpResponse<byte[]> ni = get(s.url() + "/" + b.hash(0) + ".narinfo");
            assertEquals(200, ni.statusCode());
            assertEquals(b.narinfo(0).print(), new String(ni.body()), "narinfo passed on unchanged, signature intact");
            HttpResponse<byte[]> nar = get(s.url() + "/" + b.narinfo(0).url());
            assertEquals(200, nar.statusCode());
            assertArrayEquals(b.data(0), nar.body());
            assertTrue(Files.exists(tmp.resolve("client/nar/" + b.fileName(0))), "kept in the cache");

            String unknown = "0".repeat(32);
            long t0 = System.nanoTime();
            assertEquals(404, get(s.url() + "/" + unknown + ".narinfo").statusCode());
            long before = b.upstream.requestCount();
            assertEquals(404, get(s.url() + "/" + unknown + ".narinfo").statusCode());
            assertEquals(before, b.upstream.requestCount(), "negative cache: upstream not asked again");
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            assertEquals(404, get(s.url() + "/nar/unknown.nar.xz").statusCode());
        }
    }

    /** What the upstream (here also the bundle's web seed) was asked for under nar/. */
    private static long narRequests(TestBundle b, int i) {
        return b.upstream.recentRequests().stream().filter(r -> r.path().endsWith("/nar/" + b.fileName(i))).count();
    }

    private static void awaitComplete(SwarmClient c, String file) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!c.cache().hasComplete(file)) {
            if (System.nanoTime() > deadline) throw new AssertionError(file + " was not prefetched");
            Thread.sleep(10);
        }
    }

    @Test
    void aNarinfoGetPrefetchesASmallBundleFileButAHeadOrALargeFileDoesNot() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {100_000, 100_000, 1_500_000}, 16384, 11)) {
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index));
                 SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
                // HEAD: Nix asking whether the path is substitutable at all
                assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + "/" + b.hash(0) + ".narinfo"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
                // GET of a file above --prefetch-below (1 MiB by default)
                assertEquals(200, get(s.url() + "/" + b.hash(2) + ".narinfo").statusCode());
                // GET of a small one: it arrives in the cache before Nix asks for it
                assertEquals(200, get(s.url() + "/" + b.hash(1) + ".narinfo").statusCode());
                awaitComplete(c, b.fileName(1));
                assertArrayEquals(b.data(1), get(s.url() + "/" + b.narinfo(1).url()).body());
                assertEquals(1, narRequests(b, 1), "fetched once, by the prefetch");

                Thread.sleep(300);
                assertFalse(c.cache().hasComplete(b.fileName(0)), "a HEAD started a download");
                assertEquals(0, narRequests(b, 0));
                assertFalse(c.cache().hasComplete(b.fileName(2)), "a large file was prefetched");
                assertEquals(0, narRequests(b, 2));
            }
        }
    }

    @Test
    void prefetchingCanBeTurnedOff() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {100_000}, 16384, 12)) {
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index));
                 SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0), 0)) {
                assertEquals(200, get(s.url() + "/" + b.hash(0) + ".narinfo").statusCode());
                Thread.sleep(300);
                assertFalse(c.cache().hasComplete(b.fileName(0)));
                assertEquals(0, narRequests(b, 0));
                assertArrayEquals(b.data(0), get(s.url() + "/" + b.narinfo(0).url()).body());
            }
        }
    }

    @Test
    void upstreamDownIsA5xxNotAHang() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {1000}, 16384, 2);
             SwarmClient c = new SwarmClient(config(tmp.resolve("client"), b));
             SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
            b.upstream.stop();
            long t0 = System.nanoTime();
            int status = get(s.url() + "/" + b.hash(0) + ".narinfo").statusCode();
            assertTrue(status >= 500 && status < 600, "got " + status);
            assertTrue(System.nanoTime() - t0 < 15_000_000_000L);
        }
    }

    @Test
    void fileHashMismatchIsNeverServed() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {200_000}, 16384, 3);
             SwarmClient c = new SwarmClient(config(tmp.resolve("client"), b));
             SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
            // the cache's file is corrupted behind the narinfo's back (same size, one byte flipped)
            Path f = b.root.resolve("nar").resolve(b.fileName(0));
            byte[] bad = Files.readAllBytes(f);
            bad[bad.length - 10] ^= 1;
            Files.write(f, bad);
            assertEquals(200, get(s.url() + "/" + b.hash(0) + ".narinfo").statusCode());
            // the response is cut short of Content-Length: the HTTP client must see an error
            assertThrows(IOException.class, () -> get(s.url() + "/" + b.narinfo(0).url()));
            assertFalse(Files.exists(tmp.resolve("client/nar/" + b.fileName(0))), "nothing kept");
            try (var ds = Files.list(tmp.resolve("client/partial"))) {
                assertEquals(0, ds.count(), "partial file discarded");
            }
        }
    }

    @Test
    void untrustedSignatureIsRefused() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {1000}, 16384, 4);
             SwarmClient c = new SwarmClient(ClientConfig.defaults(tmp.resolve("client"), freePort())
                     .withUpstream(b.upstreamUrl(), List.of(b.plannerKeyPublic())));
             SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
            int status = get(s.url() + "/" + b.hash(0) + ".narinfo").statusCode();
            assertTrue(status >= 500, "got " + status);
        }
    }

    @Test
    void privatePathsAreNeverLookedUpOutside() throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {1000}, 16384, 5)) {
            Path priv = tmp.resolve("private");
            Files.writeString(priv, b.hash(0) + "\n");
            ClientConfig cfg = config(tmp.resolve("client"), b).withPrivatePaths(PrivatePaths.load(priv));
            try (SwarmClient c = new SwarmClient(cfg);
                 SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
                long before = b.upstream.requestCount();
                assertEquals(404, get(s.url() + "/" + b.hash(0) + ".narinfo").statusCode());
                assertEquals(before, b.upstream.requestCount(), "the upstream was not asked");
            }
        }
    }
}
