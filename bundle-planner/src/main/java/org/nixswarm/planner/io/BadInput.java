package org.nixswarm.planner.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nixswarm.planner.PlannerException;

/**
 * Counts every input the planner could not use, by kind, with the first few examples, so that
 * nothing is dropped silently. In strict mode the first one is fatal.
 */
public final class BadInput {
    public static final int EXAMPLES = 5;

    /** One kind of problem: how many, and the first examples (what and where). */
    public record Kind(String name, long count, List<String> examples) {}

    private final boolean strict;
    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private final Map<String, List<String>> examples = new LinkedHashMap<>();

    public BadInput(boolean strict) {
        this.strict = strict;
    }

    public boolean strict() {
        return strict;
    }

    /** Records one problem of {@code kind}; {@code detail} says which input and what is wrong. */
    public synchronized void report(String kind, String detail) {
        if (strict) throw new PlannerException(kind + ": " + detail + " (--strict)");
        counts.computeIfAbsent(kind, k -> new long[1])[0]++;
        List<String> ex = examples.computeIfAbsent(kind, k -> new ArrayList<>());
        if (ex.size() < EXAMPLES) ex.add(detail);
    }

    public synchronized long count(String kind) {
        long[] c = counts.get(kind);
        return c == null ? 0 : c[0];
    }

    public synchronized long total() {
        long t = 0;
        for (long[] c : counts.values()) t += c[0];
        return t;
    }

    public synchronized List<Kind> kinds() {
        List<Kind> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            out.add(new Kind(e.getKey(), e.getValue()[0], List.copyOf(examples.get(e.getKey()))));
        }
        return out;
    }
}
