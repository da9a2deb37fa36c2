package org.nixswarm.tracker;

/**
 * The answer to one announce, filled by {@link SwarmStore#announce} and read by the response
 * writers: swarm counts and the chosen peers, packed as address ‖ port ‖ peer id per family.
 * One instance per I/O thread, reused for every request, so answering allocates nothing.
 */
public final class PeerSelection {
    public static final int V4_ENTRY = 4 + 2 + PeerTable.PEER_ID;
    public static final int V6_ENTRY = 16 + 2 + PeerTable.PEER_ID;

    private static final ThreadLocal<PeerSelection> PER_THREAD = new ThreadLocal<>();

    final byte[] v4;
    final byte[] v6;
    int count4;
    int count6;
    int complete;
    int incomplete;
    int downloaded;

    PeerSelection(int capacity) {
        v4 = new byte[capacity * V4_ENTRY];
        v6 = new byte[capacity * V6_ENTRY];
    }

    /** This thread's selection, large enough for {@code capacity} peers of each family. */
    static PeerSelection forThread(int capacity) {
        PeerSelection s = PER_THREAD.get();
        if (s == null || s.v4.length < capacity * V4_ENTRY) {
            s = new PeerSelection(capacity);
            PER_THREAD.set(s);
        }
        s.clear();
        return s;
    }

    void clear() {
        count4 = 0;
        count6 = 0;
        complete = 0;
        incomplete = 0;
        downloaded = 0;
    }

    public int count4() { return count4; }
    public int count6() { return count6; }
    public int complete() { return complete; }
    public int incomplete() { return incomplete; }
    public int downloaded() { return downloaded; }
    public byte[] v4() { return v4; }
    public byte[] v6() { return v6; }
}
