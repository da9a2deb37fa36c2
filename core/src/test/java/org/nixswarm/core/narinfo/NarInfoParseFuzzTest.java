package org.nixswarm.core.narinfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.testing.Fuzz;

/**
 * Coverage-guided fuzzing of narinfo parsing (from the cache, the index and peers). The random
 * mutations of {@link NarInfoFuzzTest} stay; this one is guided by coverage and keeps its corpus.
 */
class NarInfoParseFuzzTest {
    private static final Fuzz.Budget BUDGET = Fuzz.Budget.of(8 << 20, 128);
    private static final PublicKey CACHE_KEY = PublicKey.parse(SampleNarInfos.CACHE_NIXOS_ORG_KEY);
    private static final SecretKey OUR_KEY = SecretKey.fromSeed("fuzz-1", new byte[32]);

    /**
     * Parses or fails cleanly. What parses prints back exactly, parses again to an equal narinfo, has
     * a fingerprint, checks signatures without throwing, and verifies once we sign it.
     */
    @FuzzTest
    void parse(byte[] input) throws Exception {
        NarInfo n = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class),
                () -> NarInfo.parse(input, "fuzz"));
        if (n == null) return;
        assertArrayEquals(input, n.printBytes(), "print(parse(x)) != x");
        assertEquals(n, NarInfo.parse(n.print()));
        n.fingerprint();
        n.verify(List.of(CACHE_KEY));
        NarInfo signed = n.withSignature(OUR_KEY);
        assertTrue(signed.verify(List.of(OUR_KEY.publicKey())), "our own signature does not verify");
        assertEquals(signed, NarInfo.parse(signed.print()));
    }
}
