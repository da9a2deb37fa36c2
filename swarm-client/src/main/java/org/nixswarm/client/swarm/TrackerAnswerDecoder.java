package org.nixswarm.client.swarm;

import bt.net.InetPeer;
import bt.net.Peer;
import bt.tracker.TrackerResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeDecoder;

/**
 * Decodes an HTTP tracker's announce answer (BEP 3, compact peers of BEP 23, {@code peers6} of
 * BEP 7) into Bt's {@link TrackerResponse}. Never throws: a malformed answer becomes a failed
 * response whose message says what is wrong, which Bt logs as one line.
 */
final class TrackerAnswerDecoder {
    private TrackerAnswerDecoder() {}

    static TrackerResponse decode(byte[] body, String url) {
        BValue v;
        try {
            v = BencodeDecoder.decode(body);
        } catch (FormatException | IllegalArgumentException e) {
            return TrackerResponse.failure("tracker " + url + " answered with malformed bencode: " + e.getMessage());
        }
        if (!(v instanceof BValue.BDict d)) return TrackerResponse.failure("tracker " + url + " answered with no dictionary");
        if (d.get("failure reason") instanceof BValue.BBytes reason) {
            return TrackerResponse.failure("tracker " + url + " refused the announce: " + reason.utf8());
        }
        try {
            TrackerResponse r = TrackerResponse.ok();
            r.setInterval(intField(d, "interval", true));
            if (d.has("min interval")) r.setMinInterval(intField(d, "min interval", false));
            if (d.has("complete")) r.setSeederCount(intField(d, "complete", false));
            if (d.has("incomplete")) r.setLeecherCount(intField(d, "incomplete", false));
            if (d.get("tracker id") instanceof BValue.BBytes id) r.setTrackerId(id.bytes());
            if (d.get("warning message") instanceof BValue.BBytes w) r.setWarningMessage(w.utf8());
            List<Peer> peers = new ArrayList<>();
            BValue p = d.get("peers");
            if (p == null) throw new IllegalArgumentException("no \"peers\"");
            if (p instanceof BValue.BBytes compact) compact(compact.bytes(), 4, "peers", peers);
            else if (p instanceof BValue.BList list) dictionaries(list, peers);
            else throw new IllegalArgumentException("\"peers\" is neither a string nor a list");
            if (d.get("peers6") instanceof BValue.BBytes compact6) compact(compact6.bytes(), 16, "peers6", peers);
            else if (d.has("peers6")) throw new IllegalArgumentException("\"peers6\" is not a string");
            r.setPeers(peers);
            return r;
        } catch (IllegalArgumentException e) {
            return TrackerResponse.failure("tracker " + url + " answered a malformed announce: " + e.getMessage());
        }
    }

    private static int intField(BValue.BDict d, String key, boolean required) {
        BValue v = d.get(key);
        if (v == null && !required) return 0;
        if (!(v instanceof BValue.BInt i)) throw new IllegalArgumentException(v == null ? "no \"" + key + "\"" : "\"" + key + "\" is not an integer");
        if (i.value() < 0 || i.value() > Integer.MAX_VALUE) throw new IllegalArgumentException("\"" + key + "\" is " + i.value());
        return (int) i.value();
    }

    private static void compact(byte[] b, int addressLength, String key, List<Peer> out) {
        int entry = addressLength + 2;
        if (b.length % entry != 0) {
            throw new IllegalArgumentException("\"" + key + "\" is " + b.length + " bytes, not a multiple of " + entry);
        }
        for (int off = 0; off < b.length; off += entry) {
            int port = ((b[off + addressLength] & 0xff) << 8) | (b[off + addressLength + 1] & 0xff);
            if (port == 0) continue;
            try {
                out.add(InetPeer.build(InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + addressLength)), port));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bad address in \"" + key + "\"");
            }
        }
    }

    /** The original, non-compact form: a list of {ip, port[, peer id]}; only IP literals are accepted. */
    private static void dictionaries(BValue.BList list, List<Peer> out) {
        for (BValue v : list.values()) {
            if (!(v instanceof BValue.BDict d) || !(d.get("ip") instanceof BValue.BBytes ip) || !(d.get("port") instanceof BValue.BInt port)) {
                throw new IllegalArgumentException("a peer is not a dictionary with \"ip\" and \"port\"");
            }
            if (port.value() <= 0 || port.value() > 65535) throw new IllegalArgumentException("peer port " + port.value());
            out.add(InetPeer.build(ipLiteral(ip.utf8()), (int) port.value()));
        }
    }

    private static InetAddress ipLiteral(String s) {
        // never a DNS lookup for a name a tracker hands out
        if (!s.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) throw new IllegalArgumentException("peer ip \"" + s + "\" is not an IP literal");
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("peer ip \"" + s + "\" is not an IP literal");
        }
    }
}
