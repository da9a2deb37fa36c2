package org.nixswarm.tracker;

/** Monotonic milliseconds; tests substitute a manual clock to drive expiry without sleeping. */
@FunctionalInterface
public interface TrackerClock {
    long millis();

    TrackerClock SYSTEM = () -> System.nanoTime() / 1_000_000L;
}
