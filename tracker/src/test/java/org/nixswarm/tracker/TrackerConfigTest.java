package org.nixswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrackerConfigTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void badSettingsAreRefusedWithAClearMessage() {
        assertEquals("the tracker needs an HTTP or a UDP address",
                assertThrows(TrackerException.class, () -> TrackerConfig.builder().build()).getMessage());
        assertEquals("min interval (100 s) must not exceed the interval (60 s)", assertThrows(TrackerException.class,
                () -> TrackerConfig.builder().http(ANY).interval(Duration.ofSeconds(60))
                        .minInterval(Duration.ofSeconds(100)).build()).getMessage());
        assertEquals("max swarms must be positive, got 0", assertThrows(TrackerException.class,
                () -> TrackerConfig.builder().http(ANY).maxSwarms(0).build()).getMessage());
        assertEquals("max header bytes must be at least 256, got 10", assertThrows(TrackerException.class,
                () -> TrackerConfig.builder().http(ANY).maxHeaderBytes(10).build()).getMessage());
        assertEquals(Duration.ofHours(1).toMillis(), TrackerConfig.builder().http(ANY).build().expiryMillis(),
                "peers expire after twice the 30 min default interval");
    }

    @Test
    void aTakenPortIsAClearError() {
        try (Tracker first = Tracker.start(TrackerConfig.builder().http(ANY).ioThreads(1).build())) {
            TrackerException e = assertThrows(TrackerException.class, () -> Tracker.start(
                    TrackerConfig.builder().http(first.httpAddress()).ioThreads(1).build()));
            assertEquals(true, e.getMessage().startsWith("cannot listen for HTTP on " + first.httpAddress()), e.getMessage());
        }
    }
}
