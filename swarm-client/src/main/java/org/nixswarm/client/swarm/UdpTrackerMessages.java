package org.nixswarm.client.swarm;

import bt.net.InetPeer;
import bt.net.Peer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The UDP tracker protocol's packets (BEP 15): connect and announce requests out, connect,
 * announce and error answers in. Decoding never throws anything but
 * {@link IllegalArgumentException}, whose message says what is wrong with the packet.
 */
final class UdpTrackerMessages {
    static final long PROTOCOL_ID = 0x41727101980L;
    static final int CONNECT = 0, ANNOUNCE = 1, ERROR = 3;
    static final int ANNOUNCE_LENGTH = 98;

    private UdpTrackerMessages() {}

    sealed interface Answer permits Connected, Announced, Refused {
        int transactionId();
    }

    record Connected(int transactionId, long connectionId) implements Answer {}

    record Announced(int transactionId, int interval, int leechers, int seeders, List<Peer> peers) implements Answer {}

    /** Action 3: the tracker's message, on one line. */
    record Refused(int transactionId, String message) implements Answer {}

    static byte[] connect(int transactionId) {
        return ByteBuffer.allocate(16).putLong(PROTOCOL_ID).putInt(CONNECT).putInt(transactionId).array();
    }

    /**
     * @param event 0 none, 1 completed, 2 started, 3 stopped
     * @param ipv4 the address to announce, or null (the tracker takes the packet's source)
     * @param numWant -1: the tracker's default
     */
    static byte[] announce(long connectionId, int transactionId, byte[] infoHash, byte[] peerId, long downloaded, long left,
                           long uploaded, int event, InetAddress ipv4, int key, int numWant, int port) {
        if (infoHash.length != 20 || peerId.length != 20) throw new IllegalArgumentException("info hash and peer id are 20 bytes");
        ByteBuffer b = ByteBuffer.allocate(ANNOUNCE_LENGTH);
        b.putLong(connectionId).putInt(ANNOUNCE).putInt(transactionId).put(infoHash).put(peerId);
        b.putLong(downloaded).putLong(left).putLong(uploaded).putInt(event);
        b.put(ipv4 != null && ipv4.getAddress().length == 4 ? ipv4.getAddress() : new byte[4]);
        b.putInt(key).putInt(numWant).putShort((short) port);
        return b.array();
    }

    /** The transaction id of an answer, or empty when the packet is too short to carry one. */
    static java.util.OptionalInt transactionId(byte[] packet, int length) {
        return length < 8 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(ByteBuffer.wrap(packet, 4, 4).getInt());
    }

    /**
     * An answer from a tracker reached over IPv4 ({@code addressLength} 4: 6-byte peers) or IPv6
     * (16: 18-byte peers, as BEP 15 specifies for trackers reached over IPv6).
     */
    static Answer decode(byte[] packet, int length, int addressLength) {
        if (length < 8) throw new IllegalArgumentException("answer of " + length + " bytes (at least 8: action, transaction id)");
        ByteBuffer b = ByteBuffer.wrap(packet, 0, length);
        int action = b.getInt();
        int tid = b.getInt();
        switch (action) {
            case CONNECT -> {
                if (length < 16) throw new IllegalArgumentException("connect answer of " + length + " bytes (16 expected)");
                return new Connected(tid, b.getLong());
            }
            case ANNOUNCE -> {
                if (length < 20) throw new IllegalArgumentException("announce answer of " + length + " bytes (at least 20)");
                int interval = b.getInt(), leechers = b.getInt(), seeders = b.getInt();
                if (interval < 0) throw new IllegalArgumentException("announce interval " + interval);
                int entry = addressLength + 2;
                if ((length - 20) % entry != 0) {
                    throw new IllegalArgumentException("announce answer of " + length + " bytes: peers are not a whole number of "
                            + entry + "-byte entries");
                }
                List<Peer> peers = new ArrayList<>((length - 20) / entry);
                for (int off = 20; off < length; off += entry) {
                    int port = ((packet[off + addressLength] & 0xff) << 8) | (packet[off + addressLength + 1] & 0xff);
                    if (port == 0) continue;
                    try {
                        peers.add(InetPeer.build(InetAddress.getByAddress(Arrays.copyOfRange(packet, off, off + addressLength)), port));
                    } catch (UnknownHostException e) {
                        throw new IllegalArgumentException("bad peer address");
                    }
                }
                return new Announced(tid, interval, Math.max(0, leechers), Math.max(0, seeders), peers);
            }
            case ERROR -> {
                return new Refused(tid, oneLine(new String(packet, 8, length - 8, StandardCharsets.UTF_8)));
            }
            default -> throw new IllegalArgumentException("unknown action " + action);
        }
    }

    /** A tracker's text made printable on one line: control characters become spaces, at most 200 characters. */
    static String oneLine(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && out.length() < 200; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        String t = out.toString().strip();
        return t.isEmpty() ? "(no message)" : t;
    }
}
