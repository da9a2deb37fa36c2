package org.nixswarm.core.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.store.Quoting;

/** An ed25519 public key in Nix's format, {@code <name>:<base64 of 32 bytes>}. */
public final class PublicKey {
    public static final int SIZE = 32;

    private final String name;
    private final byte[] key;
    private final Ed25519PublicKeyParameters params;

    public PublicKey(String name, byte[] key) {
        this.name = KeyName.check(name, "public key");
        if (key.length != SIZE) throw new IllegalArgumentException("ed25519 public keys have 32 bytes, got " + key.length);
        this.key = key.clone();
        try {
            this.params = new Ed25519PublicKeyParameters(this.key, 0);
        } catch (IllegalArgumentException e) {
            throw new FormatException("public key " + name + ": not a valid ed25519 point");
        }
    }

    public static PublicKey parse(String s) {
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new FormatException("public key " + Quoting.quote(s) + ": expected <key name>:<base64>");
        }
        String what = "public key " + Quoting.quote(s);
        String name = KeyName.check(s.substring(0, colon), what);
        return new PublicKey(name, KeyName.base64(s.substring(colon + 1), SIZE, what, false));
    }

    /** Reads a public key file (as {@code nix-store --generate-binary-cache-key} writes), trimming whitespace. */
    public static PublicKey readFile(Path file) throws IOException {
        String text = KeyFiles.read(file, "public key file");
        try {
            return parse(text);
        } catch (FormatException e) {
            throw new FormatException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the key in Nix's format with a trailing newline. */
    public void writeFile(Path file) throws IOException {
        KeyFiles.write(file, toNixFormat(), false);
    }

    public String name() {
        return name;
    }

    public byte[] bytes() {
        return key.clone();
    }

    /**
     * Whether {@code signature} ({@code <key name>:<base64>}) is this key's valid signature of
     * {@code message}. A signature by another key name is simply false; a malformed one is a
     * {@link FormatException}.
     */
    public boolean verify(byte[] message, String signature) {
        return verify(message, Signature.parse(signature));
    }

    public boolean verify(String message, String signature) {
        return verify(message.getBytes(StandardCharsets.UTF_8), signature);
    }

    public boolean verify(byte[] message, Signature signature) {
        if (!signature.keyName().equals(name)) return false;
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, params);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature.bytes());
    }

    /** {@code <name>:<base64>}. */
    public String toNixFormat() {
        return name + ":" + Base64.getEncoder().encodeToString(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey p && p.name.equals(name) && Arrays.equals(p.key, key);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return toNixFormat();
    }
}
