package org.nixswarm.core.narinfo;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.sign.PublicKey;

/**
 * Mangled real narinfos: the parser either accepts (and then prints the input back exactly) or
 * throws a one-line {@link FormatException} starting with the origin; never anything else.
 */
class NarInfoFuzzTest {
    private static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyzeotuABC:- \n\r\t/.=+_?;,\u00e9\u0000";

    @Test
    void mangledNarinfosFailCleanlyOrRoundTrip() {
        List<String> sample = SampleNarInfos.cacheNixosOrgSample();
        PublicKey key = PublicKey.parse(SampleNarInfos.CACHE_NIXOS_ORG_KEY);
        Random r = new Random(2026);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 3000; i++) {
            String text = sample.get(r.nextInt(sample.size()));
            StringBuilder b = new StringBuilder(text);
            int edits = 1 + r.nextInt(3);
            for (int e = 0; e < edits && b.length() > 0; e++) {
                int at = r.nextInt(b.length());
                switch (r.nextInt(5)) {
                    case 0 -> b.setCharAt(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                    case 1 -> b.deleteCharAt(at);
                    case 2 -> b.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                    case 3 -> b.setLength(at);
                    default -> {
                        // duplicate a whole line
                        int start = b.lastIndexOf("\n", at) + 1;
                        int end = b.indexOf("\n", at);
                        if (end >= 0) b.insert(start, b.substring(start, end + 1));
                    }
                }
            }
            String mangled = b.toString();
            try {
                NarInfo n = NarInfo.parse(mangled.getBytes(StandardCharsets.UTF_8), "fuzz");
                assertEquals(mangled, n.print());
                n.fingerprint();
                if (accepted % 8 == 0) n.verify(List.of(key)); // true or false, never throws
                accepted++;
            } catch (FormatException e) {
                assertTrue(e.getMessage().startsWith("fuzz"), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                assertFalse(e.getMessage().contains("\r"), e.getMessage());
                rejected++;
            }
        }
        assertTrue(accepted > 100 && rejected > 800, accepted + " accepted, " + rejected + " rejected");
    }
}
