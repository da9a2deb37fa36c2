package org.nixswarm.tracker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Heap used per peer with 1 M peers across 100 k swarms, against an object-per-peer design
 * (hash map of swarms to hash maps of peer objects) measured in the same run. A benchmark, not a
 * test: it runs only with {@code -Dnixswarm.bench=true} (see bench/tracker/heap.sh).
 */
class HeapPerPeerBenchmark {
    private static final int SWARMS = 100_000;
    private static final int PEERS = 1_000_000;

    /** What a straightforward tracker keeps per peer. */
    private record Peer(byte[] peerId, long lastSeen, boolean seeder) {}

    @Test
    void heapPerPeer() {
        assumeTrue(Boolean.getBoolean("nixswarm.bench"), "benchmark: run with -Dnixswarm.bench=true");
        long base = usedHeap();
        SwarmStore store = new SwarmStore(SWARMS * 2, 100_000, 3_600_000, new ManualClock());
        fill((ih, peerId, address, port, seeder) -> store.announce(ih, peerId, address, port, seeder, Event.STARTED, 0,
                true, new PeerSelection(0)));
        long packed = usedHeap() - base;
        SwarmStore.Stats stats = store.stats();
        if (stats.seeders() + stats.leechers() != PEERS || stats.swarms() != SWARMS) {
            throw new AssertionError("expected " + PEERS + " peers in " + SWARMS + " swarms, got " + stats);
        }

        Map<ByteBuffer, Map<Long, Peer>> naive = new HashMap<>();
        long base2 = usedHeap() - packed; // the packed store is still alive; subtract it
        fill((ih, peerId, address, port, seeder) -> naive.computeIfAbsent(ByteBuffer.wrap(ih.clone()), k -> new HashMap<>())
                .put(((long) ByteBuffer.wrap(address).getInt() << 16) | port, new Peer(peerId.clone(), 1L, seeder)));
        long reference = usedHeap() - base2 - packed;
        if (naive.size() != SWARMS || store.swarmCount() != SWARMS) throw new AssertionError("lost swarms");

        System.out.printf("heap per peer, %,d peers in %,d swarms: packed store %.1f bytes/peer (%,d MB; estimate %.1f),"
                        + " object-per-peer maps %.1f bytes/peer (%,d MB), ratio %.2f%n",
                PEERS, SWARMS, packed / (double) PEERS, packed >> 20, store.estimatedHeapBytes() / (double) PEERS,
                reference / (double) PEERS, reference >> 20, reference / (double) packed);
    }

    private interface Sink {
        void add(byte[] infoHash, byte[] peerId, byte[] address, int port, boolean seeder);
    }

    /** The same 1 M peers every time: swarm i gets 10 random IPv4 peers (a few of them seeders). */
    private static void fill(Sink sink) {
        Random random = new Random(7);
        byte[] ih = new byte[20];
        byte[] peerId = new byte[20];
        byte[] address = new byte[4];
        for (int s = 0; s < SWARMS; s++) {
            random.nextBytes(ih);
            for (int p = 0; p < PEERS / SWARMS; p++) {
                random.nextBytes(peerId);
                random.nextBytes(address);
                sink.add(ih, peerId, address, 1024 + random.nextInt(60_000), p % 5 == 0);
            }
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
