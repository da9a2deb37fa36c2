package org.nixswarm.core.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixswarm.core.FormatException;

class BencodeTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void roundTripsCanonicalValues() {
        String[] samples = {"i0e", "i-42e", "i9223372036854775807e", "0:", "4:spam", "le", "de",
            "l4:spami42ee", "d3:bar4:spam3:fooi42ee", "d1:ad1:bli1ei2eeee"};
        for (String s : samples) {
            assertArrayEquals(b(s), BencodeEncoder.encode(BencodeDecoder.decode(b(s))), s);
        }
    }

    @Test
    void encodesDictionaryKeysInRawByteOrder() {
        BValue d = new BValue.BDict(Map.of("zeta", BValue.of(1), "alpha", BValue.of("x"), "Beta", BValue.of(2)));
        assertEquals("d4:Betai2e5:alpha1:x4:zetai1ee", new String(BencodeEncoder.encode(d), StandardCharsets.ISO_8859_1));
    }

    @Test
    void keepsBinaryStrings() {
        byte[] raw = {0, (byte) 0xff, 0x7f, (byte) 0x80};
        BValue v = BencodeDecoder.decode(BencodeEncoder.encode(new BValue.BList(List.of(BValue.of(raw)))));
        assertArrayEquals(raw, ((BValue.BBytes) ((BValue.BList) v).values().get(0)).bytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "i", "ie", "i-0e", "i03e", "i1", "i1.5e", "i99999999999999999999e", "5:abc",
        "05:abcde", "-1:a", "l", "li1e", "d", "d3:fooe", "d1:bi1e1:ai2ee", "d1:ai1e1:ai2ee", "di1ei2ee",
        "i1ei2e", "x", "4:spamX", "l:e"})
    void rejectsMalformedInputWithAClearMessage(String input) {
        FormatException e = assertThrows(FormatException.class, () -> BencodeDecoder.decode(b(input)));
        assertTrue(e.getMessage().startsWith("bencode: "), e.getMessage());
        assertTrue(e.getMessage().contains("at byte"), e.getMessage());
    }

    @Test
    void boundsNesting() {
        String deep = "l".repeat(10_000) + "e".repeat(10_000);
        FormatException e = assertThrows(FormatException.class, () -> BencodeDecoder.decode(b(deep)));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
    }

    @Test
    void rejectsLengthsBeyondTheInputWithoutAllocating() {
        FormatException e = assertThrows(FormatException.class, () -> BencodeDecoder.decode(b("2000000000:x")));
        assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
    }

    @Test
    void integersAtTheEdgesOfLong() {
        String[] ok = {"i9223372036854775807e", "i-9223372036854775808e", "i-1e", "i10e", "i-10e", "i1000000000000e"};
        long[] values = {Long.MAX_VALUE, Long.MIN_VALUE, -1, 10, -10, 1_000_000_000_000L};
        for (int i = 0; i < ok.length; i++) {
            assertEquals(values[i], ((BValue.BInt) BencodeDecoder.decode(b(ok[i]))).value(), ok[i]);
            assertEquals(ok[i], new String(BencodeEncoder.encode(BValue.of(values[i])), StandardCharsets.ISO_8859_1));
        }
        String[][] bad = {
            {"i9223372036854775808e", "integer out of range"},
            {"i-9223372036854775809e", "integer out of range"},
            {"i-e", "malformed integer 'i-e'"},
            {"i--1e", "malformed integer"},
            {"i+1e", "malformed integer"},
            {"i-01e", "malformed integer"},
            {"i00e", "malformed integer"},
            {"i123456789012345678901e", "integer too long"},
            {"01:a", "malformed string length '01'"},
            {"1a:x", "malformed string length '1a'"},
            {"12345678901:x", "malformed string length"},
        };
        for (String[] c : bad) {
            FormatException e = assertThrows(FormatException.class, () -> BencodeDecoder.decode(b(c[0])), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    /** Found by BencodeFuzzTest (crash-2d9d2879…): raw bytes of a bad length reached the one-line message. */
    @ParameterizedTest
    @ValueSource(strings = {"6;l\n]]:x", "i1\r\n2e", "1\u001b[2J:x"})
    void escapesControlBytesInMessages(String input) {
        FormatException e = assertThrows(FormatException.class, () -> BencodeDecoder.decode(b(input)));
        assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20 || c == 0x7f), e.getMessage());
        assertTrue(e.getMessage().contains("\\x"), e.getMessage());
    }
}
