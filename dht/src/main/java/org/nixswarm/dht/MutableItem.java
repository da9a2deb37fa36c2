package org.nixswarm.dht;

import java.util.Arrays;
import java.util.HexFormat;
import org.nixswarm.core.bencode.BValue;

/**
 * A BEP 44 mutable item as read from the DHT, its signature already checked against
 * {@link #publicKey()} (mldht's get lookup drops items whose signature does not verify).
 *
 * @param publicKey the 32-byte ed25519 key that signed it
 * @param salt the salt, empty when none
 * @param seq the sequence number; a newer version has a higher one
 * @param value the decoded value ({@code v})
 */
public record MutableItem(byte[] publicKey, byte[] salt, long seq, BValue value) {
    public MutableItem {
        publicKey = publicKey.clone();
        salt = salt.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MutableItem m && Arrays.equals(publicKey, m.publicKey)
                && Arrays.equals(salt, m.salt) && seq == m.seq && value.equals(m.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey) * 31 + Long.hashCode(seq);
    }

    @Override
    public String toString() {
        return "MutableItem[key=" + HexFormat.of().formatHex(publicKey) + ", seq=" + seq + ", value=" + value + "]";
    }
}
