package org.nixswarm.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;

/** A body that stops arriving mid-transfer: the download switches source or fails, never hangs. */
class StalledBodyTest {
    static final Duration IDLE = Duration.ofMillis(800);

    @TempDir Path tmp;

    @Test
    void aStalledUpstreamBodyIsAnErrorForNixNotAHang() throws Exception {
        Path cache = tmp.resolve("cache");
        try (StallingServer stall = new StallingServer(cache);
             TestBundle b = new TestBundle(cache, new long[] {200_000}, 16384, 30);
             SwarmClient c = new SwarmClient(ClientConfig.defaults(tmp.resolve("client"), SubstituterTest.freePort())
                     .withUpstream(stall.baseUrl(), List.of(b.cacheKeyPublic())).withHttpTimeout(IDLE));
             SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
            assertEquals(200, SubstituterTest.get(s.url() + "/" + b.hash(0) + ".narinfo").statusCode());
            long t0 = System.nanoTime();
            int status;
            int length;
            try {
                HttpResponse<byte[]> nar = SubstituterTest.get(s.url() + "/" + b.narinfo(0).url());
                status = nar.statusCode();
                length = nar.body().length;
            } catch (java.io.IOException e) {
                status = -1; // the substituter cut the stream: Nix sees a failed transfer
                length = 0;
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 10_000, "gave up after " + ms + " ms");
            assertTrue(status >= 500 || status == -1 || length < b.data(0).length,
                    "a stalled upstream must not look like a complete file: HTTP " + status + ", " + length + " bytes");
            assertTrue(stall.stalledBodies.get() >= 1);
            assertFalse(c.cache().existing(b.fileName(0)).map(NarFile::isComplete).orElse(false), "nothing partial is complete");
        }
    }

    @Test
    void aStalledWebSeedIsLeftForTheNextSource() throws Exception {
        Path cache = tmp.resolve("cache");
        try (StallingServer stall = new StallingServer(cache);
             TestBundle b = new TestBundle(cache, new long[] {100_000}, 16384, 31, List.of(stall.baseUrl()))) {
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(ClientConfig.defaults(tmp.resolve("client"), SubstituterTest.freePort())
                    .withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic())).withIndex(index, b.plannerKeyPublic())
                    .withRaceDelay(Duration.ZERO).withHttpTimeout(IDLE))) {
                long t0 = System.nanoTime();
                c.download(c.resolve(b.hash(0))).completion().get(30, TimeUnit.SECONDS);
                NarFile f = c.cache().existing(b.fileName(0)).orElseThrow();
                assertTrue(stall.stalledBodies.get() >= 1, "the stalling web seed was tried first");
                assertEquals(100_000, f.bytesFromWebSeed());
                assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("client/nar/" + b.fileName(0))));
                assertTrue(System.nanoTime() - t0 < 30_000_000_000L);
            }
        }
    }

    @Test
    void aSlowButMovingBodyIsNotCutAndAResetIsAnError() throws Exception {
        Path cache = tmp.resolve("cache");
        WireMockServer wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        SubstituterTest.get("http://127.0.0.1:" + wm.port() + "/warm-up"); // Jetty's first answer is slow
        try (TestBundle b = new TestBundle(cache, new long[] {50_000, 50_000}, 16384, 32);
             SwarmClient c = new SwarmClient(ClientConfig.defaults(tmp.resolve("client"), SubstituterTest.freePort())
                     .withUpstream("http://127.0.0.1:" + wm.port() + "/", List.of(b.cacheKeyPublic())).withHttpTimeout(IDLE))) {
            for (int i = 0; i < 2; i++) {
                wm.stubFor(get(urlEqualTo("/" + b.hash(i) + ".narinfo")).willReturn(aResponse().withStatus(200)
                        .withBody(b.narinfo(i).print())));
            }
            // 5 chunks over 2 s: each gap (400 ms) is under the idle timeout, the whole is not
            wm.stubFor(get(urlEqualTo("/" + b.narinfo(0).url())).willReturn(aResponse().withStatus(200)
                    .withBody(b.data(0)).withChunkedDribbleDelay(5, 2000)));
            wm.stubFor(get(urlEqualTo("/" + b.narinfo(1).url())).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

            c.download(c.resolve(b.hash(0))).completion().get(20, TimeUnit.SECONDS);
            NarFile f = c.cache().existing(b.fileName(0)).orElseThrow();
            assertEquals(50_000, f.bytesFromUpstream());
            long t0 = System.nanoTime();
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> c.download(c.resolve(b.hash(1))).completion().get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof ClientException, String.valueOf(e.getCause()));
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
        } finally {
            wm.stop();
        }
    }
}
