package org.nixswarm.client.faults;

import org.nixswarm.client.TestBundle;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.core.store.Hash;

/**
 * Web seed faults injected with WireMock. A web seed that only ever misbehaves must never yield a
 * complete file nor a byte that is not the real file's; one that misbehaves a few times and then
 * answers well (a WireMock scenario) must yield the file with the right FileHash; a second web
 * seed must be used when the first one keeps failing.
 */
class WebSeedFaultTest {
    private static final int SIZE = 200_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir Path tmp;
    private WireMockServer wm;

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    /** Every bad answer a web seed can give to {@code Range: bytes=0-(n-1)}, given the real bytes. */
    static Stream<Arguments> faults() {
        List<Object[]> f = List.of(
                new Object[] {"500", (Function<byte[], ResponseDefinitionBuilder>) d -> aResponse().withStatus(500).withBody("boom")},
                new Object[] {"connection reset", (Function<byte[], ResponseDefinitionBuilder>) d -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)},
                new Object[] {"empty response", (Function<byte[], ResponseDefinitionBuilder>) d -> aResponse().withFault(Fault.EMPTY_RESPONSE)},
                new Object[] {"random data then close", (Function<byte[], ResponseDefinitionBuilder>) d -> aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)},
                new Object[] {"truncated 206 body", (Function<byte[], ResponseDefinitionBuilder>) d -> partial(Arrays.copyOf(d, d.length / 2), d.length)},
                new Object[] {"wrong bytes, right length", (Function<byte[], ResponseDefinitionBuilder>) d -> partial(corrupt(d), d.length)},
                new Object[] {"wrong Content-Range", (Function<byte[], ResponseDefinitionBuilder>) d -> aResponse().withStatus(206)
                        .withHeader("Content-Range", "bytes 1-" + d.length + "/" + (d.length + 1)).withBody(d)},
                new Object[] {"200 with corrupted whole file", (Function<byte[], ResponseDefinitionBuilder>) d -> aResponse().withStatus(200).withBody(corrupt(d))},
                new Object[] {"404", (Function<byte[], ResponseDefinitionBuilder>) d -> aResponse().withStatus(404)});
        return f.stream().map(o -> Arguments.of(o[0], o[1]));
    }

    static ResponseDefinitionBuilder partial(byte[] body, long total) {
        return aResponse().withStatus(206).withHeader("Content-Range", "bytes 0-" + (total - 1) + "/" + total).withBody(body);
    }

    static byte[] corrupt(byte[] d) {
        byte[] c = d.clone();
        for (int i = 0; i < c.length; i += 4096) c[i] ^= 0x5a;
        return c;
    }

    private TestBundle bundle(List<String> seeds) throws IOException {
        return TestBundle.withWebSeedsOnly(tmp.resolve("cache"), new long[] {SIZE}, 16384, 21, seeds);
    }

    private String base(String prefix) {
        return "http://127.0.0.1:" + wm.port() + "/" + prefix + "/";
    }

    /** Each fault on its own file of one bundle, all downloaded at once (one client: the suite stays fast). */
    @Test
    void aWebSeedThatOnlyMisbehavesNeverYieldsABadFile() throws Exception {
        List<Arguments> faults = faults().toList();
        long[] sizes = new long[faults.size()];
        Arrays.fill(sizes, SIZE);
        try (TestBundle b = TestBundle.withWebSeedsOnly(tmp.resolve("cache"), sizes, 16384, 21, List.of(base("ws")))) {
            for (int i = 0; i < faults.size(); i++) {
                wm.stubFor(get(urlPathEqualTo("/ws" + b.urlPath(i))).willReturn(fault(faults.get(i)).apply(b.data(i))));
            }
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index));
                 SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
                List<NarFile> files = new java.util.ArrayList<>();
                List<java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>> served = new java.util.ArrayList<>();
                for (int i = 0; i < faults.size(); i++) {
                    assertEquals(200, send(s.url() + "/" + b.hash(i) + ".narinfo").statusCode());
                    files.add(c.download(c.resolve(b.hash(i))));
                    // Nix asks for the file while it downloads
                    served.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(s.url() + "/nar/" + b.fileName(i)))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray()));
                }
                for (int i = 0; i < faults.size(); i++) {
                    String name = faults.get(i).get()[0].toString();
                    NarFile f = files.get(i);
                    ExecutionException failed = assertThrows(ExecutionException.class, () -> f.completion().get(30, TimeUnit.SECONDS), name);
                    assertTrue(String.valueOf(failed.getCause().getMessage()).contains(b.fileName(i)), name + ": error names the file: " + failed.getCause());
                    assertFalse(f.isComplete(), name);
                    assertEquals(0, f.bytesFromWebSeed(), name + ": no byte accepted");
                    assertFalse(Files.exists(tmp.resolve("client/nar/" + b.fileName(i))), name + ": never in nar/");
                    assertTrue(wm.countRequestsMatching(getRequestedFor(urlPathEqualTo("/ws" + b.urlPath(i))).build()).getCount() >= 2,
                            name + ": retried");
                    // whatever Nix got must be a strict prefix of the real bytes (the stream is cut), never a whole or wrong file
                    try {
                        HttpResponse<byte[]> r = served.get(i).get(30, TimeUnit.SECONDS);
                        byte[] got = r.body();
                        assertTrue(got.length < SIZE, name + ": a whole file was served");
                        if (r.statusCode() == 200) assertArrayEquals(Arrays.copyOf(b.data(i), got.length), got, name + ": bad bytes served");
                    } catch (ExecutionException aborted) {
                        assertTrue(aborted.getCause() instanceof IOException, name + ": " + aborted.getCause());
                    }
                }
            }
        }
    }

    @Test
    void aWebSeedThatMisbehavesTwiceThenAnswersWellYieldsTheRightFile() throws Exception {
        List<Arguments> faults = faults().toList();
        long[] sizes = new long[faults.size()];
        Arrays.fill(sizes, SIZE);
        try (TestBundle b = TestBundle.withWebSeedsOnly(tmp.resolve("cache"), sizes, 16384, 22, List.of(base("ws")))) {
            for (int i = 0; i < faults.size(); i++) {
                String path = "/ws" + b.urlPath(i), scenario = "flaky-" + i;
                ResponseDefinitionBuilder bad = fault(faults.get(i)).apply(b.data(i));
                wm.stubFor(get(urlPathEqualTo(path)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(bad).willSetStateTo("once"));
                wm.stubFor(get(urlPathEqualTo(path)).inScenario(scenario).whenScenarioStateIs("once")
                        .willReturn(bad).willSetStateTo("good"));
                wm.stubFor(get(urlPathEqualTo(path)).inScenario(scenario).whenScenarioStateIs("good")
                        .willReturn(partial(b.data(i), SIZE)));
            }
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index))) {
                List<NarFile> files = new java.util.ArrayList<>();
                for (int i = 0; i < faults.size(); i++) files.add(c.download(c.resolve(b.hash(i))));
                for (int i = 0; i < faults.size(); i++) {
                    String name = faults.get(i).get()[0].toString();
                    files.get(i).completion().get(30, TimeUnit.SECONDS);
                    assertFileIsRight(b, i, files.get(i));
                    // two bad answers, then at least one good one; the web seed may split what is left into a
                    // front and a back fetch, so a fourth (good) request is allowed
                    int n = wm.countRequestsMatching(getRequestedFor(urlPathEqualTo("/ws" + b.urlPath(i))).build()).getCount();
                    assertTrue(n >= 3 && n <= 4, name + ": " + n + " requests");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Function<byte[], ResponseDefinitionBuilder> fault(Arguments a) {
        return (Function<byte[], ResponseDefinitionBuilder>) a.get()[1];
    }

    @Test
    void aSecondWebSeedIsUsedWhenTheFirstKeepsFailing() throws Exception {
        try (TestBundle b = bundle(List.of(base("down"), base("up")))) {
            wm.stubFor(get(urlPathEqualTo("/down" + b.urlPath(0))).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
            wm.stubFor(get(urlPathEqualTo("/up" + b.urlPath(0))).willReturn(partial(b.data(0), SIZE)));
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index))) {
                NarFile f = c.download(c.resolve(b.hash(0)));
                f.completion().get(30, TimeUnit.SECONDS);
                assertFileIsRight(b, 0, f);
                assertTrue(wm.countRequestsMatching(getRequestedFor(urlPathEqualTo("/down" + b.urlPath(0))).build()).getCount() >= 2);
            }
        }
    }

    @Test
    void a200WithTheWholeFileInsteadOf206IsAcceptedWhenItIsRight() throws Exception {
        try (TestBundle b = bundle(List.of(base("ws")))) {
            wm.stubFor(get(urlPathEqualTo("/ws" + b.urlPath(0))).willReturn(aResponse().withStatus(200).withBody(b.data(0))));
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index))) {
                NarFile f = c.download(c.resolve(b.hash(0)));
                f.completion().get(30, TimeUnit.SECONDS);
                assertFileIsRight(b, 0, f);
            }
        }
    }

    @Test
    void aSlowDripStillYieldsTheRightFile() throws Exception {
        try (TestBundle b = bundle(List.of(base("ws")))) {
            wm.stubFor(get(urlPathEqualTo("/ws" + b.urlPath(0))).willReturn(partial(b.data(0), SIZE).withChunkedDribbleDelay(20, 1500)));
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index))) {
                long t0 = System.nanoTime();
                NarFile f = c.download(c.resolve(b.hash(0)));
                f.completion().get(30, TimeUnit.SECONDS);
                assertTrue(System.nanoTime() - t0 >= 1_000_000_000L, "the drip was slow");
                assertFileIsRight(b, 0, f);
            }
        }
    }

    private void assertFileIsRight(TestBundle b, int i, NarFile f) throws Exception {
        assertTrue(f.isComplete());
        assertEquals(SIZE, f.bytesFromWebSeed());
        byte[] onDisk = Files.readAllBytes(tmp.resolve("client/nar/" + b.fileName(i)));
        assertEquals(b.narinfo(i).fileHash().orElseThrow(), Hash.sha256(onDisk), "FileHash");
        assertArrayEquals(b.data(i), onDisk);
    }

    private static HttpResponse<byte[]> send(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
