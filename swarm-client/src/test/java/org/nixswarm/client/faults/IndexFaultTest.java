package org.nixswarm.client.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nixswarm.client.TestBundle;
import org.nixswarm.client.resolve.IndexClient;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.sign.PublicKey;

/**
 * The index answering badly (WireMock faults, a raw socket that cuts the body): a lookup fails
 * with an IOException naming the index, in bounded time, and never yields an entry that is not
 * the planner's. Entries are checked one by one: a forged or malformed one is refused without
 * losing the good ones beside it.
 */
class IndexFaultTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @TempDir Path tmp;
    private WireMockServer wm;
    private TestBundle b;

    @BeforeEach
    void start() throws Exception {
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        // Jetty's first answer can take longer than the lookups' 500 ms on a loaded machine: one
        // admin request first, so the timeouts below measure faults, not a cold server
        wm.getStubMappings();
        var warm = (java.net.HttpURLConnection) java.net.URI.create(wm.baseUrl() + "/__admin/mappings").toURL().openConnection();
        warm.getInputStream().readAllBytes();
        warm.disconnect();
        b = new TestBundle(tmp.resolve("cache"), new long[] {10_000, 20_000, 30_000}, 16384, 5);
    }

    @AfterEach
    void stop() {
        wm.stop();
        b.close();
    }

    private IndexClient client(String base) {
        return new IndexClient(base, List.of(PublicKey.parse(b.plannerKeyPublic())), TIMEOUT, Duration.ofSeconds(30));
    }

    private String prefixPath(int i) {
        return "/v1/prefix/" + IndexClient.prefixOf(b.hash(i));
    }

    @Test
    void aForgedOrMalformedEntryIsRefusedAndTheOthersUnderThePrefixStillServe() throws Exception {
        ObjectNode good = b.entry(0);
        ObjectNode forged = b.entry(1).put("fileSize", 1); // no longer what the planner signed
        ObjectNode malformed = b.entry(2).put("infohash", "not hex");
        // all three filed under the prefix of entry 0 (the index chooses what it returns)
        String body = "[" + good + "," + forged + "," + malformed + "]";
        wm.stubFor(get(urlPathEqualTo(prefixPath(0))).willReturn(aResponse().withStatus(200).withBody(body)));
        for (int i = 1; i <= 2; i++) {
            wm.stubFor(get(urlPathEqualTo(prefixPath(i))).willReturn(aResponse().withStatus(200).withBody(body)));
        }
        IndexClient c = client(wm.baseUrl());
        Optional<IndexEntry> e = c.lookup(b.hash(0));
        assertTrue(e.isPresent(), "the good entry");
        assertEquals(b.hash(0), e.get().storeHash());
        assertEquals(Optional.empty(), c.lookup(b.hash(1)), "an entry whose signature does not cover it");
        assertEquals(Optional.empty(), c.lookup(b.hash(2)), "a malformed entry");
        assertEquals(b.hash(0), c.lookup(b.hash(0)).orElseThrow().storeHash(), "asked again: still served");
    }

    /**
     * Two entries for one store hash, one of them with a signature that does not verify: the one
     * that verifies is served whichever comes first, and the bad one is logged naming the hash.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aDuplicateWithABadSignatureNeverHidesTheGoodEntry(boolean goodFirst) throws Exception {
        ObjectNode good = b.entry(0);
        ObjectNode bad = b.entry(0).put("sig", b.entry(1).get("sig").asText()); // another entry's signature
        String body = goodFirst ? "[" + good + "," + bad + "]" : "[" + bad + "," + good + "]";
        wm.stubFor(get(urlPathEqualTo(prefixPath(0))).willReturn(aResponse().withStatus(200).withBody(body)));
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(IndexClient.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            // a long timeout: the first request to a fresh WireMock can take seconds on a loaded machine
            IndexClient c = new IndexClient(wm.baseUrl(), List.of(PublicKey.parse(b.plannerKeyPublic())), Duration.ofSeconds(10), Duration.ofSeconds(30));
            Optional<IndexEntry> e = c.lookup(b.hash(0));
            assertTrue(e.isPresent(), "the entry that verifies is served (" + (goodFirst ? "good first" : "bad first") + ")");
            assertEquals(good.get("sig").asText(), e.get().sig(), "the good entry");
            assertTrue(c.lookup(b.hash(0)).isPresent(), "asked again: still served");
            assertTrue(seen.list.stream().anyMatch(ev -> ev.getLevel() == ch.qos.logback.classic.Level.WARN
                    && ev.getFormattedMessage().contains(b.hash(0))), "the bad duplicate logged with its store hash: " + seen.list);
        } finally {
            log.detachAppender(seen);
        }
    }

    @Test
    void anEntryFiledUnderAnotherHashIsRefused() throws Exception {
        // the JSON says storeHash of path 1 but carries path 0's signed entry: a swap, not a lookup
        ObjectNode swapped = b.entry(0).put("storeHash", b.hash(1));
        wm.stubFor(get(urlPathEqualTo(prefixPath(1))).willReturn(aResponse().withStatus(200).withBody("[" + swapped + "]")));
        assertEquals(Optional.empty(), client(wm.baseUrl()).lookup(b.hash(1)));
    }

    /**
     * A bundle directory that is garbage, cut off, a connection reset or a 500: nothing thrown at
     * the caller, and lookups go on by prefix as if the index had no directories (a line cut off
     * mid-entry fails the whole answer; the prefix answers for the path either way).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"garbage", "truncated", "reset", "500"})
    void aBrokenBundleDirectoryIsIgnoredAndLookupsGoOnByPrefix(String how) throws Exception {
        String dir = "/v1/bundle/" + b.infohash() + "/entries";
        String full = b.entry(0) + "\n" + b.entry(1) + "\n";
        var answer = switch (how) {
            case "garbage" -> aResponse().withStatus(200).withBody("{\"storeHash\": [not json\n");
            case "truncated" -> aResponse().withStatus(200).withBody(full.substring(0, full.length() / 2));
            case "reset" -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
            default -> aResponse().withStatus(500).withBody("boom");
        };
        wm.stubFor(get(urlPathEqualTo(dir)).willReturn(answer));
        wm.stubFor(get(urlPathEqualTo(prefixPath(1))).willReturn(aResponse().withStatus(200).withBody("[" + b.entry(1) + "]")));
        IndexClient c = client(wm.baseUrl());
        c.learnBundle(b.infohash(), Runnable::run);
        assertEquals(b.hash(1), c.lookup(b.hash(1)).orElseThrow().storeHash());
        wm.verify(1, com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo(prefixPath(1))));
        // (a reset connection is retried once on a fresh one, as every index request is)
        int asked = wm.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo(dir))).size();
        assertTrue(asked >= 1 && asked <= 2, "directory requests: " + asked);
        c.learnBundle(b.infohash(), Runnable::run);
        wm.verify(asked, com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo(dir)));
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aBrokenAnswerIsAnIoErrorNamingTheIndex(Fault fault) {
        wm.stubFor(get(urlPathEqualTo(prefixPath(0))).willReturn(aResponse().withFault(fault)));
        IOException e = assertThrows(IOException.class, () -> client(wm.baseUrl()).lookup(b.hash(0)));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a message for the log: " + e);
    }

    @Test
    void aServerErrorIsAnIoErrorWithItsStatus() {
        wm.stubFor(get(urlPathEqualTo(prefixPath(0))).willReturn(aResponse().withStatus(503).withBody("down")));
        IOException e = assertThrows(IOException.class, () -> client(wm.baseUrl()).lookup(b.hash(0)));
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
    }

    @Test
    void notFoundIsNoEntryNotAnError() throws Exception {
        wm.stubFor(get(urlPathEqualTo(prefixPath(0))).willReturn(aResponse().withStatus(404)));
        assertEquals(Optional.empty(), client(wm.baseUrl()).lookup(b.hash(0)));
    }

    @Test
    void aStalledAnswerTimesOut() {
        wm.stubFor(get(urlPathEqualTo(prefixPath(0))).willReturn(aResponse().withStatus(200).withBody("[]").withFixedDelay(10_000)));
        long t0 = System.nanoTime();
        assertThrows(IOException.class, () -> client(wm.baseUrl()).lookup(b.hash(0)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5_000, "a stalled index held the lookup for " + ms + " ms");
    }

    @Test
    void aBodyCutShortOfItsLengthIsAnErrorNotAShorterAnswer() throws Exception {
        byte[] body = ("[" + b.entry(0) + "]").getBytes(StandardCharsets.UTF_8);
        cutAnswer(("HTTP/1.1 200 OK\r\nContent-Length: " + (body.length + 500) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body);
    }

    @Test
    void aChunkedBodyWithoutItsLastChunkIsAnError() throws Exception {
        byte[] entry = ("[" + b.entry(0) + "]").getBytes(StandardCharsets.UTF_8);
        byte[] chunk = (Integer.toHexString(entry.length) + "\r\n" + new String(entry, StandardCharsets.UTF_8) + "\r\n").getBytes(StandardCharsets.UTF_8);
        cutAnswer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII), chunk);
    }

    /** A server that sends {@code head} and {@code body}, then closes: the answer never completes. */
    private void cutAnswer(byte[] head, byte[] body) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = ss.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    OutputStream o = s.getOutputStream();
                    o.write(head);
                    o.write(body);
                    o.flush();
                } catch (IOException ignored) {
                    // the test's assertion is on the client side
                }
            });
            t.start();
            assertThrows(IOException.class, () -> client("http://127.0.0.1:" + ss.getLocalPort() + "/").lookup(b.hash(0)));
            t.join(5000);
        }
    }
}
