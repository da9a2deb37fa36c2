package org.nixswarm.tracker;

import java.util.Arrays;

/**
 * The peers of one swarm and one address family, packed into one byte array: no object per peer.
 * A record is {@code address ‖ port(2) ‖ peer id(20) ‖ last seen(4, seconds) ‖ flags(1)}. Small
 * tables are scanned; from {@value #LINEAR_MAX} peers on, an open-addressing index (linear probing,
 * backward-shift deletion) maps (address, port) to the record's slot. Removal moves the last record
 * into the hole, so slots stay dense. Not thread-safe: the owning {@link SwarmStore} stripe locks it.
 */
final class PeerTable {
    static final int PEER_ID = 20;
    private static final int LINEAR_MAX = 16;
    private static final byte SEEDER = 1;

    final int addressLength;
    /** Bytes of one record. */
    final int recordLength;
    /** Bytes of one peer as copied out: address, port, peer id. */
    final int entryLength;
    private final int seed;
    private byte[] data;
    private int size;
    private int seeders;
    private int[] index;

    PeerTable(int addressLength, int seed) {
        this.addressLength = addressLength;
        this.recordLength = addressLength + 2 + PEER_ID + 4 + 1;
        this.entryLength = addressLength + 2 + PEER_ID;
        this.seed = seed;
        this.data = new byte[recordLength * 2];
    }

    int size() {
        return size;
    }

    int seeders() {
        return seeders;
    }

    int leechers() {
        return size - seeders;
    }

    /** Heap bytes held by the arrays (for the memory benchmark). */
    long arrayBytes() {
        return 16L + data.length + (index == null ? 0 : 16L + 4L * index.length);
    }

    int find(byte[] address, int port) {
        if (index == null) {
            for (int i = 0; i < size; i++) {
                if (matches(i, address, port)) return i;
            }
            return -1;
        }
        int mask = index.length - 1;
        int h = hash(address, port) & mask;
        while (true) {
            int v = index[h];
            if (v == 0) return -1;
            if (matches(v - 1, address, port)) return v - 1;
            h = (h + 1) & mask;
        }
    }

    /** Appends a peer that {@link #find} did not find; returns its slot. */
    int add(byte[] address, int port, byte[] peerId, int now, boolean seeder) {
        if ((size + 1) * recordLength > data.length) {
            int records = Math.max(4, size + (size >> 1) + 1);
            data = Arrays.copyOf(data, records * recordLength);
        }
        int slot = size++;
        int off = slot * recordLength;
        System.arraycopy(address, 0, data, off, addressLength);
        data[off + addressLength] = (byte) (port >>> 8);
        data[off + addressLength + 1] = (byte) port;
        data[off + recordLength - 1] = 0;
        update(slot, peerId, now, seeder);
        if (index != null) {
            if (size * 2 > index.length) rebuildIndex();
            else insert(slot);
        } else if (size > LINEAR_MAX) {
            rebuildIndex();
        }
        return slot;
    }

    /** Refreshes a known peer: new peer id, last-seen time and seeder flag. */
    void update(int slot, byte[] peerId, int now, boolean seeder) {
        int off = slot * recordLength;
        System.arraycopy(peerId, 0, data, off + addressLength + 2, PEER_ID);
        putInt(off + addressLength + 2 + PEER_ID, now);
        boolean was = data[off + recordLength - 1] == SEEDER;
        if (was != seeder) {
            seeders += seeder ? 1 : -1;
            data[off + recordLength - 1] = seeder ? SEEDER : 0;
        }
    }

    boolean isSeeder(int slot) {
        return data[slot * recordLength + recordLength - 1] == SEEDER;
    }

    int lastSeen(int slot) {
        return getInt(slot * recordLength + addressLength + 2 + PEER_ID);
    }

    void remove(int slot) {
        if (isSeeder(slot)) seeders--;
        int last = size - 1;
        if (index != null) {
            unindex(slot);
            if (slot != last) {
                int mask = index.length - 1;
                int h = hashAt(last) & mask;
                while (index[h] != last + 1) h = (h + 1) & mask;
                index[h] = slot + 1;
            }
        }
        if (slot != last) System.arraycopy(data, last * recordLength, data, slot * recordLength, recordLength);
        size = last;
    }

