package org.nixswarm.core.sign;

import java.util.Arrays;
import java.util.Base64;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.store.Quoting;

/** A detached ed25519 signature as Nix writes it: {@code <key name>:<base64 of 64 bytes>}. */
public record Signature(String keyName, byte[] bytes) {
    public static final int SIZE = 64;

    public Signature {
        KeyName.check(keyName, "signature");
        if (bytes.length != SIZE) throw new IllegalArgumentException("ed25519 signatures have 64 bytes, got " + bytes.length);
        bytes = bytes.clone();
    }

    public static Signature parse(String s) {
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new FormatException("signature " + Quoting.quote(s) + ": expected <key name>:<base64>");
        }
        String what = "signature " + Quoting.quote(s);
        return new Signature(KeyName.check(s.substring(0, colon), what),
                KeyName.base64(s.substring(colon + 1), SIZE, what, false));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Signature s && s.keyName.equals(keyName) && Arrays.equals(s.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return keyName.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return keyName + ":" + Base64.getEncoder().encodeToString(bytes);
    }
}
