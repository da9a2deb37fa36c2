package org.nixswarm.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Where a node listens and whom it asks first. There are deliberately no public router defaults:
 * a node only ever talks to the bootstrap nodes it is given and to the nodes they tell it about.
 *
 * @param bindAddress one local address (mldht binds a single UDP socket to it); the wildcard
 *     address lets mldht pick the default-route address itself
 * @param port UDP port, 1-65535 (mldht cannot report an ephemeral port back)
 * @param bootstrap nodes to ping at start; may be empty for the first node of a network
 */
public record DhtConfig(InetAddress bindAddress, int port, List<InetSocketAddress> bootstrap) {
    public DhtConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 1 || port > 65535) throw new DhtException("DHT port must be 1-65535, got " + port);
        bootstrap = List.copyOf(bootstrap);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(bindAddress, port);
    }

    /**
     * Parses {@code HOST:PORT} (IPv4 literal or name, or {@code [v6]:PORT}) as a bootstrap or
     * bind address, naming the bad value when it is not one.
     */
    public static InetSocketAddress parseHostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new DhtException("expected HOST:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new DhtException("bad port in '" + text + "'");
        }
        if (port < 1 || port > 65535) throw new DhtException("port out of range in '" + text + "'");
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) throw new DhtException("cannot resolve host in '" + text + "'");
        return address;
    }
}
