package org.nixswarm.planner.sim;

/** How a volunteer with a seed budget chooses the whole bundles it seeds. */
public enum VolunteerPolicy {
    /** The bundles with the fewest online seeders (tracker scrape), re-evaluated every hour. */
    LEAST_SEEDED,
    /** Bundles drawn at random once, kept. */
    RANDOM,
    /** Volunteers seed nothing beyond what they fetched themselves, like every other peer. */
    NONE;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
