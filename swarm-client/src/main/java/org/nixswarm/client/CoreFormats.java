package org.nixswarm.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The handful of core formats the client needs (Nix base32, FileHash comparison, ed25519 key and
 * signature checks in Nix's {@code name:base64} form, the narinfo fingerprint).
 *
 * <p>TODO(core): delegate to core's NixBase32, Hash, PublicKey and NarInfo once they are on main;
 * this class exists only so the client builds before they land, and is the one place to switch.
 */
public final class CoreFormats {
    private static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";
    private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private CoreFormats() {}

    public static String nixBase32(byte[] bytes) {
        int len = (bytes.length * 8 - 1) / 5 + 1;
        StringBuilder s = new StringBuilder(len);
        for (int n = len - 1; n >= 0; n--) {
            int b = n * 5, i = b / 8, j = b % 8;
            int c = (bytes[i] & 0xff) >> j;
            if (i + 1 < bytes.length) c |= (bytes[i + 1] & 0xff) << (8 - j);
            s.append(ALPHABET.charAt(c & 0x1f));
        }
        return s.toString();
    }

    public static byte[] nixBase32Decode(String s, int size) {
        byte[] out = new byte[size];
        int len = s.length();
        for (int n = 0; n < len; n++) {
            int digit = ALPHABET.indexOf(s.charAt(len - 1 - n));
            if (digit < 0) throw new ClientException("not Nix base32: '" + s + "'");
            int b = n * 5, i = b / 8, j = b % 8;
            out[i] |= (byte) (digit << j);
            int carry = digit >> (8 - j);
            if (i + 1 < size) out[i + 1] |= (byte) carry;
            else if (carry != 0) throw new ClientException("Nix base32 value too long: '" + s + "'");
        }
        return out;
    }

    /** True when {@code fileHash} ({@code sha256:<base32|base16>}) names the given SHA-256 digest. */
    public static boolean fileHashMatches(String fileHash, byte[] sha256) {
        if (!fileHash.startsWith("sha256:")) return false;
        String v = fileHash.substring(7);
        if (v.length() == 64) return v.equalsIgnoreCase(HexFormat.of().formatHex(sha256));
        return v.equals(nixBase32(sha256));
    }

    /** The 20 hash bytes of a store path's 32-character hash part. */
    public static byte[] storeHashBytes(String storeHash) {
        if (storeHash.length() != 32) throw new ClientException("store hash must have 32 characters: '" + storeHash + "'");
        return nixBase32Decode(storeHash, 20);
    }

    /** A public key in Nix format {@code name:base64(32 bytes)}. */
    public record NixKey(String name, PublicKey key) {
        public static NixKey parse(String text) {
            int colon = text.indexOf(':');
            if (colon <= 0) throw new ClientException("public key is not name:base64: '" + text + "'");
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(text.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new ClientException("public key '" + text + "': bad base64");
            }
            if (raw.length != 32) throw new ClientException("public key '" + text + "': expected 32 bytes, got " + raw.length);
            byte[] x509 = new byte[ED25519_X509_PREFIX.length + 32];
            System.arraycopy(ED25519_X509_PREFIX, 0, x509, 0, ED25519_X509_PREFIX.length);
            System.arraycopy(raw, 0, x509, ED25519_X509_PREFIX.length, 32);
            try {
                return new NixKey(text.substring(0, colon), KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509)));
            } catch (GeneralSecurityException e) {
                throw new ClientException("public key '" + text + "': " + e.getMessage());
            }
        }

        /** Checks {@code name:base64sig} over {@code message}; false for another key name or a bad signature. */
        public boolean verify(byte[] message, String sig) {
            int colon = sig.indexOf(':');
            if (colon <= 0 || !sig.substring(0, colon).equals(name)) return false;
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(message);
                return s.verify(Base64.getDecoder().decode(sig.substring(colon + 1).trim()));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                return false;
            }
        }
    }

    /** True when some {@code Sig:} line of the narinfo verifies against one of the keys. */
    public static boolean narinfoSignedBy(String narinfo, List<NixKey> keys) {
        String storePath = null, narHash = null, narSize = null, refs = "";
        List<String> sigs = new ArrayList<>();
        for (String line : narinfo.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon < 0) continue;
            String k = line.substring(0, colon), v = line.substring(colon + 2).trim();
            switch (k) {
                case "StorePath" -> storePath = v;
                case "NarHash" -> narHash = v;
                case "NarSize" -> narSize = v;
                case "References" -> refs = v;
                case "Sig" -> sigs.add(v);
                default -> { }
            }
        }
        if (storePath == null || narHash == null || narSize == null) return false;
        String dir = storePath.substring(0, storePath.lastIndexOf('/') + 1);
        List<String> full = new ArrayList<>();
        for (String r : refs.split(" ")) if (!r.isEmpty()) full.add(dir + r);
        byte[] fp = ("1;" + storePath + ";" + narHash + ";" + narSize + ";" + String.join(",", full))
                .getBytes(StandardCharsets.UTF_8);
        for (String sig : sigs) for (NixKey key : keys) if (key.verify(fp, sig)) return true;
        return false;
    }
}
