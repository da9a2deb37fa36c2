package org.nixswarm.tracker.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.nixswarm.core.testing.Fuzz;
import org.nixswarm.tracker.AnnounceRequest;

/** Coverage-guided fuzzing of BEP 15 packets as the UDP tracker reads them ({@link UdpRequestDecoder}). */
class UdpRequestFuzzTest {
    private static final Fuzz.Budget BUDGET = Fuzz.Budget.of(4 << 20, 64);

    /**
     * A packet decodes or is refused (with its transaction id); what decodes is in range, and no
     * announce or scrape gets past a connection id that does not check out.
     */
    @FuzzTest
    void decode(byte[] input) throws Exception {
        UdpRequest r = Fuzz.parse(input.length, BUDGET, Fuzz.only(UdpRequestDecoder.Refused.class),
                () -> UdpRequestDecoder.decode(Unpooled.wrappedBuffer(input), id -> true));
        UdpRequest unconnected = Fuzz.parse(input.length, BUDGET, Fuzz.only(UdpRequestDecoder.Refused.class),
                () -> UdpRequestDecoder.decode(Unpooled.wrappedBuffer(input), id -> false));
        assertFalse(unconnected instanceof UdpRequest.Announce || unconnected instanceof UdpRequest.Scrape,
                "an announce or scrape passed with a bad connection id");
        if (r == null) return;
        assertTrue(input.length >= 16);
        ByteBuffer b = ByteBuffer.wrap(input);
        assertEquals(b.getInt(12), r.transactionId());
        if (r instanceof UdpRequest.Connect) {
            assertEquals(UdpRequestDecoder.PROTOCOL_ID, b.getLong(0));
        } else if (r instanceof UdpRequest.Announce an) {
            AnnounceRequest a = an.request();
            assertTrue(input.length >= UdpRequestDecoder.ANNOUNCE_LENGTH);
            assertEquals(20, a.infoHash().length);
            assertEquals(20, a.peerId().length);
            assertTrue(a.port() >= 1 && a.port() <= 65535, "port " + a.port());
            assertTrue(a.uploaded() >= 0 && a.downloaded() >= 0 && a.left() >= 0, a.toString());
            assertTrue(a.numwant() >= -1, "numwant " + a.numwant());
        } else if (r instanceof UdpRequest.Scrape s) {
            assertEquals((input.length - 16) / 20, s.infoHashes().size());
            assertTrue(!s.infoHashes().isEmpty() && s.infoHashes().size() <= UdpRequestDecoder.MAX_SCRAPE_HASHES);
            for (byte[] h : s.infoHashes()) assertEquals(20, h.length);
        }
    }
}
