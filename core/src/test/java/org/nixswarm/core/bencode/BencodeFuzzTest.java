package org.nixswarm.core.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.testing.Fuzz;

/**
 * Coverage-guided fuzzing of the strict bencode decoder (peers' messages, torrents, tracker
 * responses). {@code mvn verify} replays the saved corpus in {@code BencodeFuzzTestInputs/}; with
 * {@code JAZZER_FUZZ=1} Jazzer mutates it (see bench/fuzz/run.sh).
 */
class BencodeFuzzTest {
    private static final Fuzz.Budget BUDGET = Fuzz.Budget.of(4 << 20, 64);

    /** Decodes or fails cleanly; what decodes is canonical, so encoding it gives back the input. */
    @FuzzTest
    void decode(byte[] input) throws Exception {
        BValue v = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class),
                () -> BencodeDecoder.decode(input));
        if (v == null) return;
        assertArrayEquals(input, BencodeEncoder.encode(v), "encode(decode(x)) != x");
        assertEquals(v, BencodeDecoder.decode(BencodeEncoder.encode(v)));
    }
}
