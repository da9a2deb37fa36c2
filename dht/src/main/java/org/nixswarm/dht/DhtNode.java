package org.nixswarm.dht;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import lbms.plugins.mldht.DHTConfiguration;
import lbms.plugins.mldht.kad.DHT;
import lbms.plugins.mldht.kad.GenericStorage;
import lbms.plugins.mldht.kad.GenericStorage.StorageItem;
import lbms.plugins.mldht.kad.Key;
import lbms.plugins.mldht.kad.RPCServer;
import lbms.plugins.mldht.kad.tasks.AnnounceTask;
import lbms.plugins.mldht.kad.tasks.GetLookupTask;
import lbms.plugins.mldht.kad.tasks.PeerLookupTask;
import lbms.plugins.mldht.kad.tasks.PutTask;
import net.i2p.crypto.eddsa.EdDSAPrivateKey;
import net.i2p.crypto.eddsa.spec.EdDSAPrivateKeySpec;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeDecoder;
import org.nixswarm.core.bencode.BencodeEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import the8472.bencode.BEncoder;
import the8472.utils.io.NetMask;

/**
 * One Mainline DHT node (the8472's mldht, IPv4), shared by whoever runs in the process: the index
 * publishes BEP 44 items and announces its index torrent through it, the client resolves items
 * and finds BEP 5 peers through it.
 *
 * <p>mldht binds one UDP socket to the configured address and never to loopback, and its routing
 * tables drop non-global ("bogon") addresses: use a global unicast address (on a real host, or
 * 198.18.0.0/15 inside a network namespace for tests). It never contacts public routers: only the
 * configured bootstrap nodes and the nodes they name.
 *
 * <p>Every operation returns a future completed on mldht's threads; {@link #close()} stops the
 * node, its sockets and its threads.
 */
