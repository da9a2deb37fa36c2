package org.nixswarm.core.torrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixswarm.core.FormatException;

class InfoHashTest {
    @Test
    void knownVectorsInHexAndBase32() {
        // Expected values from Python's hashlib and base64.b32encode.
        InfoHash empty = InfoHash.sha1(new byte[0]);
        assertEquals("da39a3ee5e6b4b0d3255bfef95601890afd80709", empty.hex());
        assertEquals("3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", empty.base32());
        InfoHash abc = InfoHash.sha1("abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", abc.hex());
        assertEquals("VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5", abc.base32());
        assertEquals(abc, InfoHash.parse("VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5"));
        assertEquals(abc, InfoHash.parse("vgmt4nsha2awvor6evyxqugcnsonbwe5"));
        assertEquals(abc, InfoHash.parse("A9993E364706816ABA3E25717850C26C9CD0D89D"));
        assertEquals(abc.toString(), abc.hex());
    }

    @Test
    void roundTripsRandomHashes() {
        Random r = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[20];
            r.nextBytes(b);
            InfoHash h = InfoHash.of(b);
            assertArrayEquals(b, h.bytes());
            assertEquals(HexFormat.of().formatHex(b), h.hex());
            assertEquals(h, InfoHash.parse(h.hex()));
            assertEquals(h, InfoHash.parse(h.base32()));
            assertEquals(h.hashCode(), InfoHash.parse(h.base32()).hashCode());
        }
    }

    @Test
    void isImmutableAndOrdered() {
        byte[] b = new byte[20];
        InfoHash h = InfoHash.of(b);
        b[0] = 1;
        h.bytes()[1] = 1;
        assertEquals("0".repeat(40), h.hex());
        byte[] high = new byte[20];
        high[0] = (byte) 0x80;
        assertTrue(h.compareTo(InfoHash.of(high)) < 0, "bytes compare unsigned");
        assertNotEquals(h, InfoHash.of(high));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|must be 40 hex or 32 base32 characters, got 0",
        "abc|must be 40 hex or 32 base32 characters, got 3",
        "a9993e364706816aba3e25717850c26c9cd0d89|got 39",
        "g9993e364706816aba3e25717850c26c9cd0d89d|not a hex digit at position 0",
        "a9993e364706816aba3e25717850c26c9cd0d89-|not a hex digit at position 39",
        "a9993e364706816aba3e25717850c26c9cd0d8٩d|not a hex digit at position 38",
        "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE1|not a base32 character at position 31",
        "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE=|not a base32 character at position 31",
    })
    void rejectsMalformedText(String text, String expected) {
        FormatException e = assertThrows(FormatException.class, () -> InfoHash.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void rejectsWrongLengthBytes() {
        assertThrows(FormatException.class, () -> InfoHash.of(new byte[19]));
        assertThrows(FormatException.class, () -> InfoHash.of(new byte[32]));
    }

    /** Found by TorrentFuzzTest#infoHash (crash-7e2aff1b…): the raw text, NULs and newline included, went into the message. */
    @ParameterizedTest
    @ValueSource(strings = {"2ek4\u0000\u0000\u0000MZR\u0000\u0000\u0000\u00004\u0000k\u00007J4JYR6OWI4BAECKWPBKQ\n",
        "0123456789abcdef0123456789abcdef0123456\n", "0123456789abcdef\r\n"})
    void escapesControlCharactersInMessages(String text) {
        FormatException e = assertThrows(FormatException.class, () -> InfoHash.parse(text));
        assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
        assertTrue(e.getMessage().contains("\\u000"), e.getMessage());
    }
}
