package org.nixswarm.planner.logs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.nixswarm.planner.graph.LongList;
import org.nixswarm.planner.graph.Sessions;
import org.nixswarm.planner.io.BadInput;

/**
 * Turns log records into sessions: the requests of one client, in time order, split wherever the
 * client was idle for longer than the gap (default 10 minutes). Targets are resolved to path ids
 * by the caller's function (-1: unknown, reported as "unknown path in log").
 */
public final class SessionBuilder {
    public static final long DEFAULT_GAP_MILLIS = 10 * 60 * 1000L;

    private final long gapMillis;
    private final Map<String, Integer> clients = new HashMap<>();
    private final List<LongList> perClient = new ArrayList<>(); // (time << 20 | seq) pairs with path id
    private final List<org.nixswarm.planner.graph.IntList> perClientPath = new ArrayList<>();
    private long records;

    public SessionBuilder(long gapMillis) {
        this.gapMillis = gapMillis;
    }

    /** Adds one record; returns false (and reports) when its target is not a known path. */
    public boolean add(LogRecord r, ToIntFunction<String> resolve, BadInput bad, String where) {
        int p = resolve.applyAsInt(r.target());
        if (p < 0) {
            bad.report("unknown path in log", where + r.target() + " is not a path of this cache");
            return false;
        }
        add(r.client(), r.timeMillis(), p);
        return true;
    }

    public void add(String client, long timeMillis, int path) {
        Integer c = clients.get(client);
        if (c == null) {
            c = clients.size();
            clients.put(client, c);
            perClient.add(new LongList());
            perClientPath.add(new org.nixswarm.planner.graph.IntList(4));
        }
        perClient.get(c).add(timeMillis);
        perClientPath.get(c).add(path);
        records++;
    }

    public long records() {
        return records;
    }

    public int clients() {
        return clients.size();
    }

    public Sessions build() {
        Sessions.Builder b = new Sessions.Builder();
        for (int c = 0; c < perClient.size(); c++) {
            long[] times = perClient.get(c).toArray();
            int[] paths = perClientPath.get(c).toArray();
            Integer[] idx = new Integer[times.length];
            for (int i = 0; i < idx.length; i++) idx[i] = i;
            java.util.Arrays.sort(idx, (x, y) -> times[x] != times[y] ? Long.compare(times[x], times[y]) : Integer.compare(x, y));
            long last = Long.MIN_VALUE;
            boolean open = false;
            for (int i : idx) {
                if (open && times[i] - last > gapMillis) b.endSession(c);
                b.item(paths[i]);
                open = true;
                last = times[i];
            }
            if (open) b.endSession(c);
        }
        return b.build();
    }
}
