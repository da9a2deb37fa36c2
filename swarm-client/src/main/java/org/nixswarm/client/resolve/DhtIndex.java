package org.nixswarm.client.resolve;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.nixswarm.client.ClientException;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.dht.DhtException;
import org.nixswarm.dht.DhtNode;
import org.nixswarm.dht.DhtResolver;
import org.nixswarm.dht.IndexTorrentSource;
import org.nixswarm.dht.bt.BtIndexTorrentSource;

/**
 * The index without its HTTP server: store paths looked up through the publisher's BEP 44 item,
 * the index torrent it names and the one shard covering the hash (the dht module's
 * {@link DhtResolver}, which checks every step), and bundle torrents fetched from their swarm
 * (BEP 9 metadata from the peers the DHT names) instead of {@code /v1/bundle/}. Shards and the
 * index torrent's metadata are kept in memory, so paths of one shard cost one BitTorrent fetch.
 */
public final class DhtIndex implements AutoCloseable {
    /** Lookups that come back empty are tried again: a lookup can miss while nodes time out. */
    private static final int ATTEMPTS = 3;
    /** The publisher's pointer and the index torrent's peers are looked up again after this (two DHT lookups). */
    private static final Duration POINTER_TTL = Duration.ofMinutes(5);

    private final DhtNode node;
    private final byte[] publisherKey;
    private final List<PublicKey> plannerKeys;
    private final Duration timeout;
    private final Path workDir;
    private final BtIndexTorrentSource bt;
    private final CachingSource source;
    private final DhtResolver resolver;

    /**
     * @param fetchAddress the address and TCP port the metadata and shard fetches use
     * @param plannerKeys the planner keys the user trusts ({@code --index-key}); empty: the keys
     *     the index torrent carries, themselves vouched for by the publisher
     */
    public DhtIndex(DhtNode node, PublicKey publisherKey, List<PublicKey> plannerKeys, InetSocketAddress fetchAddress,
                    Path workDir, Duration timeout) {
        this.node = node;
        this.publisherKey = publisherKey.bytes();
        this.plannerKeys = List.copyOf(plannerKeys);
        this.timeout = timeout;
        this.workDir = workDir;
        deleteTree(workDir);
        this.bt = new BtIndexTorrentSource(fetchAddress.getAddress(), fetchAddress.getPort(), workDir, timeout);
        this.source = new CachingSource(bt);
        this.resolver = new DhtResolver(node, source, timeout, POINTER_TTL);
    }

    /**
     * The verified entry for {@code storeHash}, or empty when the published index does not have
     * it; an IOException when the DHT or the index torrent cannot be reached or fails a check.
     */
    public Optional<IndexEntry> lookup(String storeHash) throws IOException {
        byte[] hash;
        try {
            hash = StorePath.parseBaseName(storeHash + "-x").hashBytes();
        } catch (FormatException e) {
            throw new ClientException("not a store path hash: '" + storeHash + "'");
        }
        try {
            Optional<IndexEntry> e = resolver.resolve(publisherKey, hash, plannerKeys);
            if (e.isPresent()) IndexEntries.narinfo(e.get());
            return e;
        } catch (ClientException e) {
            throw new IOException("DHT lookup of " + storeHash + ": " + e.getMessage(), e);
        } catch (DhtException e) {
            source.forget(); // bytes that failed a check are not kept
            throw new IOException("DHT lookup of " + storeHash + ": " + e.getMessage(), e);
        }
    }

    /** A bundle's torrent from its peers (the info dictionary, no trackers or web seeds), or empty when none is found. */
    public Optional<byte[]> bundle(String infohash) throws IOException {
        InfoHash ih = InfoHash.parse(infohash);
        try {
            Set<InetSocketAddress> peers = Set.of();
            for (int i = 0; i < ATTEMPTS && peers.isEmpty(); i++) peers = DhtNode.await(node.getPeers(ih.bytes(), 0), timeout);
            if (peers.isEmpty()) return Optional.empty();
            IndexTorrentSource.Fetched f = bt.fetch(ih, peers, t -> List.of());
            if (!f.torrent().infoHash().equals(ih)) {
                throw new IOException("bundle " + infohash + ": peers sent metadata of " + f.torrent().infoHash().hex());
            }
            return Optional.of(f.torrent().write());
        } catch (DhtException e) {
            throw new IOException("bundle " + infohash + " through the DHT: " + e.getMessage(), e);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("bundle " + infohash + ": metadata from peers: " + e, e);
        }
    }

    @Override
    public void close() {
        bt.close();
        deleteTree(workDir);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // leftovers of a fetch are harmless and removed on the next start
        }
    }

    /** Keeps the index torrents' metadata and the shards fetched; the resolver re-checks them on every use. */
    private static final class CachingSource implements IndexTorrentSource {
        private static final int MAX_FILES = 256;
        private final IndexTorrentSource delegate;
        private final Map<InfoHash, Torrent> torrents = new HashMap<>();
        private final Map<String, byte[]> files = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > MAX_FILES;
            }
        };

        CachingSource(IndexTorrentSource delegate) {
            this.delegate = delegate;
        }

        /** Serialised (the Bt source is anyway), so that lookups waiting for one shard find it cached. */
        @Override
        public synchronized Fetched fetch(InfoHash infohash, Set<InetSocketAddress> peers, Function<Torrent, List<String>> choose)
                throws Exception {
            Torrent t = torrents.get(infohash);
            if (t != null) {
                Map<String, byte[]> have = new HashMap<>();
                for (String f : choose.apply(t)) {
                    byte[] b = files.get(infohash.hex() + "/" + f);
                    if (b == null) {
                        have = null;
                        break;
                    }
                    have.put(f, b);
                }
                if (have != null) return new Fetched(t, have);
            }
            Fetched f = delegate.fetch(infohash, peers, choose);
            if (!torrents.containsKey(infohash)) forget(); // a newer index was published: the old one's shards are stale
            torrents.put(infohash, f.torrent());
            f.files().forEach((path, bytes) -> files.put(infohash.hex() + "/" + path, bytes));
            return f;
        }

        synchronized void forget() {
            torrents.clear();
            files.clear();
        }
    }
}
