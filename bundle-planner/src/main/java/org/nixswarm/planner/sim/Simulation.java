package org.nixswarm.planner.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.nixswarm.planner.cluster.Assignment;
import org.nixswarm.planner.graph.IntList;
import org.nixswarm.planner.graph.Mix;
import org.nixswarm.planner.graph.PathGraph;
import org.nixswarm.planner.graph.Sessions;

/**
 * A discrete-event simulation of the swarm over a bundle plan, in one thread, no sockets.
 *
 * <p><b>Peers</b> join and leave (log-normal online sessions; joins of ordinary peers follow a
 * diurnal pattern in three time zones) and, while online, fetch closures: a session drawn from
 * the workload's request pool, minus what the peer already holds. A peer keeps and seeds every
 * file it fetched (no eviction) while it is online. <b>Volunteers</b> also seed whole bundles
 * within a budget, chosen by the {@link VolunteerPolicy}.
 *
 * <p><b>Fetching a file.</b> The client looks the path up in the index (one round trip) and, the
 * first time in a session that it needs a bundle, announces to the tracker (two round trips), which
 * returns up to {@code numwant} random online members of the bundle's swarm. Among those that hold
 * the file, a peer's first byte arrives after three round trips (TCP, BitTorrent
 * handshake, request; one if the session already downloaded from that peer), its upload backlog
 * and one 16 KiB block at its upload cap. Peers that beat
 * the race deadline serve the file, striped over the fastest few in proportion to their caps; each
 * one's uplink is then busy (a FIFO of bytes at its cap). Otherwise the web seed (the cache) serves
 * it: one CDN round trip plus 10 ms on a kept-alive connection — the same figure as the reference,
 * Nix fetching directly from the cache.
 *
 * <p>Independent random streams (churn, fetches, peer sampling, volunteers) keep runs of different
 * policies paired: the same peers come and go and ask for the same closures.
 */
public final class Simulation {
    private static final int JOIN = 0, LEAVE = 1, FETCH = 2, VOLUNTEER = 3, TICK = 4;
    private static final double HOUR = 3600, BLOCK = 16384, ORIGIN_SERVER_S = 0.010;

    private record Event(double t, long seq, int type, int peer, int epoch) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Double.compare(t, o.t);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final SimConfig cfg;
    private final VolunteerPolicy policy;
    private final PathGraph g;
    private final Assignment plan;
    private final Sessions requests;
    private final int n, nb, nVol;
    private final long[] bundleBytes;

    private final SplittableRandom churnRng, fetchRng, pickRng, volRng;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long seq;

    // peers
    private final boolean[] online;
    private final int[] epoch;
    private final double[] tz, up, lat, cdn, busy;
    private final long[][] holds;
    private final long[][] joined;
    private final int[] stamp;
    private int stampGen;
    private final long[] connectedIn; // the fetch session in which this peer was last connected to

    // volunteers (ids 0..nVol-1)
    private final boolean[][] seeds;
    private final long[] seedBytes;
    private final boolean[] filledOnce;
    private final long budget;
    // bundles
    /** Online members of each swarm (what the tracker hands out) and each peer's slot in them. */
    private final IntList[] onlineMembers;
    private final int[][] onlineSlot;
    private final int[] seeders;
    private final long[] announced;
    private long sessionId;
    // measurements
    private final List<HourStats> hours = new ArrayList<>();
    private long hPeer, hOrigin, hFillPeer, hFillOrigin, hFiles, hNoHolder, sessions;
    private float[] ttfb = new float[1 << 16], direct = new float[1 << 16];
    private int nTtfb;

