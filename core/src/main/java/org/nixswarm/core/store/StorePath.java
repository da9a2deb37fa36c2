package org.nixswarm.core.store;

import org.nixswarm.core.FormatException;

/**
 * A store path {@code /nix/store/<hash part>-<name>}: a 32-character Nix base32 hash part (20 bytes)
 * and a name following Nix's rules (1 to 211 characters of {@code [A-Za-z0-9+-._?=]}, not starting
 * with '.'). Ordered as Nix orders store paths: by base name.
 */
public record StorePath(String hashPart, String name) implements Comparable<StorePath> {
    public static final String STORE_DIR = "/nix/store";
    public static final int HASH_BYTES = 20;
    public static final int HASH_CHARS = 32;
    public static final int MAX_NAME_LENGTH = 211;

    public StorePath {
        checkHashPart(hashPart, hashPart + "-" + name);
        checkName(name, hashPart + "-" + name);
    }

    /** Parses a full path, {@code /nix/store/<hash>-<name>}. */
    public static StorePath parse(String path) {
        String prefix = STORE_DIR + "/";
        if (!path.startsWith(prefix)) {
            throw new FormatException("store path " + Quoting.quote(path) + " is not in " + STORE_DIR);
        }
        return parseBaseName(path.substring(prefix.length()), path);
    }

    /** Parses a base name, {@code <hash>-<name>}, as narinfo References and Deriver hold them. */
    public static StorePath parseBaseName(String baseName) {
        return parseBaseName(baseName, baseName);
    }

    private static StorePath parseBaseName(String baseName, String whole) {
        if (baseName.length() < HASH_CHARS + 2 || baseName.charAt(HASH_CHARS) != '-') {
            throw new FormatException("store path " + Quoting.quote(whole)
                    + " is not <32 base32 characters>-<name>");
        }
        String hashPart = baseName.substring(0, HASH_CHARS);
        String name = baseName.substring(HASH_CHARS + 1);
        checkHashPart(hashPart, whole);
        checkName(name, whole);
        return new StorePath(hashPart, name);
    }

    /** A store path from a 20-byte hash and a name. */
    public static StorePath of(byte[] hash, String name) {
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("store path hash must have 20 bytes, got " + hash.length);
        }
        return new StorePath(NixBase32.encode(hash), name);
    }

    private static void checkHashPart(String hashPart, String whole) {
        if (hashPart.length() != HASH_CHARS) {
            throw new FormatException("store path " + Quoting.quote(whole) + ": hash part must have "
                    + HASH_CHARS + " characters, got " + hashPart.length());
        }
        for (int i = 0; i < hashPart.length(); i++) {
            char c = hashPart.charAt(i);
            if (!NixBase32.isBase32Char(c)) {
                throw new FormatException("store path " + Quoting.quote(whole)
                        + ": illegal base32 character " + Quoting.quote(String.valueOf(c)) + " in hash part");
            }
        }
    }

    private static void checkName(String name, String whole) {
        if (name.isEmpty()) {
            throw new FormatException("store path " + Quoting.quote(whole) + " has an empty name");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new FormatException("store path " + Quoting.quote(whole) + " has a name longer than "
                    + MAX_NAME_LENGTH + " characters (" + name.length() + ")");
        }
        if (name.charAt(0) == '.') {
            throw new FormatException("store path " + Quoting.quote(whole) + ": name starts with '.'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || c == '+' || c == '-' || c == '.' || c == '_' || c == '?' || c == '=';
            if (!ok) {
                throw new FormatException("store path " + Quoting.quote(whole) + ": illegal character "
                        + Quoting.quote(String.valueOf(c)) + " in name");
            }
        }
    }

    /** {@code <hash part>-<name>}. */
    public String baseName() {
        return hashPart + "-" + name;
    }

    /** The hash part decoded: 20 bytes. */
    public byte[] hashBytes() {
        return NixBase32.decode(hashPart);
    }

    @Override
    public int compareTo(StorePath o) {
        return baseName().compareTo(o.baseName());
    }

    /** The full path, {@code /nix/store/<hash part>-<name>}. */
    @Override
    public String toString() {
        return STORE_DIR + "/" + baseName();
    }
}
