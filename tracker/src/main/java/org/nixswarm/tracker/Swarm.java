package org.nixswarm.tracker;

/**
 * One torrent's peers: an IPv4 and (created on first use) an IPv6 {@link PeerTable}, and the
 * count of completed downloads. The infohash is kept as three primitives so that the store's hash
 * chains need no key objects.
 */
final class Swarm {
    final long h0;
    final long h1;
    final int h2;
    /** The store's keyed hash of the infohash, kept for re-chaining when the table grows. */
    final int bucketHash;
    Swarm next;
    PeerTable v4;
    PeerTable v6;
    int downloaded;

    Swarm(long h0, long h1, int h2, int bucketHash) {
        this.h0 = h0;
        this.h1 = h1;
        this.h2 = h2;
        this.bucketHash = bucketHash;
    }

    void dropEmptyTables() {
        if (v4 != null && v4.size() == 0) v4 = null;
        if (v6 != null && v6.size() == 0) v6 = null;
    }

    boolean is(long a, long b, int c) {
        return h0 == a && h1 == b && h2 == c;
    }

    PeerTable table(int addressLength, boolean create, int seed) {
        if (addressLength == 4) {
            if (v4 == null && create) v4 = new PeerTable(4, seed);
            return v4;
        }
        if (v6 == null && create) v6 = new PeerTable(16, seed);
        return v6;
    }

    int seeders() {
        return (v4 == null ? 0 : v4.seeders()) + (v6 == null ? 0 : v6.seeders());
    }

    int leechers() {
        return (v4 == null ? 0 : v4.leechers()) + (v6 == null ? 0 : v6.leechers());
    }

    int peers() {
        return (v4 == null ? 0 : v4.size()) + (v6 == null ? 0 : v6.size());
    }

    /** Drops expired peers and empty tables; returns how many peers went. */
    int expire(int deadline) {
        int removed = 0;
        if (v4 != null) {
            removed += v4.expire(deadline);
            if (v4.size() == 0) v4 = null;
        }
        if (v6 != null) {
            removed += v6.expire(deadline);
            if (v6.size() == 0) v6 = null;
        }
        return removed;
    }

    long heapBytes() {
        return 48 + (v4 == null ? 0 : 40 + v4.arrayBytes()) + (v6 == null ? 0 : 40 + v6.arrayBytes());
    }
}
