package org.nixswarm.core.nar;

import java.util.Arrays;
import java.util.HexFormat;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.HashAlgorithm;

/**
 * What a narinfo says about a NAR: its SHA-256 (NarHash) and its length in bytes (NarSize),
 * computed while the NAR streams through a {@link NarWriter} or {@link NarReader}.
 */
public final class NarSummary {
    private final byte[] sha256;
    private final long size;

    public NarSummary(byte[] sha256, long size) {
        if (sha256.length != 32) throw new IllegalArgumentException("sha256 must be 32 bytes");
        if (size < 0) throw new IllegalArgumentException("negative size");
        this.sha256 = sha256.clone();
        this.size = size;
    }

    /** The 32-byte SHA-256 of the whole NAR (the narinfo's NarHash). */
    public byte[] sha256() {
        return sha256.clone();
    }

    /** The narinfo's NarHash ({@code sha256:<base32>} when printed by {@link Hash#toBase32String()}). */
    public Hash narHash() {
        return new Hash(HashAlgorithm.SHA256, sha256);
    }

    /** The NAR's length in bytes (the narinfo's NarSize). */
    public long size() {
        return size;
    }

    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NarSummary s && s.size == size && Arrays.equals(s.sha256, sha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256) * 31 + Long.hashCode(size);
    }

    @Override
    public String toString() {
        return "NarSummary[sha256=" + sha256Hex() + ", size=" + size + "]";
    }
}
