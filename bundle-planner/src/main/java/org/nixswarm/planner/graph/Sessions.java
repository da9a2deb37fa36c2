package org.nixswarm.planner.graph;

/**
 * Download sessions in CSR form: session {@code s} fetched paths {@code items[off[s] .. off[s+1])}
 * (distinct ids) and belongs to client {@code client[s]}. Clients matter only for the evaluation's
 * split into training and held-out sets.
 */
public final class Sessions {
    public final int[] off;
    public final int[] items;
    public final int[] client;

    public Sessions(int[] off, int[] items, int[] client) {
        this.off = off;
        this.items = items;
        this.client = client;
    }

    public static Sessions empty() {
        return new Sessions(new int[] {0}, new int[0], new int[0]);
    }

    public int count() {
        return off.length - 1;
    }

    public int size(int s) {
        return off[s + 1] - off[s];
    }

    public long totalItems() {
        return items.length;
    }

    /** The sessions whose client is (or is not) selected by {@code heldOut}. */
    public Sessions filterClients(java.util.function.IntPredicate keep) {
        Builder b = new Builder();
        for (int s = 0; s < count(); s++) {
            if (!keep.test(client[s])) continue;
            for (int i = off[s]; i < off[s + 1]; i++) b.item(items[i]);
            b.endSession(client[s]);
        }
        return b.build();
    }

    /** Appends items one by one, then closes each session. */
    public static final class Builder {
        private final IntList off = new IntList();
        private final IntList items = new IntList(1 << 16);
        private final IntList client = new IntList();

        public Builder() {
            off.add(0);
        }

        public void item(int path) {
            items.add(path);
        }

        /** Closes the current session (dropped if empty); duplicates inside it are removed. */
        public void endSession(int clientId) {
            int start = off.get(off.size() - 1);
            int end = items.size();
            if (end == start) return;
            // remove duplicates: sort the tail and compact
            int[] tail = new int[end - start];
            for (int i = 0; i < tail.length; i++) tail[i] = items.get(start + i);
            java.util.Arrays.sort(tail);
            int w = start;
            for (int i = 0; i < tail.length; i++) {
                if (i > 0 && tail[i] == tail[i - 1]) continue;
                items.set(w++, tail[i]);
            }
            items.truncate(w);
            off.add(items.size());
            client.add(clientId);
        }

        public Sessions build() {
            return new Sessions(off.toArray(), items.toArray(), client.toArray());
        }
    }
}
