package org.nixswarm.index.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What loading one plan did: entries served, entries rejected (bad signature, malformed, not
 * matching their narinfo or manifest) with the first problems named, and whether an existing
 * segment was reused (then nothing was re-verified: it was verified when written).
 */
public record LoadReport(Path plan, String generation, long accepted, long rejected, List<String> problems,
        boolean reused, Duration elapsed) {
    public static final int MAX_PROBLEMS = 50;

    public LoadReport {
        problems = List.copyOf(problems);
    }

    public String summary() {
        return plan + " (generation " + generation + "): " + accepted + " entries"
                + (rejected > 0 ? ", " + rejected + " REJECTED" : "")
                + (reused ? ", segment reused" : ", verified and indexed") + " in " + elapsed.toMillis() + " ms";
    }
}
