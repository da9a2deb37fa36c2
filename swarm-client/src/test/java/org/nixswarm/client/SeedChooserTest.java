package org.nixswarm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nixswarm.client.volunteer.SeedChooser;
import org.nixswarm.client.volunteer.SeedPlan;

/** Which bundles a volunteer seeds: fewest seeders first, within budget, no churn on small changes. */
class SeedChooserTest {
    static SeedPlan.Bundle b(String c, long size) {
        return new SeedPlan.Bundle(c.repeat(40), size, "bundles/x.torrent");
    }

    final SeedPlan.Bundle a = b("a", 100), bb = b("b", 100), c = b("c", 100), big = b("d", 500);
    final List<SeedPlan.Bundle> all = List.of(a, bb, c, big);

    @Test
    void fewestSeedersFirstWithinTheBudget() {
        SeedChooser ch = new SeedChooser(250, 2);
        // d has no seeder but does not fit; c (0) and a (1) do
        assertEquals(Set.of(c.infohash(), a.infohash()), ch.choose(all, Map.of(a.infohash(), 1, bb.infohash(), 5), Set.of()));
    }

    @Test
    void aHeldBundleIsDroppedOnlyForAClearlyLessSeededOne() {
        SeedChooser ch = new SeedChooser(100, 2);
        List<SeedPlan.Bundle> two = List.of(a, bb);
        // we hold a (its 3 include us: 2 others); b has 1: not clearly fewer, stay
        assertEquals(Set.of(a.infohash()), ch.choose(two, Map.of(a.infohash(), 3, bb.infohash(), 1), Set.of(a.infohash())));
        // b has none: 2 fewer than a's others, move
        assertEquals(Set.of(bb.infohash()), ch.choose(two, Map.of(a.infohash(), 3), Set.of(a.infohash())));
    }

    @Test
    void nothingFitsNothingChosen() {
        assertEquals(Set.of(), new SeedChooser(50, 2).choose(all, Map.of(), Set.of()));
    }
}
