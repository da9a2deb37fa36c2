package org.nixswarm.core.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixswarm.core.FormatException;

class HashTest {
    static final String EMPTY_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final String EMPTY_B32 = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";
    static final String EMPTY_B64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    @Test
    void sha256OfBytes() {
        Hash h = Hash.sha256(new byte[0]);
        assertEquals(HashAlgorithm.SHA256, h.algorithm());
        assertEquals(EMPTY_HEX, h.toBase16());
        assertEquals(EMPTY_B32, h.toBase32());
        assertEquals("sha256:" + EMPTY_B32, h.toBase32String());
        assertEquals("sha256:" + EMPTY_B32, h.toString());
        assertEquals("sha256:" + EMPTY_HEX, h.toBase16String());
        assertEquals("sha256-" + EMPTY_B64, h.toSri());
    }

    @Test
    void parsesEveryFormToTheSameValue() {
        Hash h = Hash.sha256(new byte[0]);
        assertEquals(h, Hash.parse("sha256:" + EMPTY_B32));
        assertEquals(h, Hash.parse("sha256:" + EMPTY_HEX));
        assertEquals(h, Hash.parse("sha256:" + EMPTY_HEX.toUpperCase()));
        assertEquals(h, Hash.parse("sha256:" + EMPTY_B64));
        assertEquals(h, Hash.parse("sha256-" + EMPTY_B64));
        assertEquals(h, Hash.parse(HashAlgorithm.SHA256, EMPTY_B32));
        assertEquals(h.hashCode(), Hash.parse("sha256-" + EMPTY_B64).hashCode());
    }

    @Test
    void otherAlgorithms() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        Hash sha1 = Hash.of(HashAlgorithm.SHA1, abc);
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", sha1.toBase16());
        assertEquals(sha1, Hash.parse(sha1.toBase32String()));
        assertEquals(sha1, Hash.parse(sha1.toSri()));
        Hash sha512 = Hash.of(HashAlgorithm.SHA512, abc);
        assertTrue(sha512.toBase16().startsWith("ddaf35a193617aba"));
        assertEquals(103, sha512.toBase32().length());
        assertEquals(sha512, Hash.parse(sha512.toBase32String()));
        assertEquals(sha512, Hash.parse(sha512.toBase16String()));
        assertEquals(sha512, Hash.parse(sha512.toSri()));
        Hash md5 = Hash.of(HashAlgorithm.MD5, abc);
        assertEquals("900150983cd24fb0d6963f7d28e17f72", md5.toBase16());
        assertEquals(md5, Hash.parse(md5.toBase32String()));
    }

    @Test
    void equalityIsByValueAndAlgorithm() {
        byte[] d = new byte[32];
        Hash a = new Hash(HashAlgorithm.SHA256, d);
        d[0] = 1; // the record copied the array
        assertEquals(new Hash(HashAlgorithm.SHA256, new byte[32]), a);
        assertNotEquals(new Hash(HashAlgorithm.SHA256, d), a);
        byte[] out = a.digest();
        out[0] = 9;
        assertEquals(0, a.digest()[0]);
        assertNotEquals(new Hash(HashAlgorithm.SHA1, new byte[20]), new Hash(HashAlgorithm.SHA256, new byte[32]));
    }

    @Test
    void constructorChecksDigestSize() {
        assertThrows(IllegalArgumentException.class, () -> new Hash(HashAlgorithm.SHA256, new byte[20]));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "sha256",
        ":" + EMPTY_B32,
        "sha255:" + EMPTY_B32,
        "SHA256:" + EMPTY_B32,
        "sha256:" + EMPTY_B32 + "0",
        "sha256:" + "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c7e",
        "sha256:2mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\u0665",
        "sha256-" + EMPTY_B32,
        "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
        "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=",
        "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF*=",
        "sha1:" + EMPTY_B32,
        "sha256: " + EMPTY_B32,
    })
    void rejectsMalformedHashes(String s) {
        FormatException e = assertThrows(FormatException.class, () -> Hash.parse(s));
        assertTrue(e.getMessage().startsWith("invalid hash"), e.getMessage());
    }

    @Test
    void errorNamesTheProblem() {
        assertEquals("invalid hash 'sha255:x': unknown hash algorithm 'sha255' (expected md5, sha1, sha256 or sha512)",
                assertThrows(FormatException.class, () -> Hash.parse("sha255:x")).getMessage());
        String m = assertThrows(FormatException.class, () -> Hash.parse("sha256:abc")).getMessage();
        assertTrue(m.contains("64 (base16), 52 (base32) or 44 (base64) characters, got 3"), m);
    }
}
