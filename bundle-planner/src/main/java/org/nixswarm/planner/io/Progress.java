package org.nixswarm.planner.io;

/** Where long steps report how far they are (a terminal progress bar in the CLI; nothing in tests). */
@FunctionalInterface
public interface Progress {
    Progress NONE = (step, done, total) -> {};

    void update(String step, long done, long total);
}
