package org.nixswarm.tracker.udp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.nixswarm.tracker.PeerSelection;

/** Writes BEP 15 responses. IPv4 requesters get 6-byte peers, IPv6 requesters 18-byte ones. */
final class UdpResponseEncoder {
    private UdpResponseEncoder() {}

    static void connect(ByteBuf b, int tid, long connectionId) {
        b.writeInt(UdpRequestDecoder.CONNECT).writeInt(tid).writeLong(connectionId);
    }

    static void announce(ByteBuf b, int tid, int interval, PeerSelection s, boolean v6) {
        b.writeInt(UdpRequestDecoder.ANNOUNCE).writeInt(tid).writeInt(interval);
        b.writeInt(s.incomplete()).writeInt(s.complete());
        if (v6) {
            for (int i = 0; i < s.count6(); i++) b.writeBytes(s.v6(), i * PeerSelection.V6_ENTRY, 18);
        } else {
            for (int i = 0; i < s.count4(); i++) b.writeBytes(s.v4(), i * PeerSelection.V4_ENTRY, 6);
        }
    }

    static void scrapeHeader(ByteBuf b, int tid) {
        b.writeInt(UdpRequestDecoder.SCRAPE).writeInt(tid);
    }

    /** One infohash's counts: seeders, completed, leechers. */
    static void scrapeEntry(ByteBuf b, int seeders, int completed, int leechers) {
        b.writeInt(seeders).writeInt(completed).writeInt(leechers);
    }

    static void error(ByteBuf b, int tid, String message) {
        b.writeInt(UdpRequestDecoder.ERROR).writeInt(tid);
        b.writeBytes(message.getBytes(StandardCharsets.UTF_8));
    }
}
