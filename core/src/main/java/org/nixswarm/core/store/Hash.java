package org.nixswarm.core.store;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.nixswarm.core.FormatException;

/**
 * A digest and the algorithm that made it, in the forms Nix writes them: {@code sha256:<base32>}
 * (narinfos, fingerprints), {@code sha256:<base16>}, and SRI {@code sha256-<base64>}. Equal by value.
 */
public record Hash(HashAlgorithm algorithm, byte[] digest) {

    public Hash {
        if (algorithm == null) throw new NullPointerException("algorithm");
        if (digest.length != algorithm.size()) {
            throw new IllegalArgumentException(algorithm + " digest must have " + algorithm.size()
                    + " bytes, got " + digest.length);
        }
        digest = digest.clone();
    }

    public static Hash sha256(byte[] data) {
        return of(HashAlgorithm.SHA256, data);
    }

    /** Hashes {@code data} with {@code algorithm}. */
    public static Hash of(HashAlgorithm algorithm, byte[] data) {
        return new Hash(algorithm, algorithm.newDigest().digest(data));
    }

    /**
     * Parses {@code <algo>:<digest>} where the digest is base16 (either case), Nix base32 or
     * base64, told apart by length as Nix does, or SRI {@code <algo>-<base64>}.
     */
    public static Hash parse(String s) {
        int colon = s.indexOf(':');
        int dash = s.indexOf('-');
        if (colon > 0 && (dash < 0 || colon < dash)) {
            HashAlgorithm algorithm = algorithmOf(s, s.substring(0, colon));
            return parse(algorithm, s.substring(colon + 1), s);
        }
        if (dash > 0) {
            HashAlgorithm algorithm = algorithmOf(s, s.substring(0, dash));
            String rest = s.substring(dash + 1);
            if (rest.length() != algorithm.base64Length()) {
                throw bad(s, "an SRI " + algorithm + " hash needs " + algorithm.base64Length()
                        + " base64 characters, got " + rest.length());
            }
            return new Hash(algorithm, decodeBase64(s, rest, algorithm));
        }
        throw bad(s, "expected <algorithm>:<digest> or <algorithm>-<base64>");
    }

    /** Parses a digest without prefix, of a known algorithm, in base16, base32 or base64. */
    public static Hash parse(HashAlgorithm algorithm, String digest) {
        return parse(algorithm, digest, digest);
    }

    private static Hash parse(HashAlgorithm algorithm, String rest, String whole) {
        int len = rest.length();
        if (len == algorithm.base16Length()) {
            for (int i = 0; i < len; i++) {
                if (Character.digit(rest.charAt(i), 16) < 0 || rest.charAt(i) > 0x7f) {
                    throw bad(whole, "illegal base16 character " + Quoting.quote(rest.substring(i, i + 1)));
                }
            }
            return new Hash(algorithm, HexFormat.of().parseHex(rest));
        }
        if (len == algorithm.base32Length()) {
            try {
                return new Hash(algorithm, NixBase32.decode(rest));
            } catch (FormatException e) {
                throw new FormatException("invalid hash " + Quoting.quote(whole) + ": " + e.getMessage(), e);
            }
        }
        if (len == algorithm.base64Length()) {
            return new Hash(algorithm, decodeBase64(whole, rest, algorithm));
        }
        throw bad(whole, "a " + algorithm + " digest has " + algorithm.base16Length() + " (base16), "
                + algorithm.base32Length() + " (base32) or " + algorithm.base64Length()
                + " (base64) characters, got " + len);
    }

    private static HashAlgorithm algorithmOf(String whole, String name) {
        try {
            return HashAlgorithm.parse(name);
        } catch (FormatException e) {
            throw bad(whole, e.getMessage());
        }
    }

    private static byte[] decodeBase64(String whole, String b64, HashAlgorithm algorithm) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw bad(whole, "invalid base64: " + e.getMessage());
        }
        // Java's decoder tolerates missing padding and stray low bits; only the canonical form is a hash
        if (bytes.length != algorithm.size() || !Base64.getEncoder().encodeToString(bytes).equals(b64)) {
            throw bad(whole, "base64 digest is not a canonical " + algorithm.size() + "-byte " + algorithm + " digest");
        }
        return bytes;
    }

    private static FormatException bad(String whole, String why) {
        return new FormatException("invalid hash " + Quoting.quote(whole) + ": " + why);
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** The digest alone in Nix base32. */
    public String toBase32() {
        return NixBase32.encode(digest);
    }

    /** {@code sha256:<base32>}: the form narinfos and signed fingerprints use. */
    public String toBase32String() {
        return algorithm.nixName() + ":" + toBase32();
    }

    /** The digest alone in lowercase hex. */
    public String toBase16() {
        return HexFormat.of().formatHex(digest);
    }

    /** {@code sha256:<lowercase hex>}. */
    public String toBase16String() {
        return algorithm.nixName() + ":" + toBase16();
    }

    /** SRI form, {@code sha256-<base64>}. */
    public String toSri() {
        return algorithm.nixName() + "-" + Base64.getEncoder().encodeToString(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash h && h.algorithm == algorithm && Arrays.equals(h.digest, digest);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + Arrays.hashCode(digest);
    }

    /** {@link #toBase32String()}. */
    @Override
    public String toString() {
        return toBase32String();
    }
}
