package org.nixswarm.client.volunteer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which bundles a volunteer seeds: the least-seeded ones that fit in the budget. A bundle already
 * held is dropped only for one with clearly fewer seeders ({@code margin} fewer, not counting this
 * volunteer), so that small changes in the counts do not make volunteers churn.
 */
public final class SeedChooser {
    private final long budget;
    private final int margin;

    public SeedChooser(long budget, int margin) {
        this.budget = budget;
        this.margin = margin;
    }

    /**
     * @param bundles the plan's bundles
     * @param seeders scraped seeder counts (absent = 0)
     * @param held bundles this volunteer seeds now (its own copy is in their counts)
     */
    public Set<String> choose(List<SeedPlan.Bundle> bundles, Map<String, Integer> seeders, Set<String> held) {
        // the count without us: what the bundle would have if we left
        Comparator<SeedPlan.Bundle> order = Comparator.<SeedPlan.Bundle>comparingInt(b -> others(b, seeders, held))
                .thenComparing(SeedPlan.Bundle::infohash);
        List<SeedPlan.Bundle> sorted = new ArrayList<>(bundles);
        sorted.sort(order);
        Set<String> chosen = new HashSet<>();
        long used = 0;
        // keep what is held unless a clearly less-seeded bundle that is not held wants the room
        List<SeedPlan.Bundle> keep = new ArrayList<>();
        for (SeedPlan.Bundle b : sorted) if (held.contains(b.infohash()) && b.totalSize() <= budget) keep.add(b);
        List<SeedPlan.Bundle> candidates = new ArrayList<>();
        for (SeedPlan.Bundle b : sorted) if (!held.contains(b.infohash()) && b.totalSize() <= budget) candidates.add(b);
        for (SeedPlan.Bundle b : keep) {
            chosen.add(b.infohash());
            used += b.totalSize();
        }
        for (SeedPlan.Bundle c : candidates) {
            int cs = others(c, seeders, held);
            // make room by dropping the most-seeded held bundles that are clearly better covered
            while (used + c.totalSize() > budget && !keep.isEmpty()) {
                SeedPlan.Bundle worst = keep.get(keep.size() - 1);
                if (others(worst, seeders, held) - cs < margin) break;
                keep.remove(keep.size() - 1);
                chosen.remove(worst.infohash());
                used -= worst.totalSize();
            }
            if (used + c.totalSize() <= budget) {
                chosen.add(c.infohash());
                used += c.totalSize();
            }
        }
        return chosen;
    }

    private static int others(SeedPlan.Bundle b, Map<String, Integer> seeders, Set<String> held) {
        int n = seeders.getOrDefault(b.infohash(), 0);
        return held.contains(b.infohash()) ? Math.max(0, n - 1) : n;
    }
}
