package org.nixswarm.client.faults;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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

    private FaultBundle bundle(List<String> seeds) throws IOException {
        return new FaultBundle(tmp.resolve("cache"), new long[] {SIZE}, 16384, 21, seeds);
    }

    private String base(String prefix) {
        return "http://127.0.0.1:" + wm.port() + "/" + prefix + "/";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void aWebSeedThatOnlyMisbehavesNeverYieldsABadFile(String name, Function<byte[], ResponseDefinitionBuilder> fault) throws Exception {
        try (FaultBundle b = bundle(List.of(base("ws")))) {
            wm.stubFor(get(urlPathEqualTo("/ws" + b.urlPath(0))).willReturn(fault.apply(b.data(0))));
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index));
                 SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
                assertEquals(200, send(s.url() + "/" + b.hash(0) + ".narinfo").statusCode());
                NarFile f = c.download(c.resolve(b.hash(0)));
                // Nix asks for the file: whatever it gets must be a strict prefix of the real bytes (an aborted stream)
                try {
                    HttpResponse<byte[]> r = send(s.url() + "/nar/" + b.fileName(0));
                    byte[] got = r.body();
                    assertTrue(got.length < SIZE, name + ": a whole file was served");
                    if (r.statusCode() == 200) assertArrayEquals(Arrays.copyOf(b.data(0), got.length), got, name + ": bad bytes served");
                } catch (IOException aborted) {
                    // the stream was cut: what Nix must see when no source delivers
                }
                ExecutionException failed = assertThrows(ExecutionException.class, () -> f.completion().get(30, TimeUnit.SECONDS));
                assertTrue(String.valueOf(failed.getCause().getMessage()).contains(b.fileName(0)), "error names the file: " + failed.getCause());
                assertFalse(f.isComplete());
                assertEquals(0, f.bytesFromWebSeed(), name + ": no byte accepted");
                assertFalse(Files.exists(tmp.resolve("client/nar/" + b.fileName(0))), name + ": never in nar/");
                assertTrue(wm.countRequestsMatching(getRequestedFor(urlPathEqualTo("/ws" + b.urlPath(0))).build()).getCount() >= 2,
                        name + ": retried");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void aWebSeedThatMisbehavesTwiceThenAnswersWellYieldsTheRightFile(String name, Function<byte[], ResponseDefinitionBuilder> fault)
            throws Exception {
        try (FaultBundle b = bundle(List.of(base("ws")))) {
            String path = "/ws" + b.urlPath(0);
            wm.stubFor(get(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(fault.apply(b.data(0))).willSetStateTo("once"));
            wm.stubFor(get(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs("once")
                    .willReturn(fault.apply(b.data(0))).willSetStateTo("good"));
            wm.stubFor(get(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs("good")
                    .willReturn(partial(b.data(0), SIZE)));
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index))) {
                NarFile f = c.download(c.resolve(b.hash(0)));
                f.completion().get(30, TimeUnit.SECONDS);
                assertFileIsRight(b, f);
                assertEquals(3, wm.countRequestsMatching(getRequestedFor(urlPathEqualTo(path)).build()).getCount(), name);
            }
        }
    }

    @Test
    void aSecondWebSeedIsUsedWhenTheFirstKeepsFailing() throws Exception {
        try (FaultBundle b = bundle(List.of(base("down"), base("up")))) {
            wm.stubFor(get(urlPathEqualTo("/down" + b.urlPath(0))).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
            wm.stubFor(get(urlPathEqualTo("/up" + b.urlPath(0))).willReturn(partial(b.data(0), SIZE)));
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index))) {
                NarFile f = c.download(c.resolve(b.hash(0)));
                f.completion().get(30, TimeUnit.SECONDS);
                assertFileIsRight(b, f);
                assertTrue(wm.countRequestsMatching(getRequestedFor(urlPathEqualTo("/down" + b.urlPath(0))).build()).getCount() >= 2);
            }
        }
    }

    @Test
    void a200WithTheWholeFileInsteadOf206IsAcceptedWhenItIsRight() throws Exception {
        try (FaultBundle b = bundle(List.of(base("ws")))) {
            wm.stubFor(get(urlPathEqualTo("/ws" + b.urlPath(0))).willReturn(aResponse().withStatus(200).withBody(b.data(0))));
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index))) {
                NarFile f = c.download(c.resolve(b.hash(0)));
                f.completion().get(30, TimeUnit.SECONDS);
                assertFileIsRight(b, f);
            }
        }
    }

    @Test
    void aSlowDripStillYieldsTheRightFile() throws Exception {
        try (FaultBundle b = bundle(List.of(base("ws")))) {
            wm.stubFor(get(urlPathEqualTo("/ws" + b.urlPath(0))).willReturn(partial(b.data(0), SIZE).withChunkedDribbleDelay(20, 1500)));
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index))) {
                long t0 = System.nanoTime();
                NarFile f = c.download(c.resolve(b.hash(0)));
                f.completion().get(30, TimeUnit.SECONDS);
                assertTrue(System.nanoTime() - t0 >= 1_000_000_000L, "the drip was slow");
                assertFileIsRight(b, f);
            }
        }
    }

    private void assertFileIsRight(FaultBundle b, NarFile f) throws Exception {
        assertTrue(f.isComplete());
        assertEquals(SIZE, f.bytesFromWebSeed());
        byte[] onDisk = Files.readAllBytes(tmp.resolve("client/nar/" + b.fileName(0)));
        assertEquals(b.narinfo(0).fileHash().orElseThrow(), Hash.sha256(onDisk), "FileHash");
        assertArrayEquals(b.data(0), onDisk);
    }

    private static HttpResponse<byte[]> send(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
