package org.nixswarm.client.swarm;

import java.util.Map;

/** Lets tests of other packages decode announce queries the way {@link TrackerClientTest} does. */
public final class TrackerClientTestAccess {
    private TrackerClientTestAccess() {}

    public static Map<String, String> decodeQuery(String raw) {
        return TrackerClientTest.decodeQuery(raw);
    }
}
