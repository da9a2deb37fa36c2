package org.nixswarm.dht.bt;

import bt.protocol.crypto.EncryptionPolicy;
import bt.runtime.BtRuntime;
import bt.runtime.Config;
import java.net.InetAddress;
import java.time.Duration;
import org.nixswarm.dht.DhtException;

/**
 * A Bt runtime for the index torrent: bound to one address and port, plaintext, no local service
 * discovery (it multicasts off the machine), no Bt DHT module (peers come from our DHT node).
 */
final class BtRuntimes {
    private BtRuntimes() {}

    static BtRuntime start(InetAddress bind, int port) {
        Config config = new Config();
        config.setAcceptorAddress(bind);
        config.setAcceptorPort(port);
        config.setEncryptionPolicy(EncryptionPolicy.REQUIRE_PLAINTEXT);
        config.setMseDisabled(true);
        config.setPeerDiscoveryInterval(Duration.ofSeconds(1));
        config.setPeerConnectionRetryInterval(Duration.ofSeconds(2));
        config.setShutdownHookTimeout(Duration.ofSeconds(2));
        config.setMaxMessageProcessingInterval(Duration.ofMillis(1));
        try {
            BtRuntime runtime = BtRuntime.builder(config)
                    .disableAutomaticShutdown()
                    .disableLocalServiceDiscovery()
                    .build();
            runtime.startup();
            return runtime;
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            throw new DhtException("cannot start BitTorrent on " + bind.getHostAddress() + ":" + port + ": " + root.getMessage(), e);
        }
    }
}
