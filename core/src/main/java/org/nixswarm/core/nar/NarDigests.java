package org.nixswarm.core.nar;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

final class NarDigests {
    private NarDigests() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
