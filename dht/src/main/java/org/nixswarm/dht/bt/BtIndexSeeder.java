package org.nixswarm.dht.bt;

import bt.Bt;
import bt.data.file.FileSystemStorage;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import java.net.InetAddress;
import java.nio.file.Path;
import org.nixswarm.dht.DhtException;

/** Seeds one torrent (the index torrent) from its data directory with Bt. */
public final class BtIndexSeeder implements AutoCloseable {
    private final BtRuntime runtime;
    private final BtClient client;

    private BtIndexSeeder(BtRuntime runtime, BtClient client) {
        this.runtime = runtime;
        this.client = client;
    }

    /**
     * @param dataRoot the directory holding the torrent's root directory (its {@code name})
     * @param torrent the .torrent bytes
     */
    public static BtIndexSeeder start(InetAddress bind, int port, Path dataRoot, byte[] torrent) {
        BtRuntime runtime = BtRuntimes.start(bind, port);
        try {
            Torrent t = runtime.service(IMetadataService.class).fromByteArray(torrent);
            BtClient client = Bt.client(runtime).storage(new FileSystemStorage(dataRoot)).torrent(() -> t).build();
            client.startAsync();
            return new BtIndexSeeder(runtime, client);
        } catch (RuntimeException e) {
            runtime.shutdown();
            throw new DhtException("cannot seed the index torrent from " + dataRoot + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } finally {
            runtime.shutdown();
        }
    }
}
