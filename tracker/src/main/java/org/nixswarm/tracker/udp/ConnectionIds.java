package org.nixswarm.tracker.udp;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.nixswarm.tracker.TrackerClock;

/**
 * BEP 15 connection ids without per-client state: an id is the first 8 bytes of
 * HMAC-SHA256(secret, time window ‖ address ‖ port). It cannot be forged without the secret (which
 * never leaves the process and changes at every start), it is only good for the address and port
 * it was issued to (so a spoofed source cannot use it), and it is only good for the window it was
 * issued in and the next (60 to 120 seconds; BEP 15 asks clients to reconnect after 60).
 */
final class ConnectionIds {
    static final long WINDOW_MILLIS = 60_000;

    private final TrackerClock clock;
    private final ThreadLocal<Mac> macs;

    ConnectionIds(TrackerClock clock) {
        this.clock = clock;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        SecretKeySpec key = new SecretKeySpec(secret, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
            }
        });
    }

    long issue(byte[] address, int port) {
        return compute(clock.millis() / WINDOW_MILLIS, address, port);
    }

    boolean valid(long id, byte[] address, int port) {
        long window = clock.millis() / WINDOW_MILLIS;
        // Compare both windows always, so that timing does not tell which one matched.
        boolean current = id == compute(window, address, port);
        boolean previous = id == compute(window - 1, address, port);
        return current | previous;
    }

    private long compute(long window, byte[] address, int port) {
        Mac mac = macs.get();
        byte[] in = new byte[8 + 2 + address.length];
        for (int i = 0; i < 8; i++) in[i] = (byte) (window >>> (56 - 8 * i));
        in[8] = (byte) (port >>> 8);
        in[9] = (byte) port;
        System.arraycopy(address, 0, in, 10, address.length);
        byte[] h = mac.doFinal(in);
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (h[i] & 0xff);
        return v;
    }
}
