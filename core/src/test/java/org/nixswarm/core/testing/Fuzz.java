package org.nixswarm.core.testing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The properties every fuzz target checks on untrusted input, beyond "no crash": the parser either
 * returns a value or throws the module's one user-facing exception with a one-line message naming
 * what is wrong; anything else (NullPointerException, IndexOutOfBounds, OutOfMemoryError, an
 * IOException where none is expected) escapes to Jazzer as a finding. Each call is also bounded in
 * wall time and in bytes allocated by the calling thread, so that a quadratic loop or an allocation
 * sized from a hostile length field is a finding even when it does not crash.
 */
public final class Fuzz {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Generous: the machine is shared and fuzzing instruments every class; real blow-ups are far larger. */
    public static final Duration DEFAULT_TIME = Duration.ofSeconds(3);

    private Fuzz() {}

    /** A parse step: may throw anything; what it throws is judged by {@link #parse}. */
    @FunctionalInterface
    public interface Parse<T> {
        T run() throws Exception;
    }

    /** The limits for one input. */
    public record Budget(Duration time, long fixedBytes, long bytesPerInputByte) {
        public static Budget of(long fixedBytes, long bytesPerInputByte) {
            return new Budget(DEFAULT_TIME, fixedBytes, bytesPerInputByte);
        }

        long allocationLimit(int inputLength) {
            return fixedBytes + bytesPerInputByte * (long) inputLength;
        }
    }

    /**
     * Runs {@code parse} (again, if the first run broke a limit, so it must be repeatable). Returns its value, or null when it threw an exception accepted by
     * {@code expected} (whose message must then be one non-blank line). Any other throwable
     * propagates unchanged, so Jazzer records it and its stack trace.
     */
    public static <T> T parse(int inputLength, Budget budget, Predicate<Throwable> expected, Parse<T> parse)
            throws Exception {
        Outcome<T> first = measure(expected, parse);
        // The first call of a path loads and instruments classes, and a GC or JIT pause can hit any
        // call: a limit is only broken when a second, warm run breaks it too (parsers are pure).
        if (first.nanos > budget.time().toNanos() || first.allocated > budget.allocationLimit(inputLength)) {
            Outcome<T> second = measure(expected, parse);
            if (second.nanos > budget.time().toNanos()) {
                throw new AssertionError("took " + second.nanos / 1_000_000 + " ms on an input of " + inputLength
                        + " bytes (limit " + budget.time().toMillis() + " ms)");
            }
            long limit = budget.allocationLimit(inputLength);
            if (second.allocated > limit) {
                throw new AssertionError("allocated " + second.allocated + " bytes on an input of " + inputLength
                        + " bytes (limit " + limit + ")");
            }
        }
        return first.value;
    }

    private record Outcome<T>(T value, long nanos, long allocated) {}

    private static <T> Outcome<T> measure(Predicate<Throwable> expected, Parse<T> parse) throws Exception {
        long thread = Thread.currentThread().getId();
        long allocatedBefore = THREADS.getThreadAllocatedBytes(thread);
        long start = System.nanoTime();
        T value = null;
        try {
            value = parse.run();
        } catch (Exception e) {
            if (!expected.test(e)) throw e;
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
                throw new AssertionError("the error message must be one non-blank line, got: " + m, e);
            }
        }
        long nanos = System.nanoTime() - start;
        return new Outcome<>(value, nanos, THREADS.getThreadAllocatedBytes(thread) - allocatedBefore);
    }

    /** Only {@code type} (usually the module's FormatException) is an acceptable failure. */
    public static Predicate<Throwable> only(Class<? extends Throwable> type) {
        return type::isInstance;
    }
}
