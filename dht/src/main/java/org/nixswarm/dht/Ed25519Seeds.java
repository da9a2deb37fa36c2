package org.nixswarm.dht;

import net.i2p.crypto.eddsa.EdDSAPrivateKey;
import net.i2p.crypto.eddsa.spec.EdDSAPrivateKeySpec;
import lbms.plugins.mldht.kad.GenericStorage.StorageItem;

/** The ed25519 public key of a 32-byte seed, computed the way mldht signs BEP 44 items. */
public final class Ed25519Seeds {
    private Ed25519Seeds() {}

    public static byte[] publicKey(byte[] seed) {
        if (seed.length != 32) throw new DhtException("an ed25519 seed has 32 bytes, got " + seed.length);
        return new EdDSAPrivateKey(new EdDSAPrivateKeySpec(seed, StorageItem.spec)).getAbyte();
    }
}
