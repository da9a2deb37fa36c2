package org.nixswarm.core.magnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.testing.Fuzz;

/** Coverage-guided fuzzing of magnet links (from the index, from users, from the DHT). */
class MagnetUriFuzzTest {
    private static final Fuzz.Budget BUDGET = Fuzz.Budget.of(8 << 20, 256);

    /** Parses or fails cleanly; what parses prints to a canonical form that parses to an equal link. */
    @FuzzTest
    void parse(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        MagnetUri m = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class), () -> MagnetUri.parse(text));
        if (m == null) return;
        MagnetUri again = MagnetUri.parse(m.toString());
        assertEquals(m, again, "parse(print(m)) != m for " + text);
        assertEquals(m.toString(), again.toString(), "the printed form is not canonical");
    }
}
