package org.nixswarm.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The client's optional Mainline DHT node ({@code --dht-port}, {@code --dht-address},
 * {@code --dht-bootstrap}, {@code --dht-key}): BEP 5 peers for every bundle, and, when the index
 * publisher's key is given, store-path lookups through the published index torrent when the
 * index's HTTP API is unreachable.
 *
 * @param bindAddress a global unicast address (mldht refuses loopback and private ones)
 * @param port the UDP port of the node; the same number over TCP fetches torrent metadata
 * @param bootstrap the nodes to join through (never public routers)
 * @param publisherKey the index publisher's public key ({@code name:base64}), or null for peers only
 * @param timeout bound of one DHT lookup and of one metadata fetch
 */
public record DhtSettings(InetAddress bindAddress, int port, List<InetSocketAddress> bootstrap, String publisherKey,
                          Duration timeout) {
    public DhtSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        bootstrap = List.copyOf(bootstrap);
        if (port < 1 || port > 65535) throw new ClientException("--dht-port: " + port + " is not a port (1-65535)");
        if (timeout == null) timeout = Duration.ofSeconds(20);
    }
}
