package org.nixswarm.core.sign;

import org.nixswarm.core.FormatException;
import org.nixswarm.core.store.Quoting;

/** Key names ({@code cache.nixos.org-1}): what precedes the first ':' in keys and signatures. */
final class KeyName {
    private KeyName() {}

    /** Non-empty printable ASCII without ':' or spaces: Nix splits at the first ':' and trims nothing. */
    static String check(String name, String what) {
        if (name.isEmpty()) throw new FormatException(what + ": empty key name");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == ':') {
                throw new FormatException(what + ": illegal character " + Quoting.quote(String.valueOf(c))
                        + " in key name " + Quoting.quote(name));
            }
        }
        return name;
    }

    /** Decodes canonical padded base64 of exactly {@code size} bytes; {@code describe} says what it is. */
    static byte[] base64(String b64, int size, String what, boolean secret) {
        byte[] bytes;
        try {
            bytes = java.util.Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new FormatException(what + ": not valid base64" + (secret ? "" : " " + Quoting.quote(b64)));
        }
        if (bytes.length != size) {
            throw new FormatException(what + ": expected " + size + " bytes of base64, got " + bytes.length);
        }
        if (!java.util.Base64.getEncoder().encodeToString(bytes).equals(b64)) {
            throw new FormatException(what + ": base64 is not in canonical padded form");
        }
        return bytes;
    }
}
