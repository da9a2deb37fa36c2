package org.nixswarm.core.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.nixswarm.core.FormatException;

/** The hash algorithms Nix names in hashes ({@code sha256:…}), with their digest sizes. */
public enum HashAlgorithm {
    // md5 only because old fixed-output paths carry it in their CA field
    MD5("md5", 16, "MD5"),
    SHA1("sha1", 20, "SHA-1"),
    SHA256("sha256", 32, "SHA-256"),
    SHA512("sha512", 64, "SHA-512");

    private final String nixName;
    private final int size;
    private final String jcaName;

    HashAlgorithm(String nixName, int size, String jcaName) {
        this.nixName = nixName;
        this.size = size;
        this.jcaName = jcaName;
    }

    /** The name Nix uses, e.g. {@code sha256}. */
    public String nixName() {
        return nixName;
    }

    /** Digest size in bytes. */
    public int size() {
        return size;
    }

    public int base16Length() {
        return size * 2;
    }

    public int base32Length() {
        return NixBase32.encodedLength(size);
    }

    public int base64Length() {
        return (size + 2) / 3 * 4;
    }

    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaName + " is missing from this JVM", e);
        }
    }

    public static HashAlgorithm parse(String nixName) {
        for (HashAlgorithm a : values()) {
            if (a.nixName.equals(nixName)) return a;
        }
        throw new FormatException("unknown hash algorithm " + Quoting.quote(nixName)
                + " (expected md5, sha1, sha256 or sha512)");
    }

    @Override
    public String toString() {
        return nixName;
    }
}
