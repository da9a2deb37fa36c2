package org.nixswarm.core.store;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixswarm.core.FormatException;

class NixBase32Test {
    private static final HexFormat HEX = HexFormat.of();

    /** Produced by {@code nix-hash --type <t> --to-base32 <hex>} (Nix 2.8). */
    @ParameterizedTest
    @CsvSource({
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, 0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
        "0000000000000000000000000000000000000000000000000000000000000001, 0080000000000000000000000000000000000000000000000000",
        "8000000000000000000000000000000000000000000000000000000000000000, 0000000000000000000000000000000000000000000000000040",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff, 1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        "0000000000000000000000000000000000000001, 04000000000000000000000000000000",
    })
    void matchesNixVectors(String hex, String base32) {
        assertEquals(base32, NixBase32.encode(HEX.parseHex(hex)));
        assertArrayEquals(HEX.parseHex(hex), NixBase32.decode(base32));
    }

    @Test
    void byteOrderIsNixsNotRfc4648() {
        // the first byte's low bits end up in the LAST character
        assertEquals("01", NixBase32.encode(new byte[] {1}));
        assertEquals("40", NixBase32.encode(new byte[] {(byte) 0x80}));
        assertEquals("0z", NixBase32.encode(new byte[] {0x1f}));
    }

    @Test
    void emptyIsEmpty() {
        assertEquals("", NixBase32.encode(new byte[0]));
        assertEquals(0, NixBase32.decode("").length);
    }

    @Test
    void randomRoundTripsAtEveryLength() {
        Random r = new Random(42);
        for (int len = 0; len <= 130; len++) {
            for (int k = 0; k < 5; k++) {
                byte[] b = new byte[len];
                r.nextBytes(b);
                String s = NixBase32.encode(b);
                assertEquals(NixBase32.encodedLength(len), s.length());
                assertArrayEquals(b, NixBase32.decode(s));
                assertArrayEquals(b, NixBase32.decode(s, len));
            }
        }
    }

    @Test
    void encodedLengths() {
        assertEquals(52, NixBase32.encodedLength(32));
        assertEquals(32, NixBase32.encodedLength(20));
        assertEquals(103, NixBase32.encodedLength(64));
        assertEquals(26, NixBase32.encodedLength(16));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 6, 9, 51, 54})
    void rejectsLengthsThatEncodeNoByteCount(int len) {
        FormatException e = assertThrows(FormatException.class, () -> NixBase32.decode("0".repeat(len)));
        assertTrue(e.getMessage().contains("length " + len), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(chars = {'e', 'o', 'u', 't', 'A', 'Z', '-', ' ', '/', '\u00e9', '\n'})
    void rejectsCharactersOutsideTheAlphabet(char bad) {
        String s = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c7" + bad;
        FormatException e = assertThrows(FormatException.class, () -> NixBase32.decode(s));
        assertTrue(e.getMessage().contains("illegal character"), e.getMessage());
        assertTrue(e.getMessage().contains("position 51"), e.getMessage());
    }

    @Test
    void rejectsNonZeroUnusedBits() {
        // 52 characters carry 260 bits for 256: the first character may only be 0 or 1 (Nix agrees)
        assertDoesNotThrow(() -> NixBase32.decode("1" + "0".repeat(51)));
        for (char c : "23456789abcdfghijklmnpqrsvwxyz".toCharArray()) {
            FormatException e = assertThrows(FormatException.class, () -> NixBase32.decode(c + "0".repeat(51)));
            assertTrue(e.getMessage().contains("unused bits"), e.getMessage());
        }
        // one byte: two characters, 10 bits for 8
        assertThrows(FormatException.class, () -> NixBase32.decode("80"));
        assertArrayEquals(new byte[] {(byte) 0xff}, NixBase32.decode("7z"));
    }

    @Test
    void decodeWithExpectedLengthChecksIt() {
        FormatException e = assertThrows(FormatException.class, () -> NixBase32.decode("0".repeat(32), 32));
        assertTrue(e.getMessage().contains("expected 52 characters"), e.getMessage());
    }

    @Test
    void errorMessagesStayShort() {
        String huge = "e".repeat(100_000);
        FormatException e = assertThrows(FormatException.class, () -> NixBase32.decode(huge));
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }
}
