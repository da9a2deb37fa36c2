package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    @Test
    void chargingNeverWaitsAndLeavesADebtThatRunsOutAtTheRate() throws Exception {
        TokenBucket b = new TokenBucket(1024 * 1024); // 1 MiB/s, 256 KiB burst
        assertEquals(0, b.nanosUntilAvailable());
        long t0 = System.nanoTime();
        b.charge(256 * 1024 + 512 * 1024); // the burst and half a second more
        assertTrue(System.nanoTime() - t0 < 50_000_000L, "charge returned at once");
        long debt = b.nanosUntilAvailable();
        assertTrue(debt > 400_000_000L && debt <= 500_000_000L, "debt " + debt);
        Thread.sleep(100);
        assertTrue(b.nanosUntilAvailable() <= debt - 90_000_000L, "the debt shrinks with time");
    }

    @Test
    void unlimitedHasNoDebt() {
        TokenBucket b = new TokenBucket(0);
        b.charge(1L << 40);
        assertEquals(0, b.nanosUntilAvailable());
    }
}