    public Simulation(SimWorkload w, SimConfig cfg, VolunteerPolicy policy) {
        this.cfg = cfg;
        this.policy = policy;
        this.g = w.graph;
        this.plan = w.plan;
        this.requests = w.requests;
        this.n = cfg.peers();
        this.nb = plan.count();
        this.nVol = (int) Math.round(cfg.volunteerFraction() * n);
        bundleBytes = new long[nb];
        for (int b = 0; b < nb; b++) bundleBytes[b] = plan.bundleBytes(g, b);
        churnRng = new SplittableRandom(Mix.mix(cfg.seed(), 1));
        fetchRng = new SplittableRandom(Mix.mix(cfg.seed(), 2));
        pickRng = new SplittableRandom(Mix.mix(cfg.seed(), 3));
        volRng = new SplittableRandom(Mix.mix(cfg.seed(), 4));
        SplittableRandom attr = new SplittableRandom(Mix.mix(cfg.seed(), 5));
        online = new boolean[n];
        epoch = new int[n];
        tz = new double[n];
        up = new double[n];
        lat = new double[n];
        cdn = new double[n];
        busy = new double[n];
        holds = new long[n][];
        joined = new long[n][];
        stamp = new int[n];
        connectedIn = new long[n];
        Arrays.fill(connectedIn, -1);
        double sigma = cfg.latencySigma();
        for (int p = 0; p < n; p++) {
            double r = attr.nextDouble();
            tz[p] = r < 0.35 ? -6 : r < 0.8 ? 1 : 8;
            up[p] = (p < nVol ? cfg.volunteerUpMbit() : cfg.peerUpMbit() * Math.exp(0.7 * gauss(attr))) * 125_000;
            lat[p] = cfg.peerLatencyMs() / 1000 * Math.exp(sigma * gauss(attr));
            cdn[p] = cfg.cdnRttMs() / 1000 * Math.exp(sigma * gauss(attr));
        }
        seeds = new boolean[nVol][nb];
        seedBytes = new long[nVol];
        filledOnce = new boolean[nVol];
        budget = (long) (cfg.volunteerBudgetGb() * 1e9);
        onlineMembers = new IntList[nb];
        for (int b = 0; b < nb; b++) onlineMembers[b] = new IntList(4);
        onlineSlot = new int[nb][];
        seeders = new int[nb];
        announced = new long[nb];
        Arrays.fill(announced, -1);
    }

