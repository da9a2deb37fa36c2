package org.nixswarm.index.dht;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.dht.DhtNode;
import org.nixswarm.dht.IndexTorrentLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the index findable in the DHT: stores the BEP 46 pointer to the current index torrent
 * under the publisher's key and announces this host as its seed; both again every
 * {@link #REPUBLISH} (DHT nodes drop items after two hours and peers after about half an hour).
 */
public final class IndexPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexPublisher.class);
    static final Duration REPUBLISH = Duration.ofMinutes(15);

    private final DhtNode node;
    private final byte[] seed;
    private final InfoHash infohash;
    private final int seedPort;
    private final ScheduledExecutorService timer;

    private IndexPublisher(DhtNode node, byte[] seed, InfoHash infohash, int seedPort) {
        this.node = node;
        this.seed = seed.clone();
        this.infohash = infohash;
        this.seedPort = seedPort;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "index-republish");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Publishes once (returns how many DHT nodes stored the pointer) and schedules republication.
     *
     * @param seed the publisher's ed25519 seed (32 bytes)
     * @param seedPort the TCP port this host seeds the index torrent on
     */
    public static IndexPublisher start(DhtNode node, byte[] seed, InfoHash infohash, int seedPort, Duration timeout) {
        IndexPublisher p = new IndexPublisher(node, seed, infohash, seedPort);
        int stored = p.publish(timeout);
        LOG.info("published index torrent {} in the DHT: pointer stored on {} nodes", infohash.hex(), stored);
        p.timer.scheduleWithFixedDelay(() -> {
            try {
                p.publish(timeout);
            } catch (RuntimeException e) {
                LOG.warn("republishing the index in the DHT failed: {}", e.getMessage());
            }
        }, REPUBLISH.toSeconds(), REPUBLISH.toSeconds(), TimeUnit.SECONDS);
        return p;
    }

    /** BEP 44 sequence numbers must grow: seconds since the epoch do across restarts. */
    int publish(Duration timeout) {
        long seq = System.currentTimeMillis() / 1000;
        int stored = DhtNode.await(node.putMutable(seed, IndexTorrentLayout.SALT, seq, IndexTorrentLayout.pointer(infohash)), timeout);
        DhtNode.await(node.announce(infohash.bytes(), seedPort), timeout);
        return stored;
    }

    public InfoHash infohash() {
        return infohash;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