public final class DhtNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DhtNode.class);

    private static final int REBOOTSTRAP_BELOW = 8;

    private final DhtConfig config;
    private final DHT dht;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Path storage;
    private volatile boolean closed;

    private DhtNode(DhtConfig config, DHT dht, ScheduledThreadPoolExecutor scheduler, Path storage) {
        this.config = config;
        this.dht = dht;
        this.scheduler = scheduler;
        this.storage = storage;
    }

    /**
     * mldht drops every address that is not global unicast (its "bogon" check), so a node bound to
     * one could never join; refusing it here also keeps mldht from starting at all (it would look
     * at the host's interfaces and could resolve its public router names) on such a mistake.
     */
    private static void refuseNonGlobal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            throw new DhtException("cannot start the DHT node on " + a.getHostAddress()
                    + ": the Mainline DHT needs a global unicast address (mldht refuses loopback, private and"
                    + " link-local addresses; tests use 198.18.0.0/15 inside a network namespace)");
        }
    }

    /** Starts a node and pings its bootstrap nodes; the routing table fills in the background. */
    public static DhtNode start(DhtConfig config) {
        refuseNonGlobal(config.bindAddress());
        MldhtLogging.install();
        Path storage;
        try {
            storage = Files.createTempDirectory("nix-swarm-dht");
        } catch (IOException e) {
            throw new DhtException("cannot create the DHT's state directory: " + e.getMessage(), e);
        }
        AtomicInteger threads = new AtomicInteger();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "dht-" + config.port() + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        DHT dht = new DHT(DHT.DHTtype.IPV4_DHT);
        dht.setScheduler(scheduler);
        DhtNode node = new DhtNode(config, dht, scheduler, storage);
        try {
            dht.start(mldhtConfig(config, storage));
        } catch (SocketException | RuntimeException e) {
            node.close();
            throw new DhtException("cannot start the DHT node on " + config.address() + ": " + e.getMessage(), e);
        }
        if (dht.getServerManager().getServerCount() == 0) {
            node.close();
            throw new DhtException("cannot start the DHT node on " + config.address()
                    + ": mldht found no usable socket address (it refuses loopback and non-local addresses)");
        }
        // Explicit bootstrap nodes are ours: let them into full buckets (mldht's own notion).
        List<NetMask> trusted = new ArrayList<>();
        for (InetSocketAddress b : config.bootstrap()) trusted.add(new NetMask(b.getAddress(), 32));
        dht.getNode().setTrustedNetMasks(trusted);
        // mldht binds its socket asynchronously and drops pings sent before; and a node that
        // started first learns of the others only when they ping it. So keep pinging the
        // configured nodes while the routing table is small (mldht itself would ask public routers).
        scheduler.scheduleWithFixedDelay(node::rebootstrap, 0, 1, TimeUnit.SECONDS);
        return node;
    }

    private static DHTConfiguration mldhtConfig(DhtConfig config, Path storage) {
        InetAddress bind = config.bindAddress();
        return new DHTConfiguration() {
            @Override
            public boolean isPersistingID() {
                return false;
            }

            @Override
            public Path getStoragePath() {
                return storage;
            }

            @Override
            public int getListeningPort() {
                return config.port();
            }

            @Override
            public boolean noRouterBootstrap() {
                return true;
            }

            @Override
            public boolean allowMultiHoming() {
                return false;
            }

            @Override
            public Predicate<InetAddress> filterBindAddress() {
                return bind.isAnyLocalAddress() ? a -> true : bind::equals;
            }
        };
    }

    private void rebootstrap() {
        try {
            if (closed || routingTableSize() >= REBOOTSTRAP_BELOW) return;
            boolean running = dht.getServerManager().getAllServers().stream()
                    .anyMatch(s -> s.getState() == RPCServer.State.RUNNING);
            if (running) bootstrap(config.bootstrap());
        } catch (RuntimeException e) {
            LOG.debug("re-bootstrap: {}", e.toString());
        }
    }

    /** Pings more nodes; harmless once the table is full (mldht then ignores it). */
    public void bootstrap(List<InetSocketAddress> nodes) {
        for (InetSocketAddress b : nodes) {
            dht.addDHTNode(b.getAddress().getHostAddress(), b.getPort());
        }
    }

    /** The address this node was asked to listen on. */
    public InetSocketAddress address() {
        return config.address();
    }

    /** This node's 20-byte DHT id. */
    public byte[] id() {
        return dht.getOurID().getHash();
    }

    /** How many nodes the routing table holds now. */
    public int routingTableSize() {
        return closed ? 0 : dht.getNode().getNumEntriesInRoutingTable();
    }

    /**
     * Waits until the routing table holds at least {@code nodes} entries and the socket has heard
     * an answer (mldht starts lookups only from a socket it has seen traffic on).
     */
    public void awaitReady(int nodes, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (routingTableSize() < nodes || dht.getServerManager().getActiveServerCount() == 0) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("DHT node " + address() + " has " + routingTableSize()
                        + " nodes in its routing table after " + timeout.toSeconds() + " s, wanted " + nodes);
            }
            if (closed) throw new DhtException("DHT node " + address() + " is closed");
            Thread.sleep(100);
        }
    }

    /**
     * Stores a BEP 44 mutable item, signed here with the ed25519 key whose 32-byte seed is given,
     * on the nodes closest to its target. Completes with how many nodes accepted it (0 means no
     * node did).
     */
    public CompletableFuture<Integer> putMutable(byte[] seed, byte[] salt, long seq, BValue value) {
        StorageItem item;
        try {
            EdDSAPrivateKey key = new EdDSAPrivateKey(new EdDSAPrivateKeySpec(seed, StorageItem.spec));
            byte[] encoded = BencodeEncoder.encode(value);
            if (encoded.length > 1000) {
                throw new DhtException("BEP 44 value is " + encoded.length + " bytes, the limit is 1000");
            }
            item = GenericStorage.buildMutable(new BEncoder.RawData(ByteBuffer.wrap(encoded)), key,
                    emptyToNull(salt), seq);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new DhtException("cannot sign the BEP 44 item: " + e.getMessage(), e));
        }
        Key target = item.fingerprint();
        // Local copy as well: a node among the closest is asked too, but a tiny network may not
        // route back to us, and serving our own item costs nothing.
        dht.getStorage().putOrUpdate(target, item, -1);
        return activeServer().thenCompose(srv -> {
            CompletableFuture<Integer> done = new CompletableFuture<>();
            GetLookupTask lookup = new GetLookupTask(target, srv, dht.getNode());
            lookup.expectedSalt(emptyToNull(salt));
            lookup.addListener(t -> {
                if (lookup.getTokens().isEmpty()) {
                    done.complete(0);
                    return;
                }
                PutTask put = new PutTask(srv, dht.getNode(), lookup.getTokens(), item);
                put.addListener(p -> done.complete(p.getRecvResponses()));
                dht.getTaskManager().addTask(put);
            });
            dht.getTaskManager().addTask(lookup);
            return done;
        });
    }

    /**
     * Looks up the mutable item of {@code publicKey} (32 bytes) and {@code salt}; completes with
     * the highest-sequence item whose signature verified, or empty when no node holds one.
     */
    public CompletableFuture<Optional<MutableItem>> getMutable(byte[] publicKey, byte[] salt) {
        if (publicKey.length != 32) {
            return CompletableFuture.failedFuture(new DhtException("an ed25519 public key has 32 bytes, got " + publicKey.length));
        }
        Key target = GenericStorage.fingerprint(publicKey, emptyToNull(salt), null);
        return activeServer().thenCompose(srv -> {
            CompletableFuture<Optional<MutableItem>> done = new CompletableFuture<>();
            GetLookupTask lookup = new GetLookupTask(target, srv, dht.getNode());
            lookup.expectedSalt(emptyToNull(salt));
            ConcurrentHashMap<Long, MutableItem> found = new ConcurrentHashMap<>();
            lookup.setValueConsumer(it -> {
                if (!it.mutable() || !it.validateSig()) return;
                try {
                    BValue v = BencodeDecoder.decode(toArray(it.getRawValue()));
                    found.put(it.seq(), new MutableItem(publicKey, salt, it.seq(), v));
                } catch (RuntimeException e) {
                    LOG.debug("ignoring undecodable BEP 44 value for {}: {}", target, e.getMessage());
                }
            });
            lookup.addListener(t -> {
                Optional<MutableItem> best = found.values().stream().max(Comparator.comparingLong(MutableItem::seq));
                if (best.isEmpty()) best = local(target, publicKey, salt);
                done.complete(best);
            });
            dht.getTaskManager().addTask(lookup);
            return done;
        });
    }

    private Optional<MutableItem> local(Key target, byte[] publicKey, byte[] salt) {
        return dht.getStorage().get(target).filter(StorageItem::mutable).map(it ->
                new MutableItem(publicKey, salt, it.seq(), BencodeDecoder.decode(toArray(it.getRawValue()))));
    }

    /**
     * Finds peers for a 20-byte infohash (BEP 5 get_peers) and, when {@code announcePort} is
     * positive, announces this host as a peer on that TCP port to the closest nodes. Completes
     * when the lookup ends with every peer seen, this node's own announcement not included.
     */
    public CompletableFuture<Set<InetSocketAddress>> getPeers(byte[] infohash, int announcePort) {
        if (infohash.length != 20) {
            return CompletableFuture.failedFuture(new DhtException("an infohash has 20 bytes, got " + infohash.length));
        }
        return activeServer().thenCompose(srv -> {
            CompletableFuture<Set<InetSocketAddress>> done = new CompletableFuture<>();
            PeerLookupTask lookup = new PeerLookupTask(srv, dht.getNode(), new Key(infohash));
            Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();
            lookup.setResultHandler((node, item) -> peers.add(item.toSocketAddress()));
            lookup.setNoAnnounce(announcePort <= 0);
            lookup.addListener(t -> {
                if (announcePort <= 0) {
                    done.complete(new LinkedHashSet<>(peers));
                    return;
                }
                AnnounceTask announce = dht.announce(lookup, true, announcePort);
                if (announce == null) {
                    done.complete(new LinkedHashSet<>(peers));
                    return;
                }
                announce.addListener(a -> done.complete(new LinkedHashSet<>(peers)));
            });
            dht.getTaskManager().addTask(lookup);
            return done;
        });
    }

    /** Announces this host as a peer (seed) of {@code infohash} on TCP {@code port}. */
    public CompletableFuture<Void> announce(byte[] infohash, int port) {
        if (port < 1 || port > 65535) {
            return CompletableFuture.failedFuture(new DhtException("announce port must be 1-65535, got " + port));
        }
        return getPeers(infohash, port).thenApply(p -> null);
    }

    private CompletableFuture<RPCServer> activeServer() {
        if (closed) return CompletableFuture.failedFuture(new DhtException("DHT node " + address() + " is closed"));
        RPCServer srv = dht.getServerManager().getRandomActiveServer(false);
        if (srv != null) return CompletableFuture.completedFuture(srv);
        return dht.getServerManager().awaitActiveServer().orTimeout(30, TimeUnit.SECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new DhtException(
                        "DHT node " + address() + " has heard from no other node (bootstrap nodes unreachable?)", e)));
    }

    /** Blocks for a future of this class, turning failures and timeouts into {@link DhtException}. */
    public static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DhtException d) throw d;
            throw new DhtException("DHT operation failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DhtException("DHT operation timed out after " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DhtException("interrupted while waiting for the DHT");
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            dht.stop();
        } catch (RuntimeException e) {
            LOG.debug("mldht stop: {}", e.toString());
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(storage)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", storage, e.toString());
        }
    }

    private static byte[] emptyToNull(byte[] salt) {
        return salt == null || salt.length == 0 ? null : salt;
    }

    private static byte[] toArray(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