    public SimResult run() {
        long t0 = System.nanoTime();
        double end = cfg.days() * 24 * HOUR;
        for (int p = 0; p < n; p++) {
            boolean vol = p < nVol;
            double meanOn = (vol ? cfg.volunteerOnlineHours() : cfg.onlineHours()) * Math.exp(0.5);
            double meanOff = vol ? cfg.volunteerOfflineHours() : cfg.offlineHours();
            if (churnRng.nextDouble() < meanOn / (meanOn + meanOff)) push(churnRng.nextDouble() * 60, JOIN, p, 0);
            else push(nextJoin(p, 0), JOIN, p, 0);
        }
        for (int h = 1; h <= (int) Math.ceil(end / HOUR); h++) push(h * HOUR, TICK, -1, 0);
        while (!queue.isEmpty()) {
            Event e = queue.poll();
            if (e.t > end + 1e-9) break;
            switch (e.type) {
                case JOIN -> join(e.peer, e.t);
                case LEAVE -> leave(e.peer, e.t);
                case FETCH -> {
                    if (online[e.peer] && e.epoch == epoch[e.peer]) fetch(e.peer, e.t);
                }
                case VOLUNTEER -> {
                    if (online[e.peer] && e.epoch == epoch[e.peer]) volunteer(e.peer, e.t);
                }
                default -> tick((int) Math.round(e.t / HOUR));
            }
        }
        return new SimResult(policy, nb, List.copyOf(hours), Arrays.copyOf(ttfb, nTtfb), Arrays.copyOf(direct, nTtfb),
                sessions, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * FileSize bytes of every file every peer holds from its own fetches, counted from the holdings
     * alone: peers never evict and never fetch a file twice, so after {@link #run()} this equals the
     * client bytes served by peers and origin together.
     */
    public long heldFileBytes() {
        long sum = 0;
        for (long[] set : holds) {
            if (set == null) continue;
            for (int w = 0; w < set.length; w++) {
                for (long bits = set[w]; bits != 0; bits &= bits - 1) sum += g.fileSize[(w << 6) + Long.numberOfTrailingZeros(bits)];
            }
        }
        return sum;
    }

    private void push(double t, int type, int peer, int ep) {
        queue.add(new Event(t, seq++, type, peer, ep));
    }

    private static double gauss(SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    private static double exp(SplittableRandom r, double mean) {
        return -mean * Math.log(1 - r.nextDouble());
    }

    /** Next join after {@code t}: volunteers a Poisson process; ordinary peers a diurnal one (thinning). */
    private double nextJoin(int p, double t) {
        if (p < nVol) return t + exp(churnRng, cfg.volunteerOfflineHours() * HOUR);
        double a = cfg.diurnalAmplitude(), meanGap = cfg.offlineHours() * HOUR / (1 + a);
        while (true) {
            t += exp(churnRng, meanGap);
            double localHour = t / HOUR + tz[p];
            double rate = 1 + a * Math.cos(2 * Math.PI * (localHour - 20) / 24);
            if (churnRng.nextDouble() * (1 + a) <= rate) return t;
        }
    }

    private void join(int p, double t) {
        if (online[p]) return;
        online[p] = true;
        int ep = ++epoch[p];
        boolean vol = p < nVol;
        double median = (vol ? cfg.volunteerOnlineHours() : cfg.onlineHours()) * HOUR;
        push(t + median * Math.exp(gauss(churnRng)), LEAVE, p, ep);
        if (cfg.fetchesPerOnlineHour() > 0) push(t + exp(fetchRng, HOUR / cfg.fetchesPerOnlineHour()), FETCH, p, ep);
        forJoined(p, b -> announce(p, b));
        if (vol) {
            for (int b = 0; b < nb; b++) if (seeds[p][b]) seeders[b]++;
            push(t, VOLUNTEER, p, ep);
        }
    }

    private void leave(int p, double t) {
        if (!online[p]) return;
        online[p] = false;
        epoch[p]++;
        forJoined(p, b -> expire(p, b));
        if (p < nVol) {
            for (int b = 0; b < nb; b++) if (seeds[p][b]) seeders[b]--;
        }
        push(nextJoin(p, t), JOIN, p, 0);
    }

    private static boolean bit(long[] set, int i) {
        return set != null && (set[i >>> 6] & (1L << i)) != 0;
    }

    private static long[] setBit(long[] set, int i, int size) {
        if (set == null) set = new long[(size + 63) >>> 6];
        set[i >>> 6] |= 1L << i;
        return set;
    }

    private boolean hasFile(int c, int path, int bundle) {
        return bit(holds[c], path) || (c < nVol && seeds[c][bundle]);
    }

    private void joinSwarm(int p, int b) {
        if (bit(joined[p], b)) return;
        joined[p] = setBit(joined[p], b, nb);
        if (online[p]) announce(p, b);
    }

    private void forJoined(int p, java.util.function.IntConsumer f) {
        long[] set = joined[p];
        if (set == null) return;
        for (int w = 0; w < set.length; w++) {
            for (long bits = set[w]; bits != 0; bits &= bits - 1) f.accept((w << 6) + Long.numberOfTrailingZeros(bits));
        }
    }

    private void announce(int p, int b) {
        if (onlineSlot[b] == null) {
            onlineSlot[b] = new int[n];
            Arrays.fill(onlineSlot[b], -1);
        }
        if (onlineSlot[b][p] >= 0) return;
        onlineSlot[b][p] = onlineMembers[b].size();
        onlineMembers[b].add(p);
    }

    private void expire(int p, int b) {
        int slot = onlineSlot[b][p];
        if (slot < 0) return;
        IntList l = onlineMembers[b];
        int last = l.get(l.size() - 1);
        l.set(slot, last);
        onlineSlot[b][last] = slot;
        l.truncate(l.size() - 1);
        onlineSlot[b][p] = -1;
    }

    private void fetch(int p, double now) {
        sessions++;
        long sid = ++sessionId;
        int s = fetchRng.nextInt(requests.count());
        int[] best = new int[cfg.maxSourcesPerFile()];
        double[] bestT = new double[cfg.maxSourcesPerFile()];
        for (int i = requests.off[s]; i < requests.off[s + 1]; i++) {
            int x = requests.items[i];
            if (bit(holds[p], x)) continue;
            int b = plan.bundleOf[x];
            long size = g.fileSize[x];
            double lookup = cfg.indexRttMs() / 1000;
            if (announced[b] != sid) {
                announced[b] = sid;
                lookup += 2 * cfg.trackerRttMs() / 1000;
            }
            int want = (int) Math.min(best.length, Math.max(1, (size + plan.pieceSize[b] - 1) / plan.pieceSize[b]));
            int found = 0;
            boolean anyHolder = false;
            IntList m = onlineMembers[b];
            int draws = Math.min(m.size(), cfg.numwant());
            int gen = ++stampGen;
            for (int d = 0; d < draws; d++) {
                int c = m.size() <= cfg.numwant() ? m.get(d) : m.get(pickRng.nextInt(m.size()));
                if (c == p || stamp[c] == gen) continue;
                stamp[c] = gen;
                if (!hasFile(c, x, b)) continue;
                anyHolder = true;
                int trips = connectedIn[c] == sid ? 1 : 3;
                double tc = lookup + trips * (lat[c] + lat[p]) + Math.max(0, busy[c] - now) + BLOCK / up[c];
                if (tc > lookup + cfg.raceDeadlineMs() / 1000) continue;
                // insertion into the few fastest
                int k = Math.min(found, want - 1);
                if (found == want && tc >= bestT[want - 1]) continue;
                while (k > 0 && bestT[k - 1] > tc) {
                    best[k] = best[k - 1];
                    bestT[k] = bestT[k - 1];
                    k--;
                }
                best[k] = c;
                bestT[k] = tc;
                if (found < want) found++;
            }
            double originTtfb = cdn[p] + ORIGIN_SERVER_S;
            double first;
            if (found == 0) {
                first = lookup + originTtfb;
                hOrigin += size;
                if (!anyHolder) hNoHolder++;
            } else {
                first = bestT[0];
                double capSum = 0;
                for (int k = 0; k < found; k++) capSum += up[best[k]];
                for (int k = 0; k < found; k++) {
                    int c = best[k];
                    busy[c] = Math.max(now, busy[c]) + size * (up[c] / capSum) / up[c];
                    connectedIn[c] = sid;
                }
                hPeer += size;
            }
            hFiles++;
            record(first * 1000, originTtfb * 1000);
            holds[p] = setBit(holds[p], x, g.n);
            joinSwarm(p, b);
        }
        push(now + exp(fetchRng, HOUR / cfg.fetchesPerOnlineHour()), FETCH, p, epoch[p]);
    }

    private void record(double ms, double directMs) {
        if (nTtfb == ttfb.length) {
            ttfb = Arrays.copyOf(ttfb, ttfb.length * 2);
            direct = Arrays.copyOf(direct, direct.length * 2);
        }
        ttfb[nTtfb] = (float) ms;
        direct[nTtfb++] = (float) directMs;
    }

    private void volunteer(int p, double now) {
        switch (policy) {
            case NONE -> {
                return;
            }
            case RANDOM -> {
                if (!filledOnce[p]) {
                    int[] order = new int[nb];
                    for (int i = 0; i < nb; i++) order[i] = i;
                    for (int i = nb - 1; i > 0; i--) { // Fisher-Yates, deterministic per seed
                        int j = volRng.nextInt(i + 1);
                        int t = order[i];
                        order[i] = order[j];
                        order[j] = t;
                    }
                    for (int b : order) {
                        if (!seeds[p][b] && seedBytes[p] + bundleBytes[b] <= budget) addSeed(p, b, now);
                    }
                }
            }
            case LEAST_SEEDED -> leastSeeded(p, now);
        }
        filledOnce[p] = true;
        push(now + HOUR, VOLUNTEER, p, epoch[p]);
    }

    /**
     * Fill the budget with the bundles that have the fewest seeders; then, up to three times, swap
     * the volunteer's most-seeded bundle for the least-seeded one it lacks when that narrows the gap
     * by two or more (so two volunteers never swap the same pair back and forth).
     */
    private void leastSeeded(int p, double now) {
        while (true) {
            int b = leastSeededMissing(p, budget - seedBytes[p]);
            if (b < 0) break;
            addSeed(p, b, now);
        }
        for (int swap = 0; swap < 3; swap++) {
            int most = -1;
            for (int b = 0; b < nb; b++) {
                if (seeds[p][b] && (most < 0 || seeders[b] > seeders[most])) most = b;
            }
            if (most < 0) return;
            int least = leastSeededMissing(p, budget - seedBytes[p] + bundleBytes[most]);
            if (least < 0 || seeders[most] - 1 <= seeders[least]) return;
            dropSeed(p, most);
            addSeed(p, least, now);
        }
    }

    private int leastSeededMissing(int p, long room) {
        int pick = -1;
        long pickKey = 0;
        for (int b = 0; b < nb; b++) {
            if (seeds[p][b] || bundleBytes[b] > room) continue;
            long tie = Mix.mix(p, b) >>> 33; // per-volunteer tie order, so equal counts spread out
            long key = ((long) seeders[b] << 31) | tie;
            if (pick < 0 || key < pickKey) {
                pick = b;
                pickKey = key;
            }
        }
        return pick;
    }

    /** Starts seeding a whole bundle: downloaded from an online seeder of it if one exists, else from the origin. */
    private void addSeed(int p, int b, double now) {
        long bytes = bundleBytes[b];
        int src = -1;
        IntList m = onlineMembers[b];
        for (int i = 0; i < m.size(); i++) {
            int c = m.get(i);
            if (c != p && c < nVol && online[c] && seeds[c][b] && (src < 0 || busy[c] < busy[src])) src = c;
        }
        if (src >= 0) {
            busy[src] = Math.max(now, busy[src]) + bytes / up[src];
            hFillPeer += bytes;
        } else {
            hFillOrigin += bytes;
        }
        seeds[p][b] = true;
        seedBytes[p] += bytes;
        seeders[b]++;
        joinSwarm(p, b);
    }

    private void dropSeed(int p, int b) {
        seeds[p][b] = false;
        seedBytes[p] -= bundleBytes[b];
        seeders[b]--;
    }

    private void tick(int hour) {
        int on = 0, onVol = 0, zero = 0;
        for (int p = 0; p < n; p++) {
            if (online[p]) {
                on++;
                if (p < nVol) onVol++;
            }
        }
        for (int b = 0; b < nb; b++) if (seeders[b] == 0) zero++;
        hours.add(new HourStats(hour, hPeer, hOrigin, hFillPeer, hFillOrigin, hFiles, hNoHolder, on, onVol, zero));
        hPeer = hOrigin = hFillPeer = hFillOrigin = hFiles = hNoHolder = 0;
    }
}
