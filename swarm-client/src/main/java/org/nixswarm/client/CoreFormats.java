package org.nixswarm.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.store.StorePath;

/** The client's few uses of core's formats, with core's FormatException turned into ours. */
public final class CoreFormats {
    private CoreFormats() {}

    public static String nixBase32(byte[] bytes) {
        return NixBase32.encode(bytes);
    }

    /** True when {@code fileHash} ({@code sha256:<base32|base16>}) names the given SHA-256 digest. */
    public static boolean fileHashMatches(String fileHash, byte[] sha256) {
        try {
            Hash expected = Hash.parse(fileHash);
            return expected.equals(new Hash(expected.algorithm(), sha256));
        } catch (FormatException e) {
            return false;
        }
    }

    /** The 20 hash bytes of a store path's 32-character hash part. */
    public static byte[] storeHashBytes(String storeHash) {
        try {
            return StorePath.parseBaseName(storeHash + "-x").hashBytes();
        } catch (FormatException e) {
            throw new ClientException("not a store path hash: '" + storeHash + "'");
        }
    }

    /** A public key in Nix format {@code name:base64(32 bytes)}. */
    public record NixKey(PublicKey key) {
        public static NixKey parse(String text) {
            try {
                return new NixKey(PublicKey.parse(text.trim()));
            } catch (FormatException e) {
                throw new ClientException(e.getMessage());
            }
        }

        public boolean verify(byte[] message, String sig) {
            try {
                return key.verify(message, sig);
            } catch (FormatException e) {
                return false;
            }
        }
    }

    /** True when some {@code Sig:} line of the narinfo verifies against one of the keys. */
    public static boolean narinfoSignedBy(String narinfo, List<NixKey> keys) {
        try {
            return NarInfo.parse(narinfo, "narinfo").verify(keys.stream().map(NixKey::key).toList());
        } catch (FormatException e) {
            return false;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
