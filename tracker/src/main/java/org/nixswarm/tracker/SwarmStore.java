package org.nixswarm.tracker;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * All swarms, in memory. Lock striping: an infohash picks one of {@value #STRIPES} stripes, each a
 * chained hash table of {@link Swarm}s under its own monitor, so I/O threads rarely contend. Bucket
 * hashes are keyed with a per-process secret so that chosen infohashes cannot pile into one chain.
 * Bounded: at most {@code maxSwarms} swarms and {@code maxPeersPerSwarm} peers in each.
 */
public final class SwarmStore {
    private static final int STRIPES = 64;

    /** What became of an announce. */
    public enum Outcome {
        /** Answered; the peer is stored (or removed, for {@code stopped}). */
        OK,
        /** Answered, but the swarm is full and the new peer was not stored. */
        SWARM_FULL,
        /** Refused: a new swarm would exceed the limit on swarms. Nothing was stored. */
        SWARM_LIMIT
    }

    /** Totals over all swarms. */
    public record Stats(int swarms, long seeders, long leechers, long downloaded) {}

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final AtomicInteger swarms = new AtomicInteger();
    private final int maxSwarms;
    private final int maxPeersPerSwarm;
    private final int expirySeconds;
    private final TrackerClock clock;
    private final long startMillis;
    private final long secret0;
    private final long secret1;
    private final int peerSeed;

    public SwarmStore(int maxSwarms, int maxPeersPerSwarm, long expiryMillis, TrackerClock clock) {
        this.maxSwarms = maxSwarms;
        this.maxPeersPerSwarm = maxPeersPerSwarm;
        this.expirySeconds = (int) Math.max(1, (expiryMillis + 999) / 1000);
        this.clock = clock;
        this.startMillis = clock.millis();
        SecureRandom random = new SecureRandom();
        this.secret0 = random.nextLong() | 1;
        this.secret1 = random.nextLong();
        this.peerSeed = random.nextInt();
        for (int i = 0; i < STRIPES; i++) stripes[i] = new Stripe();
    }

    /** Seconds since start; what peers' last-seen stamps count in. Starts at 1 so 0 means never. */
    int now() {
        return (int) ((clock.millis() - startMillis) / 1000) + 1;
    }

    /**
     * Records an announce and selects peers for the answer. {@code address} is 4 or 16 bytes. A
     * {@code stopped} peer is removed and gets no peers. Seeders get leechers first. Peers of the
     * requester's own address family come first; the other family's only if {@code bothFamilies}.
     */
    public Outcome announce(byte[] infoHash, byte[] peerId, byte[] address, int port, boolean seeder,
            Event event, int want, boolean bothFamilies, PeerSelection out) {
        long a = getLong(infoHash, 0);
        long b = getLong(infoHash, 8);
        int c = getInt(infoHash, 16);
        long h = mix(a, b, c);
        Stripe stripe = stripes[(int) (h >>> 58)];
        int now = now();
        synchronized (stripe) {
            Swarm swarm = stripe.find(a, b, c, (int) h);
            if (swarm == null) {
                if (event == Event.STOPPED) return Outcome.OK;
                if (!reserveSwarm()) return Outcome.SWARM_LIMIT;
                swarm = stripe.add(new Swarm(a, b, c, (int) h));
            }
            Outcome outcome = Outcome.OK;
            PeerTable own = swarm.table(address.length, false, peerSeed);
            int slot = own == null ? -1 : own.find(address, port);
            if (event == Event.STOPPED) {
                if (slot >= 0) {
                    own.remove(slot);
                    swarm.dropEmptyTables();
                }
                fillCounts(swarm, out);
                if (swarm.peers() == 0) {
                    stripe.remove(swarm, (int) h);
                    swarms.decrementAndGet();
                }
                return outcome;
            }
            boolean completedNow = event == Event.COMPLETED && (slot < 0 || !own.isSeeder(slot));
            if (slot >= 0) {
                own.update(slot, peerId, now, seeder);
            } else if (swarm.peers() < maxPeersPerSwarm) {
                own = swarm.table(address.length, true, peerSeed);
                slot = own.add(address, port, peerId, now, seeder);
            } else {
                outcome = Outcome.SWARM_FULL;
            }
            if (completedNow) swarm.downloaded++;
            fillCounts(swarm, out);
            select(swarm, address.length, slot, seeder, want, bothFamilies, now - expirySeconds, out);
            if (swarm.peers() == 0) {
                stripe.remove(swarm, (int) h);
                swarms.decrementAndGet();
            }
            return outcome;
        }
    }

    private static void fillCounts(Swarm swarm, PeerSelection out) {
        out.complete = swarm.seeders();
        out.incomplete = swarm.leechers();
        out.downloaded = swarm.downloaded;
    }

    private void select(Swarm swarm, int ownLength, int ownSlot, boolean seeder, int want, boolean bothFamilies,
            int deadline, PeerSelection out) {
        if (want <= 0) return;
        PeerTable own = swarm.table(ownLength, false, peerSeed);
        PeerTable other = bothFamilies ? swarm.table(ownLength == 4 ? 16 : 4, false, peerSeed) : null;
        int[] passes = seeder ? SEEDER_PASSES : ANY_PASS;
        int left = want;
        for (int filter : passes) {
            left -= copy(own, ownSlot, filter, left, deadline, out);
            if (left == 0) return;
            left -= copy(other, -1, filter, left, deadline, out);
            if (left == 0) return;
        }
    }

    private static final int[] SEEDER_PASSES = {0, 1};
    private static final int[] ANY_PASS = {-1};

    private static int copy(PeerTable t, int exclude, int filter, int want, int deadline, PeerSelection out) {
        if (t == null || t.size() == 0) return 0;
        int start = ThreadLocalRandom.current().nextInt(t.size());
        int n;
        if (t.addressLength == 4) {
            n = t.copyPeers(start, want, exclude, deadline, filter, out.v4, out.count4 * PeerSelection.V4_ENTRY);
            out.count4 += n;
        } else {
            n = t.copyPeers(start, want, exclude, deadline, filter, out.v6, out.count6 * PeerSelection.V6_ENTRY);
            out.count6 += n;
        }
        return n;
    }

    /**
     * Counts for a scrape: {@code out[0]} complete, {@code out[1]} downloaded, {@code out[2]}
     * incomplete; all zero for an unknown swarm. Returns whether the swarm exists.
     */
    public boolean scrape(byte[] infoHash, int[] out) {
        long a = getLong(infoHash, 0);
        long b = getLong(infoHash, 8);
        int c = getInt(infoHash, 16);
        long h = mix(a, b, c);
        Stripe stripe = stripes[(int) (h >>> 58)];
        synchronized (stripe) {
            Swarm swarm = stripe.find(a, b, c, (int) h);
            if (swarm == null) {
                out[0] = out[1] = out[2] = 0;
                return false;
            }
            out[0] = swarm.seeders();
            out[1] = swarm.downloaded;
            out[2] = swarm.leechers();
            return true;
        }
    }

    /** Forgets peers that missed their announces (about twice the interval) and empty swarms. */
    public int expire() {
        int deadline = now() - expirySeconds;
        int removed = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                removed += stripe.expire(deadline);
                swarms.addAndGet(-stripe.expiredSwarms);
            }
        }
        return removed;
    }

    public int swarmCount() {
        return swarms.get();
    }

    public Stats stats() {
        long seeders = 0;
        long leechers = 0;
        long downloaded = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                for (Swarm head : stripe.table) {
                    for (Swarm s = head; s != null; s = s.next) {
                        seeders += s.seeders();
                        leechers += s.leechers();
                        downloaded += s.downloaded;
                    }
                }
            }
        }
        return new Stats(swarms.get(), seeders, leechers, downloaded);
    }

    /** Bytes of heap the swarms' own objects and arrays take (estimate, for the memory benchmark). */
    long estimatedHeapBytes() {
        long total = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                total += 16 + 4L * stripe.table.length;
                for (Swarm head : stripe.table) {
                    for (Swarm s = head; s != null; s = s.next) total += s.heapBytes();
                }
            }
        }
        return total;
    }

    private boolean reserveSwarm() {
        while (true) {
            int n = swarms.get();
            if (n >= maxSwarms) return false;
            if (swarms.compareAndSet(n, n + 1)) return true;
        }
    }

    private long mix(long a, long b, int c) {
        long h = (a ^ secret1) * secret0;
        h = Long.rotateLeft(h, 29) ^ b;
        h *= 0x9E3779B97F4A7C15L;
        h = Long.rotateLeft(h, 31) ^ c ^ secret1;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 31);
    }

    static long getLong(byte[] b, int off) {
        return ((long) getInt(b, off) << 32) | (getInt(b, off + 4) & 0xffffffffL);
    }

    static int getInt(byte[] b, int off) {
        return (b[off] << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /** A chained hash table of swarms; callers hold its monitor. */
    private static final class Stripe {
        Swarm[] table = new Swarm[16];
        int size;
        /** Swarms the last {@link #expire} removed. */
        int expiredSwarms;

        Swarm find(long a, long b, int c, int h) {
            for (Swarm s = table[h & (table.length - 1)]; s != null; s = s.next) {
                if (s.is(a, b, c)) return s;
            }
            return null;
        }

        Swarm add(Swarm swarm) {
            if (size >= table.length - (table.length >> 2)) grow();
            int i = swarm.bucketHash & (table.length - 1);
            swarm.next = table[i];
            table[i] = swarm;
            size++;
            return swarm;
        }

        void remove(Swarm swarm, int h) {
            int i = h & (table.length - 1);
            Swarm prev = null;
            for (Swarm s = table[i]; s != null; prev = s, s = s.next) {
                if (s == swarm) {
                    if (prev == null) table[i] = s.next;
                    else prev.next = s.next;
                    s.next = null;
                    size--;
                    return;
                }
            }
        }

        int expire(int deadline) {
            int removed = 0;
            expiredSwarms = 0;
            for (int i = 0; i < table.length; i++) {
                Swarm prev = null;
                Swarm s = table[i];
                while (s != null) {
                    Swarm next = s.next;
                    removed += s.expire(deadline);
                    if (s.peers() == 0) {
                        if (prev == null) table[i] = next;
                        else prev.next = next;
                        s.next = null;
                        size--;
                        expiredSwarms++;
                    } else {
                        prev = s;
                    }
                    s = next;
                }
            }
            return removed;
        }

        private void grow() {
            Swarm[] old = table;
            Swarm[] t = new Swarm[old.length * 2];
            for (Swarm head : old) {
                Swarm s = head;
                while (s != null) {
                    Swarm next = s.next;
                    int i = s.bucketHash & (t.length - 1);
                    s.next = t[i];
                    t[i] = s;
                    s = next;
                }
            }
            table = t;
        }
    }
}
