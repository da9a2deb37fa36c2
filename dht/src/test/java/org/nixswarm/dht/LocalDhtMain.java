package org.nixswarm.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.nixswarm.core.bencode.BValue;

/**
 * Runs inside a network namespace (see {@code DhtNodeTest}): starts a local DHT of N nodes on
 * 198.18.0.1..N, bootstrapped only from each other, and exercises BEP 44 and BEP 5 across it.
 * Prints one line per check; exits non-zero on the first failure.
 */
public final class LocalDhtMain {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        List<DhtNode> nodes = new ArrayList<>();
        int code = 1;
        try {
            // each node knows only a few others: the ring neighbour before it and nodes 1-3
            for (int i = 1; i <= n; i++) {
                InetAddress a = InetAddress.getByName("198.18.0." + i);
                java.util.Set<Integer> known = new java.util.LinkedHashSet<>(List.of(i == 1 ? n : i - 1, 1, 2, 3));
                known.remove(i);
                List<InetSocketAddress> boot = new ArrayList<>();
                for (int b : known) boot.add(new InetSocketAddress(InetAddress.getByName("198.18.0." + b), 6881));
                nodes.add(DhtNode.start(new DhtConfig(a, 6881, boot)));
            }
            try {
                for (DhtNode d : nodes) d.awaitReady(2, Duration.ofSeconds(60));
            } finally {
                for (DhtNode d : nodes) System.out.println("node " + d.address() + " table " + d.routingTableSize());
            }
            System.out.println("ready " + n + " nodes");

            byte[] seed = new byte[32];
            for (int i = 0; i < 32; i++) seed[i] = (byte) (i * 7 + 1);
            byte[] pub = Ed25519Seeds.publicKey(seed);
            byte[] salt = "nix-swarm-index-1".getBytes();
            byte[] ih1 = new byte[20];
            ih1[0] = 1;
            byte[] ih2 = new byte[20];
            ih2[0] = 2;

            int stored = DhtNode.await(nodes.get(2).putMutable(seed, salt, 1, dict(ih1)), Duration.ofSeconds(30));
            check(stored > 0, "put seq 1 stored on " + stored + " nodes");
            Optional<MutableItem> got = DhtNode.await(nodes.get(n - 1).getMutable(pub, salt), Duration.ofSeconds(30));
            check(got.isPresent() && got.get().seq() == 1 && got.get().value().equals(dict(ih1)),
                    "get from another node returns seq 1: " + got);

            stored = DhtNode.await(nodes.get(4).putMutable(seed, salt, 2, dict(ih2)), Duration.ofSeconds(30));
            got = DhtNode.await(nodes.get(n - 2).getMutable(pub, salt), Duration.ofSeconds(30));
            check(got.isPresent() && got.get().seq() == 2 && got.get().value().equals(dict(ih2)),
                    "after an update (stored on " + stored + ") get returns seq 2: " + got);

            byte[] otherPub = Ed25519Seeds.publicKey(new byte[32]);
            Optional<MutableItem> none = DhtNode.await(nodes.get(1).getMutable(otherPub, salt), Duration.ofSeconds(30));
            check(none.isEmpty(), "get for a key that published nothing is empty");
            none = DhtNode.await(nodes.get(1).getMutable(pub, "other-salt".getBytes()), Duration.ofSeconds(30));
            check(none.isEmpty(), "get with another salt is empty");

            byte[] torrent = new byte[20];
            torrent[19] = 42;
            DhtNode.await(nodes.get(5).announce(torrent, 7005), Duration.ofSeconds(30));
            DhtNode.await(nodes.get(6).announce(torrent, 7006), Duration.ofSeconds(30));
            // a lookup may miss a node that times out under load: ask again, as clients do
            Set<InetSocketAddress> peers = new java.util.HashSet<>();
            Set<InetSocketAddress> both = Set.of(new InetSocketAddress("198.18.0.6", 7005), new InetSocketAddress("198.18.0.7", 7006));
            for (int attempt = 0; attempt < 4 && !peers.containsAll(both); attempt++) {
                peers.addAll(DhtNode.await(nodes.get(0).getPeers(torrent, 0), Duration.ofSeconds(30)));
            }
            check(peers.containsAll(both), "get_peers finds both announced peers: " + peers);
            code = 0;
        } catch (Throwable t) {
            System.out.println("FAILED: " + t);
            t.printStackTrace(System.out);
        } finally {
            for (DhtNode d : nodes) d.close();
            System.out.println("closed");
        }
        System.out.flush();
        System.exit(code);
    }

    private static BValue dict(byte[] ih) {
        return new BValue.BDict(Map.of("ih", new BValue.BBytes(ih)));
    }

    private static void check(boolean ok, String what) {
        System.out.println((ok ? "ok " : "FAILED ") + what);
        if (!ok) throw new AssertionError(what);
    }
}
