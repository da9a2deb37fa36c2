package org.nixswarm.index.dht;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.dht.DhtNode;
import org.nixswarm.dht.bt.BtIndexSeeder;
import org.nixswarm.index.MagnetIndex;

/**
 * The whole publication of an index into the DHT: the index torrent written, seeded over
 * BitTorrent on {@code bind:btPort}, and pointed to by the publisher's BEP 44 item.
 */
public final class DhtPublication implements AutoCloseable {
    private final Torrent torrent;
    private final BtIndexSeeder seeder;
    private final IndexPublisher publisher;

    private DhtPublication(Torrent torrent, BtIndexSeeder seeder, IndexPublisher publisher) {
        this.torrent = torrent;
        this.seeder = seeder;
        this.publisher = publisher;
    }

    public static DhtPublication start(MagnetIndex index, DhtNode node, byte[] publisherSeed, Path dataDir,
            InetAddress bind, int btPort, Duration timeout) {
        Torrent torrent = IndexTorrentWriter.write(index, dataDir);
        BtIndexSeeder seeder = BtIndexSeeder.start(bind, btPort, dataDir, torrent.write());
        try {
            return new DhtPublication(torrent, seeder, IndexPublisher.start(node, publisherSeed, torrent.infoHash(), btPort, timeout));
        } catch (RuntimeException e) {
            seeder.close();
            throw e;
        }
    }

    public Torrent torrent() {
        return torrent;
    }

    @Override
    public void close() {
        publisher.close();
        seeder.close();
    }
}
