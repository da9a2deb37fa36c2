package org.nixswarm.tracker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.nixswarm.core.testing.Fuzz;
import org.nixswarm.tracker.AnnounceRequest;
import org.nixswarm.tracker.RequestRefused;

/**
 * Coverage-guided fuzzing of what the HTTP tracker reads from a socket: request framing
 * ({@link HttpTrackerRequestDecoder}) and announce/scrape query parsing ({@link QueryParser}).
 */
class HttpRequestFuzzTest {
    private static final Fuzz.Budget BUDGET = Fuzz.Budget.of(4 << 20, 64);

    /**
     * The bytes of a connection, cut into two TCP segments where the first byte says: framing never
     * throws and does not depend on the cut; each framed GET's query is parsed or refused with a
     * one-line {@link RequestRefused}, and what is accepted is in range.
     */
    @FuzzTest
    void frameAndParse(byte[] input) throws Exception {
        int cut = input.length == 0 ? 0 : (input[0] & 0xff) % input.length;
        List<HttpTrackerRequest> whole = Fuzz.parse(input.length, BUDGET, e -> false, () -> frame(input, input.length));
        List<HttpTrackerRequest> split = frame(input, cut);
        assertEquals(describe(whole), describe(split), "framing depends on where the stream was cut (at " + cut + ")");
        for (HttpTrackerRequest r : whole) {
            if (r.error() != null) {
                assertTrue(r.status() >= 400 && r.status() < 600, "status " + r.status());
                continue;
            }
            if (!r.get()) continue;
            byte[] t = r.target();
            int q = QueryParser.indexOf(t, (byte) '?', 0, t.length);
            int from = Math.min(q + 1, t.length);
            AnnounceRequest a = Fuzz.parse(t.length, BUDGET, Fuzz.only(RequestRefused.class),
                    () -> QueryParser.announce(t, from, t.length, true));
            if (a != null) {
                assertEquals(20, a.infoHash().length);
                assertEquals(20, a.peerId().length);
                assertTrue(a.port() >= 1 && a.port() <= 65535, "port " + a.port());
                assertTrue(a.uploaded() >= 0 && a.downloaded() >= 0 && a.left() >= 0, a.toString());
                assertTrue(a.numwant() >= -1, "numwant " + a.numwant());
                assertTrue(a.ip() == null || a.ip().length == 4 || a.ip().length == 16, () -> "ip of " + a.ip().length + " bytes");
            }
            List<byte[]> hashes = Fuzz.parse(t.length, BUDGET, Fuzz.only(RequestRefused.class),
                    () -> QueryParser.scrape(t, from, t.length));
            if (hashes != null) {
                assertTrue(!hashes.isEmpty() && hashes.size() <= QueryParser.MAX_SCRAPE_HASHES, hashes.size() + " hashes");
                for (byte[] h : hashes) assertEquals(20, h.length);
            }
        }
    }

    private static List<HttpTrackerRequest> frame(byte[] input, int cut) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpTrackerRequestDecoder(8192, 4096));
        // copies: the decoder's cumulation may compact a buffer in place, which would rewrite a wrapped input
        ch.writeInbound(Unpooled.copiedBuffer(input, 0, cut));
        ch.writeInbound(Unpooled.copiedBuffer(input, cut, input.length - cut));
        ch.finish();
        List<HttpTrackerRequest> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) out.add((HttpTrackerRequest) o);
        return out;
    }

    private static List<String> describe(List<HttpTrackerRequest> requests) {
        List<String> out = new ArrayList<>();
        for (HttpTrackerRequest r : requests) {
            out.add(r.get() + " " + r.method() + " " + (r.target() == null ? null : HexFormat.of().formatHex(r.target()))
                    + " " + r.keepAlive() + " " + r.http10() + " " + r.forwardedFor() + " " + r.error() + " "
                    + r.status() + " " + r.message());
        }
        return out;
    }
}
