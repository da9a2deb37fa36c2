package org.nixswarm.tracker.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.nixswarm.tracker.IpLiteral;
import org.nixswarm.tracker.PeerSelection;

/**
 * Writes tracker answers as bencode straight into a buffer. Dictionary keys are written in
 * sorted byte order, as BEP 3 requires, by construction. Constant pieces are pre-encoded.
 */
final class BencodeWriter {
    private static final byte[] COMPLETE = ascii("d8:completei");
    private static final byte[] DOWNLOADED = ascii("e10:downloadedi");
    private static final byte[] INCOMPLETE = ascii("e10:incompletei");
    private static final byte[] INTERVAL = ascii("e8:intervali");
    private static final byte[] MIN_INTERVAL = ascii("e12:min intervali");
    private static final byte[] PEERS = ascii("e5:peers");
    private static final byte[] PEERS6 = ascii("6:peers6");
    private static final byte[] FAILURE = ascii("d14:failure reason");
    private static final byte[] IP = ascii("d2:ip");
    private static final byte[] PEER_ID = ascii("7:peer id20:");
    private static final byte[] PORT = ascii("4:porti");

    private BencodeWriter() {}

    static void announce(ByteBuf b, PeerSelection s, int interval, int minInterval, boolean compact, boolean noPeerId) {
        b.writeBytes(COMPLETE);
        writeDecimal(b, s.complete());
        b.writeBytes(DOWNLOADED);
        writeDecimal(b, s.downloaded());
        b.writeBytes(INCOMPLETE);
        writeDecimal(b, s.incomplete());
        b.writeBytes(INTERVAL);
        writeDecimal(b, interval);
        b.writeBytes(MIN_INTERVAL);
        writeDecimal(b, minInterval);
        b.writeBytes(PEERS);
        if (compact) {
            compactPeers(b, s.v4(), s.count4(), 4);
            if (s.count6() > 0) {
                b.writeBytes(PEERS6);
                compactPeers(b, s.v6(), s.count6(), 16);
            }
        } else {
            b.writeByte('l');
            dictPeers(b, s.v4(), s.count4(), 4, noPeerId);
            dictPeers(b, s.v6(), s.count6(), 16, noPeerId);
            b.writeByte('e');
        }
        b.writeByte('e');
    }

    private static void compactPeers(ByteBuf b, byte[] entries, int n, int addressLength) {
        int entry = addressLength + 2 + 20;
        writeDecimal(b, n * (addressLength + 2));
        b.writeByte(':');
        for (int i = 0; i < n; i++) b.writeBytes(entries, i * entry, addressLength + 2);
    }

    private static void dictPeers(ByteBuf b, byte[] entries, int n, int addressLength, boolean noPeerId) {
        int entry = addressLength + 2 + 20;
        for (int i = 0; i < n; i++) {
            int off = i * entry;
            b.writeBytes(IP);
            byteString(b, IpLiteral.format(entries, off, addressLength).getBytes(StandardCharsets.US_ASCII));
            if (!noPeerId) {
                b.writeBytes(PEER_ID);
                b.writeBytes(entries, off + addressLength + 2, 20);
            }
            b.writeBytes(PORT);
            writeDecimal(b, ((entries[off + addressLength] & 0xff) << 8) | (entries[off + addressLength + 1] & 0xff));
            b.writeByte('e').writeByte('e');
        }
    }

    /** {@code hashes} sorted and distinct; {@code counts[i]} = complete, downloaded, incomplete. */
    static void scrape(ByteBuf b, List<byte[]> hashes, int[][] counts) {
        b.writeBytes(ascii("d5:filesd"));
        for (int i = 0; i < hashes.size(); i++) {
            b.writeBytes(ascii("20:"));
            b.writeBytes(hashes.get(i));
            b.writeBytes(COMPLETE);
            writeDecimal(b, counts[i][0]);
            b.writeBytes(DOWNLOADED);
            writeDecimal(b, counts[i][1]);
            b.writeBytes(INCOMPLETE);
            writeDecimal(b, counts[i][2]);
            b.writeByte('e').writeByte('e');
        }
        b.writeByte('e').writeByte('e');
    }

    static void failure(ByteBuf b, String message) {
        b.writeBytes(FAILURE);
        byteString(b, message.getBytes(StandardCharsets.UTF_8));
        b.writeByte('e');
    }

    private static void byteString(ByteBuf b, byte[] s) {
        writeDecimal(b, s.length);
        b.writeByte(':');
        b.writeBytes(s);
    }

    static void writeDecimal(ByteBuf b, long v) {
        if (v < 0) {
            b.writeByte('-');
            v = -v;
        }
        if (v < 10) {
            b.writeByte((int) ('0' + v));
            return;
        }
        int digits = 1;
        for (long x = v / 10; x > 0; x /= 10) digits++;
        int at = b.writerIndex();
        b.ensureWritable(digits);
        for (int i = digits - 1; i >= 0; i--) {
            b.setByte(at + i, (int) ('0' + v % 10));
            v /= 10;
        }
        b.writerIndex(at + digits);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
