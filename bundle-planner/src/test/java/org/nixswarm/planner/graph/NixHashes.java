package org.nixswarm.planner.graph;

import java.util.Random;
import org.nixswarm.core.store.NixBase32;

/** Random store-path hash parts for tests. */
public final class NixHashes {
    private NixHashes() {}

    public static String random(Random r) {
        byte[] b = new byte[20];
        r.nextBytes(b);
        return NixBase32.encode(b);
    }
}
