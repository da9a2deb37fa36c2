package org.nixswarm.tracker.udp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.nixswarm.tracker.AnnounceRequest;
import org.nixswarm.tracker.ErrorKind;
import org.nixswarm.tracker.Event;
import org.nixswarm.tracker.RequestRefused;

/**
 * Reads BEP 15 packets. Everything is checked before anything is used: the packet length for its
 * action, the connection id (before any announce or scrape field is even read), every field's
 * range. A bad packet is a {@link RequestRefused} carrying the transaction id to answer with.
 */
final class UdpRequestDecoder {
    static final long PROTOCOL_ID = 0x41727101980L;
    static final int CONNECT = 0;
    static final int ANNOUNCE = 1;
    static final int SCRAPE = 2;
    static final int ERROR = 3;
    static final int ANNOUNCE_LENGTH = 98;
    static final int MAX_SCRAPE_HASHES = 74;

    /** A refusal that remembers which transaction it answers. */
    static final class Refused extends RuntimeException {
        final int transactionId;
        final ErrorKind kind;

        Refused(int transactionId, ErrorKind kind, String message) {
            super(message, null, false, false);
            this.transactionId = transactionId;
            this.kind = kind;
        }
    }

    /** Checks a connection id for the sender. */
    interface IdCheck {
        boolean valid(long connectionId);
    }

    private UdpRequestDecoder() {}

    static UdpRequest decode(ByteBuf p, IdCheck ids) {
        int len = p.readableBytes();
        int at = p.readerIndex();
        if (len < 16) {
            throw new Refused(0, ErrorKind.UDP_MALFORMED,
                    "packet of " + len + " bytes is too short for a BEP 15 request (16 at least)");
        }
        long connectionId = p.getLong(at);
        int action = p.getInt(at + 8);
        int tid = p.getInt(at + 12);
        if (action == CONNECT) {
            if (connectionId != PROTOCOL_ID) {
                throw new Refused(tid, ErrorKind.UDP_MALFORMED, "connect must carry the protocol id 0x41727101980");
            }
            return new UdpRequest.Connect(tid);
        }
        if (action != ANNOUNCE && action != SCRAPE) {
            throw new Refused(tid, ErrorKind.UDP_ACTION, "unknown action " + action);
        }
        if (!ids.valid(connectionId)) {
            throw new Refused(tid, ErrorKind.UDP_CONNECTION_ID, "connection id expired or invalid, connect again");
        }
        return action == ANNOUNCE ? announce(p, at, len, tid) : scrape(p, at, len, tid);
    }

    private static UdpRequest announce(ByteBuf p, int at, int len, int tid) {
        if (len < ANNOUNCE_LENGTH) {
            throw new Refused(tid, ErrorKind.UDP_MALFORMED, "announce must be " + ANNOUNCE_LENGTH + " bytes, got " + len);
        }
        byte[] infoHash = new byte[20];
        p.getBytes(at + 16, infoHash);
        byte[] peerId = new byte[20];
        p.getBytes(at + 36, peerId);
        long downloaded = nonNegative(p.getLong(at + 56), "downloaded", tid);
        long left = nonNegative(p.getLong(at + 64), "left", tid);
        long uploaded = nonNegative(p.getLong(at + 72), "uploaded", tid);
        int eventCode = p.getInt(at + 80);
        Event event = Event.fromUdp(eventCode);
        if (event == null) {
            throw new Refused(tid, ErrorKind.BAD_EVENT, "event must be 0 to 3, got " + eventCode);
        }
        int ip = p.getInt(at + 84);
        int key = p.getInt(at + 88);
        int numwant = p.getInt(at + 92);
        int port = p.getUnsignedShort(at + 96);
        if (port == 0) throw new Refused(tid, ErrorKind.BAD_PORT, "port must be from 1 to 65535, got 0");
        byte[] ipBytes = ip == 0 ? null : new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
        // Extensions (BEP 41) may follow the 98 bytes; they are ignored.
        return new UdpRequest.Announce(tid, new AnnounceRequest(infoHash, peerId, port, uploaded, downloaded, left,
                event, numwant < 0 ? -1 : numwant, true, true, ipBytes, Integer.toHexString(key)));
    }

    private static UdpRequest scrape(ByteBuf p, int at, int len, int tid) {
        int body = len - 16;
        if (body == 0) throw new Refused(tid, ErrorKind.MISSING_FIELD, "scrape needs at least one infohash");
        if (body % 20 != 0) {
            throw new Refused(tid, ErrorKind.UDP_MALFORMED, "scrape must carry whole 20-byte infohashes, got "
                    + body + " bytes");
        }
        int n = body / 20;
        if (n > MAX_SCRAPE_HASHES) {
            throw new Refused(tid, ErrorKind.TOO_MANY_HASHES, "a scrape may name at most " + MAX_SCRAPE_HASHES
                    + " infohashes, got " + n);
        }
        List<byte[]> hashes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] h = new byte[20];
            p.getBytes(at + 16 + 20 * i, h);
            hashes.add(h);
        }
        return new UdpRequest.Scrape(tid, hashes);
    }

    private static long nonNegative(long v, String field, int tid) {
        if (v < 0) throw new Refused(tid, ErrorKind.BAD_NUMBER, field + " must not be negative, got " + v);
        return v;
    }
}
