package org.nixswarm.core.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.nixswarm.core.FormatException;

/**
 * An ed25519 secret key in Nix's format, {@code <name>:<base64 of seed (32 bytes) ‖ public key (32
 * bytes)>}, libsodium's layout. Never shows its secret half in messages or {@link #toString()}.
 */
public final class SecretKey {
    public static final int SIZE = 64;
    private static final int SEED = 32;

    private final String name;
    private final Ed25519PrivateKeyParameters params;
    private final PublicKey publicKey;

    private SecretKey(String name, byte[] seed) {
        this.name = name;
        this.params = new Ed25519PrivateKeyParameters(seed, 0);
        this.publicKey = new PublicKey(name, params.generatePublicKey().getEncoded());
    }

    /** A new key from 32 random bytes of {@code random}. */
    public static SecretKey generate(String name, SecureRandom random) {
        KeyName.check(name, "secret key");
        byte[] seed = new byte[SEED];
        random.nextBytes(seed);
        return new SecretKey(name, seed);
    }

    /** The key whose seed is {@code seed} (32 bytes), for deterministic test keys. */
    public static SecretKey fromSeed(String name, byte[] seed) {
        KeyName.check(name, "secret key");
        if (seed.length != SEED) throw new IllegalArgumentException("ed25519 seeds have 32 bytes, got " + seed.length);
        return new SecretKey(name, seed);
    }

    /**
     * Parses {@code <name>:<base64(seed ‖ public key)>}. The stored public half must be the one the
     * seed derives: libsodium signs with the stored half, so a mismatch makes signatures nobody can verify.
     */
    public static SecretKey parse(String s) {
        int colon = s.indexOf(':');
        if (colon < 0) throw new FormatException("secret key: expected <key name>:<base64>");
        String name = KeyName.check(s.substring(0, colon), "secret key");
        String what = "secret key " + name;
        byte[] raw = KeyName.base64(s.substring(colon + 1), SIZE, what, true);
        byte[] seed = java.util.Arrays.copyOfRange(raw, 0, SEED);
        byte[] storedPublic = java.util.Arrays.copyOfRange(raw, SEED, SIZE);
        java.util.Arrays.fill(raw, (byte) 0);
        SecretKey key = new SecretKey(name, seed);
        java.util.Arrays.fill(seed, (byte) 0);
        if (!MessageDigest.isEqual(storedPublic, key.publicKey.bytes())) {
            throw new FormatException(what + ": its public half does not match its seed");
        }
        return key;
    }

    /** Reads a secret key file (as {@code nix-store --generate-binary-cache-key} writes), trimming whitespace. */
    public static SecretKey readFile(Path file) throws IOException {
        String text = KeyFiles.read(file, "secret key file");
        try {
            return parse(text);
        } catch (FormatException e) {
            throw new FormatException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the key in Nix's format with a trailing newline, readable by its owner only. */
    public void writeFile(Path file) throws IOException {
        KeyFiles.write(file, toNixFormat(), true);
    }

    public String name() {
        return name;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** Signs {@code message}: {@code <name>:<base64 signature>}, as Nix's {@code signDetached}. */
    public String sign(byte[] message) {
        return signature(message).toString();
    }

    public String sign(String message) {
        return sign(message.getBytes(StandardCharsets.UTF_8));
    }

    public Signature signature(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, params);
        signer.update(message, 0, message.length);
        return new Signature(name, signer.generateSignature());
    }

    /** {@code <name>:<base64(seed ‖ public key)>}: secret material, for key files only. */
    public String toNixFormat() {
        byte[] raw = new byte[SIZE];
        System.arraycopy(params.getEncoded(), 0, raw, 0, SEED);
        System.arraycopy(publicKey.bytes(), 0, raw, SEED, PublicKey.SIZE);
        return name + ":" + Base64.getEncoder().encodeToString(raw);
    }

    @Override
    public String toString() {
        return "SecretKey[" + name + ", public " + publicKey.toNixFormat() + "]";
    }
}
