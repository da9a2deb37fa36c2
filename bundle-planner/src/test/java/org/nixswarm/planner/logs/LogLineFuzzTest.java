package org.nixswarm.planner.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.nixswarm.core.testing.Fuzz;
import org.nixswarm.planner.PlannerException;
import org.nixswarm.planner.io.BadInput;

/**
 * Coverage-guided fuzzing of download-log lines (JSONL, CSV, common/combined log format), which
 * come from CDN exports the planner does not control.
 */
class LogLineFuzzTest {
    private static final Fuzz.Budget BUDGET = Fuzz.Budget.of(8 << 20, 256);

    /**
     * Each line (split as {@link LogReader#read} splits them) gives a record or is counted as bad,
     * never an exception; in strict mode the same line gives the same record or a
     * {@link PlannerException}.
     */
    @FuzzTest
    void parseLine(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        for (String line : text.split("\r\n|\r|\n", -1)) {
            BadInput lenient = new BadInput(false);
            LogRecord r = Fuzz.parse(line.length(), BUDGET, e -> false,
                    () -> new LogReader(lenient).parseLine(line, "fuzz:1"));
            String t = line.strip();
            boolean skipped = t.isEmpty() || t.startsWith("#");
            if (r == null) {
                assertEquals(skipped ? 0 : 1, lenient.total(), "a dropped line must be counted once: " + line);
            } else {
                assertEquals(0, lenient.total());
                assertNotNull(r.client());
                assertNotNull(r.target());
            }
            LogRecord strict = Fuzz.parse(line.length(), BUDGET, Fuzz.only(PlannerException.class),
                    () -> new LogReader(new BadInput(true)).parseLine(line, "fuzz:1"));
            assertEquals(r, strict, "strict and lenient disagree on " + line);
        }
    }
}