    /** Removes every peer last seen before {@code deadline}; returns how many. Shrinks storage. */
    int expire(int deadline) {
        int removed = 0;
        for (int i = size - 1; i >= 0; i--) {
            if (lastSeen(i) < deadline) {
                remove(i);
                removed++;
            }
        }
        if (removed > 0) compact();
        return removed;
    }

    private void compact() {
        if (data.length > recordLength * 8 && size * recordLength * 3 < data.length) {
            data = Arrays.copyOf(data, Math.max(2, size * 3 / 2) * recordLength);
        }
        if (index != null && size <= LINEAR_MAX / 2) index = null;
        else if (index != null && size * 8 < index.length) rebuildIndex();
    }

    /**
     * Copies up to {@code want} peers, as address ‖ port ‖ peer id, into {@code out} at
     * {@code outOffset}, walking the table from {@code start} round. Skips {@code exclude}, peers
     * last seen before {@code deadline}, and (if {@code filter} is 0 or 1) peers whose seeder flag
     * differs from it. Returns how many it copied.
     */
    int copyPeers(int start, int want, int exclude, int deadline, int filter, byte[] out, int outOffset) {
        int n = 0;
        int s = size;
        for (int k = 0; k < s && n < want; k++) {
            int slot = start + k;
            if (slot >= s) slot -= s;
            if (slot == exclude) continue;
            int off = slot * recordLength;
            if (filter >= 0 && data[off + recordLength - 1] != filter) continue;
            if (getInt(off + addressLength + 2 + PEER_ID) < deadline) continue;
            System.arraycopy(data, off, out, outOffset + n * entryLength, entryLength);
            n++;
        }
        return n;
    }

    private boolean matches(int slot, byte[] address, int port) {
        int off = slot * recordLength;
        byte[] d = data;
        if (d[off + addressLength] != (byte) (port >>> 8) || d[off + addressLength + 1] != (byte) port) return false;
        for (int i = 0; i < addressLength; i++) {
            if (d[off + i] != address[i]) return false;
        }
        return true;
    }

    private void rebuildIndex() {
        int cap = Integer.highestOneBit(Math.max(32, size * 4) - 1) << 1;
        index = new int[cap];
        for (int i = 0; i < size; i++) insert(i);
    }

    private void insert(int slot) {
        int mask = index.length - 1;
        int h = hashAt(slot) & mask;
        while (index[h] != 0) h = (h + 1) & mask;
        index[h] = slot + 1;
    }

    private void unindex(int slot) {
        int mask = index.length - 1;
        int i = hashAt(slot) & mask;
        while (index[i] != slot + 1) i = (i + 1) & mask;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int v = index[j];
            if (v == 0) break;
            int k = hashAt(v - 1) & mask;
            // Move v back into the hole unless its home position lies cyclically in (i, j].
            boolean stays = (i <= j) ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays) {
                index[i] = v;
                i = j;
            }
        }
        index[i] = 0;
    }

    private int hash(byte[] address, int port) {
        int h = seed ^ port;
        for (int i = 0; i < addressLength; i++) h = h * 0x01000193 ^ (address[i] & 0xff);
        return mix(h);
    }

    private int hashAt(int slot) {
        int off = slot * recordLength;
        int port = ((data[off + addressLength] & 0xff) << 8) | (data[off + addressLength + 1] & 0xff);
        int h = seed ^ port;
        for (int i = 0; i < addressLength; i++) h = h * 0x01000193 ^ (data[off + i] & 0xff);
        return mix(h);
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    private int getInt(int off) {
        byte[] d = data;
        return (d[off] << 24) | ((d[off + 1] & 0xff) << 16) | ((d[off + 2] & 0xff) << 8) | (d[off + 3] & 0xff);
    }

    private void putInt(int off, int v) {
        data[off] = (byte) (v >>> 24);
        data[off + 1] = (byte) (v >>> 16);
        data[off + 2] = (byte) (v >>> 8);
        data[off + 3] = (byte) v;
    }
}
