package org.nixswarm.planner.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nixswarm.planner.PlannerException;
import org.nixswarm.planner.cluster.ClusterSettings;

class SimulationTest {
    private static SimWorkload w;

    @BeforeAll
    static void plan() {
        // small bundles so that a 3,000-path cache has a few dozen of them
        w = SimWorkload.synthetic(3000, 3000, 7, ClusterSettings.defaults().withSizes(5_000_000, 50_000_000));
    }

    private static SimConfig small(long seed) {
        return SimConfig.defaults(300, 1.0, seed).withVolunteers(0.05, 0.5).withFetchRate(0.5);
    }

    @Test
    void sameSeedSameRun() {
        SimResult a = new Simulation(w, small(3), VolunteerPolicy.LEAST_SEEDED).run();
        SimResult b = new Simulation(w, small(3), VolunteerPolicy.LEAST_SEEDED).run();
        assertEquals(a.hours(), b.hours());
        assertArrayEquals(a.ttfbMs(), b.ttfbMs());
        SimResult c = new Simulation(w, small(4), VolunteerPolicy.LEAST_SEEDED).run();
        assertTrue(!a.hours().equals(c.hours()), "another seed, another run");
    }

    @Test
    void bytesAreConservedAndPoliciesSeeTheSameRequests() {
        long expected = -1;
        for (VolunteerPolicy p : VolunteerPolicy.values()) {
            Simulation sim = new Simulation(w, small(5), p);
            SimResult r = sim.run();
            assertEquals(24, r.hours().size());
            long files = 0;
            for (HourStats h : r.hours()) {
                files += h.files();
                assertTrue(h.peerBytes() >= 0 && h.originBytes() >= 0);
            }
            assertEquals(files, r.ttfbMs().length, "one first byte per file fetched");
            // counted independently of the byte counters: what the peers hold after the run
            long requested = sim.heldFileBytes();
            assertEquals(requested, r.peerBytes() + r.originBytes(), p + ": peers + origin = requested");
            assertEquals(requested, requestedBytes(r));
            assertTrue(requested > 0);
            if (expected < 0) expected = requested;
            // the same churn and fetch streams: every policy is asked for the same bytes
            assertEquals(expected, requested, p.label());
            if (p == VolunteerPolicy.NONE) assertEquals(0, r.fillOriginBytes() + r.fillPeerBytes());
        }
    }

    /** Re-adds the fetched sizes independently of the simulation's own counters. */
    private static long requestedBytes(SimResult r) {
        return r.hours().stream().mapToLong(HourStats::requestedBytes).sum();
    }

    @Test
    void leastSeededKeepsFewerZeroSeederBundlesThanRandomOrNone() {
        SimResult least = new Simulation(w, small(6), VolunteerPolicy.LEAST_SEEDED).run();
        SimResult random = new Simulation(w, small(6), VolunteerPolicy.RANDOM).run();
        SimResult none = new Simulation(w, small(6), VolunteerPolicy.NONE).run();
        int h = least.hours().size();
        assertEquals(w.plan.count(), none.meanZeroSeeders(0, h), 1e-9, "without volunteers no bundle has a complete seeder");
        assertTrue(least.meanZeroSeeders(0, h) < none.meanZeroSeeders(0, h));
        assertTrue(least.meanZeroSeeders(0, h) <= random.meanZeroSeeders(0, h),
                least.meanZeroSeeders(0, h) + " vs random " + random.meanZeroSeeders(0, h));
        assertTrue(least.offload(0, h) > none.offload(0, h),
                "volunteers serve the long tail: " + least.offload(0, h) + " vs " + none.offload(0, h));
    }

    @Test
    void aLonePeerGetsEverythingFromTheOriginAtKnownLatencies() {
        SimConfig one = SimConfig.defaults(1, 1.0, 1).withVolunteers(0, 0).withFetchRate(1)
                .withChurn(1000, 1, 1, 1, 0).withLatencies(40, 30, 20, 25, 0, 1000);
        SimResult r = new Simulation(w, one, VolunteerPolicy.LEAST_SEEDED).run();
        assertEquals(0, r.peerBytes());
        assertTrue(r.originBytes() > 0);
        // index 40 ms + origin 20 ms RTT + 10 ms; plus two tracker round trips (60 ms) on a bundle's first file
        for (float t : r.ttfbMs()) assertTrue(Math.abs(t - 70) < 1e-3 || Math.abs(t - 130) < 1e-3, "ttfb " + t);
        for (float t : r.directTtfbMs()) assertEquals(30, t, 1e-3);
        assertEquals(w.plan.count(), r.hours().get(0).zeroSeederBundles());
    }

    @Test
    void volunteersThatHoldEverythingServeEveryFileOnceFilled() {
        // every peer a volunteer, always online, budget for the whole catalogue, fast uplinks
        SimConfig all = SimConfig.defaults(20, 1.0, 2).withVolunteers(1.0, w.catalogueBytes() / 1e9 + 1)
                .withChurn(1e6, 1e-3, 1e6, 1e-3, 0).withUpload(10_000, 10_000).withFetchRate(2);
        for (VolunteerPolicy p : List.of(VolunteerPolicy.LEAST_SEEDED, VolunteerPolicy.RANDOM)) {
            SimResult r = new Simulation(w, all, p).run();
            assertEquals(0, r.originBytes(), p.label());
            assertTrue(r.peerBytes() > 0);
            for (HourStats h : r.hours()) assertEquals(0, h.zeroSeederBundles());
            // the first volunteer fills from the origin, the other 19 from it and each other
            assertEquals(w.catalogueBytes(), r.fillOriginBytes(), p.label());
            assertEquals(19 * w.catalogueBytes(), r.fillPeerBytes(), p.label());
        }
    }

    @Test
    void badConfigurationIsNamed() {
        PlannerException e = assertThrows(PlannerException.class, () -> SimConfig.defaults(0, 1, 1));
        assertTrue(e.getMessage().contains("peers"), e.getMessage());
        e = assertThrows(PlannerException.class, () -> SimConfig.defaults(10, 1, 1).withVolunteers(1.5, 1));
        assertTrue(e.getMessage().contains("volunteer fraction"), e.getMessage());
    }
}
