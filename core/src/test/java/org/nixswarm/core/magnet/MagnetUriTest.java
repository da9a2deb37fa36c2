package org.nixswarm.core.magnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.torrent.InfoHash;

class MagnetUriTest {
    static final InfoHash HASH = InfoHash.parse("a9993e364706816aba3e25717850c26c9cd0d89d");

    @Test
    void buildsTheCanonicalForm() {
        MagnetUri m = MagnetUri.of(HASH).withDisplayName("nar bundle/ü")
                .withTrackers(List.of("http://127.0.0.1:6969/announce", "udp://127.0.0.1:6970"))
                .withWebSeeds(List.of("http://127.0.0.1:8080/"))
                .withSelectOnly(List.of(6, 0, 2, 4, 5));
        assertEquals("magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d"
                + "&dn=nar%20bundle%2F%C3%BC"
                + "&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce&tr=udp%3A%2F%2F127.0.0.1%3A6970"
                + "&ws=http%3A%2F%2F127.0.0.1%3A8080%2F"
                + "&so=0,2,4-6", m.toString());
        assertEquals(m, MagnetUri.parse(m.toString()));
        assertEquals(MagnetUri.of(HASH).toString(), "magnet:?xt=urn:btih:" + HASH.hex());
    }

    @Test
    void parsesWhatOtherClientsWrite() {
        MagnetUri m = MagnetUri.parse("MAGNET:?xt=urn:btih:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5"
                + "&dn=a+b%2Bc&tr=http://127.0.0.1:1/a?x=1&tr.1=udp%3a%2f%2fh%3a2&ws=http://w/"
                + "&xl=12345&x.pe=127.0.0.1:6881&xt=urn:btmh:1220abcd&so=3");
        assertEquals(HASH, m.infoHash());
        assertEquals("a b+c", m.displayName().orElseThrow());
        assertEquals(List.of("http://127.0.0.1:1/a?x=1", "udp://h:2"), m.trackers());
        assertEquals(List.of("http://w/"), m.webSeeds());
        assertEquals(Set.of(3), m.selectOnly());
        assertEquals(List.of(Map.entry("xl", "12345"), Map.entry("x.pe", "127.0.0.1:6881")), m.otherParameters());
        MagnetUri again = MagnetUri.parse(m.toString());
        assertEquals(m, again);
        assertTrue(m.toString().endsWith("&so=3&xl=12345&x.pe=127.0.0.1%3A6881"), m.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0|0",
        "0,2,4-6|0,2,4,5,6",
        "4-6,0,2|0,2,4,5,6",
        "1-1,1|1",
        "0-2,3|0,1,2,3",
        "2147483647|2147483647",
    })
    void selectOnlyRanges(String so, String expanded) {
        TreeSet<Integer> want = new TreeSet<>();
        for (String s : expanded.split(",")) want.add(Integer.parseInt(s));
        MagnetUri m = MagnetUri.parse("magnet:?xt=urn:btih:" + HASH.hex() + "&so=" + so);
        assertEquals(want, m.selectOnly());
        assertEquals(want, MagnetUri.parse(m.toString()).selectOnly());
    }

    @Test
    void formatsSelectOnlyAsRanges() {
        assertEquals("0-3,7,9-10", MagnetUri.formatSelectOnly(new TreeSet<>(List.of(0, 1, 2, 3, 7, 9, 10))));
        assertEquals("5", MagnetUri.formatSelectOnly(new TreeSet<>(List.of(5))));
        assertEquals("", MagnetUri.formatSelectOnly(new TreeSet<>()));
        assertThrows(IllegalArgumentException.class, () -> MagnetUri.of(HASH).withSelectOnly(List.of(-1)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "http://x/|must start with 'magnet:?'",
        "magnet:|must start with 'magnet:?'",
        "magnet:?|no parameters",
        "magnet:?dn=x|missing xt=urn:btih:<infohash>",
        "magnet:?xt=urn:btih:abc|xt: infohash 'abc' must be 40 hex or 32 base32 characters, got 3",
        "magnet:?xt=urn:sha1:a9993e364706816aba3e25717850c26c9cd0d89d|xt: 'urn:sha1:a9993e364706816aba3e25717850c26c9cd0d89d' is not urn:btih:<infohash>",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d|xt: more than one urn:btih",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&&dn=x|empty parameter (stray '&')",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&dn|parameter 'dn' is not key=value",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&=x|parameter '=x' is not key=value",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&dn=a&dn=b|dn: given more than once",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&dn=%zz|dn: bad percent escape at '%zz'",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&dn=a%2|dn: bad percent escape at '%2'",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&dn=%C3%28|dn: percent-encoded bytes are not valid UTF-8",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&dn=a b|dn: character U+0020 must be percent-encoded",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&dn=ü|dn: character U+00FC must be percent-encoded",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&tr=|tr: empty",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&ws=|ws: empty",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&so=|so: empty",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&so=1,,2|so: '' is not an index or a range a-b",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&so=-1|so: '-1' is not an index or a range a-b",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&so=1-|so: '1-' is not an index or a range a-b",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&so=a|so: 'a' is not an index or a range a-b",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&so=6-4|so: range '6-4' ends before it starts",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&so=2147483648|so: index 2147483648 is out of range",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&so=0-2000000000|so: selects more than 1000000 files",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&so=1&so=2|so: given more than once",
        "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d#frag|a fragment ('#') is not allowed",
    })
    void rejectsMalformedLinksWithAClearMessage(String uri, String expected) {
        FormatException e = assertThrows(FormatException.class, () -> MagnetUri.parse(uri));
        assertEquals("magnet URI: " + expected, e.getMessage(),
                "for " + uri);
    }

    /** Found by MagnetUriFuzzTest (crash-4bca4273…): a raw CR of the link reached the one-line message. */
    @ParameterizedTest
    @ValueSource(strings = {
        "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&x.0\r1",
        "magnet:?xt=urn:abc%0Adef",
        "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&so=1%0A2",
    })
    void escapesControlCharactersInMessages(String uri) {
        FormatException e = assertThrows(FormatException.class, () -> MagnetUri.parse(uri));
        assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
        assertTrue(e.getMessage().contains("\\x0"), e.getMessage());
    }
}
