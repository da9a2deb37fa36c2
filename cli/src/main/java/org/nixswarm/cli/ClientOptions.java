package org.nixswarm.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.DhtSettings;
import org.nixswarm.client.PrivatePaths;
import org.nixswarm.client.Sizes;
import org.nixswarm.client.swarm.SwarmOptions;
import picocli.CommandLine.Option;

/** The source and swarm flags shared by {@code serve} and {@code fetch}. */
final class ClientOptions {
    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Where files are kept (default: ~/.cache/nix-swarm).")
    Path cacheDir;

    @Option(names = "--cache-size", paramLabel = "SIZE", defaultValue = "10G",
            description = "Bound of the cache, e.g. 10G, 500M; 0 = unbounded (default: ${DEFAULT-VALUE}).")
    String cacheSize;

    @Option(names = "--max-upload", paramLabel = "RATE", defaultValue = "0", description = "Upload limit in bytes/s, e.g. 10M; 0 = unlimited.")
    String maxUpload;

    @Option(names = "--max-download", paramLabel = "RATE", defaultValue = "0", description = "Download limit in bytes/s, e.g. 10M; 0 = unlimited.")
    String maxDownload;

    @Option(names = "--peer-port", paramLabel = "N", defaultValue = "6881", description = "BitTorrent port (default: ${DEFAULT-VALUE}).")
    int peerPort;

    @Option(names = "--peer-address", paramLabel = "ADDR", defaultValue = "0.0.0.0", description = "Address the BitTorrent port binds (default: ${DEFAULT-VALUE}).")
    String peerAddress;

    @Option(names = "--seed-budget", paramLabel = "SIZE", defaultValue = "0",
            description = "Disk for volunteering whole bundles with few seeders; 0 = off.")
    String seedBudget;

    @Option(names = "--tracker", paramLabel = "URL", description = "A tracker for every bundle, besides the torrents' own (repeatable).")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--index", paramLabel = "URL", description = "The magnet index's HTTP API.")
    String index;

    @Option(names = "--index-key", paramLabel = "KEY", description = "The planner's public key (name:base64, or a file holding it).")
    String indexKey;

    @Option(names = "--upstream", paramLabel = "URL", defaultValue = "https://cache.nixos.org/",
            description = "The binary cache: fallback and web seed (default: ${DEFAULT-VALUE}).")
    String upstream;

    @Option(names = "--upstream-key", paramLabel = "KEY", description = "A narinfo signing key to trust (name:base64 or a file; repeatable). Narinfos signed by none are refused.")
    List<String> upstreamKeys = new ArrayList<>();

    @Option(names = "--private-paths", paramLabel = "FILE", description = "Store paths (hashes, paths or globs, one a line) never looked up outside this machine.")
    Path privatePaths;

    @Option(names = "--peer", paramLabel = "HOST:PORT", description = "A peer to try for every bundle (repeatable).")
    List<String> peers = new ArrayList<>();

    @Option(names = "--mse", description = "Allow BitTorrent message stream encryption (slower connection set-up).")
    boolean mse;

    @Option(names = "--dht-port", paramLabel = "N",
            description = "Run a Mainline DHT node on this UDP port (off by default): BEP 5 peers for every bundle, and with --dht-key"
                    + " lookups when the index is down. The same TCP port fetches torrent metadata from peers.")
    Integer dhtPort;

    @Option(names = "--dht-address", paramLabel = "ADDR",
            description = "The DHT node's address, a global unicast one (default: --peer-address unless that is 0.0.0.0).")
    String dhtAddress;

    @Option(names = "--dht-bootstrap", paramLabel = "HOST:PORT", split = ",",
            description = "DHT nodes to join through, comma-separated or repeated (no public routers are ever asked).")
    List<String> dhtBootstrap = new ArrayList<>();

    @Option(names = "--dht-key", paramLabel = "KEY",
            description = "The index publisher's public key (name:base64 or a file), as `nix-swarm index --dht` prints it:"
                    + " store paths are then resolved through the DHT when --index is unset or unreachable.")
    String dhtKey;

    @Option(names = "--race-delay", paramLabel = "MS", defaultValue = "1000", description = "Head start of peers before the web seed joins, in ms (default: ${DEFAULT-VALUE}).")
    long raceDelayMs;

    ClientConfig toConfig() {
        Path dir = cacheDir != null ? cacheDir : defaultCacheDir();
        InetAddress bind;
        try {
            bind = InetAddress.getByName(peerAddress);
        } catch (UnknownHostException e) {
            throw new ClientException("--peer-address: unknown address '" + peerAddress + "'");
        }
        if (peerPort < 0 || peerPort > 65535) throw new ClientException("--peer-port: " + peerPort + " is not a port");
        SwarmOptions swarm = new SwarmOptions(bind, peerPort, mse, Sizes.parse(maxUpload, "--max-upload"),
                Sizes.parse(maxDownload, "--max-download"), Duration.ofSeconds(1));
        List<String> uk = new ArrayList<>();
        for (String k : upstreamKeys) uk.add(key(k, "--upstream-key"));
        String up = upstream == null || upstream.isBlank() ? null : upstream;
        return new ClientConfig(dir, Sizes.parse(cacheSize, "--cache-size"), swarm, trackers, index,
                indexKey == null ? List.of() : List.of(key(indexKey, "--index-key")), up, uk,
                privatePaths == null ? PrivatePaths.none() : PrivatePaths.load(privatePaths), Sizes.parse(seedBudget, "--seed-budget"),
                Duration.ofMillis(raceDelayMs), Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(20), 30,
                dht(bind));
    }

    private DhtSettings dht(InetAddress peerBind) {
        if (dhtPort == null) {
            if (dhtKey != null || dhtAddress != null || !dhtBootstrap.isEmpty()) {
                throw new ClientException("--dht-key, --dht-address and --dht-bootstrap need --dht-port (the DHT node is off without it)");
            }
            return null;
        }
        if (dhtPort == peerPort) {
            throw new ClientException("--dht-port " + dhtPort + " must differ from --peer-port: its TCP port fetches torrent metadata");
        }
        InetAddress bind;
        if (dhtAddress != null) {
            try {
                bind = InetAddress.getByName(dhtAddress);
            } catch (UnknownHostException e) {
                throw new ClientException("--dht-address: unknown address '" + dhtAddress + "'");
            }
        } else if (!peerBind.isAnyLocalAddress()) {
            bind = peerBind;
        } else {
            throw new ClientException("--dht-port needs --dht-address (or --peer-address): a global unicast address for the DHT node");
        }
        List<java.net.InetSocketAddress> boot = new ArrayList<>();
        for (String b : dhtBootstrap) boot.add(hostPort(b.strip(), "--dht-bootstrap"));
        if (boot.isEmpty()) throw new ClientException("--dht-port needs --dht-bootstrap HOST:PORT: no public routers are used");
        return new DhtSettings(bind, dhtPort, boot, dhtKey == null ? null : key(dhtKey, "--dht-key"), Duration.ofSeconds(20));
    }

    /** A key given inline ({@code name:base64}) or as a file holding it. */
    private static String key(String k, String option) {
        if (!k.contains(":")) {
            Path p = Path.of(k);
            try {
                return Files.readString(p).trim();
            } catch (IOException e) {
                throw new ClientException(option + ": '" + k + "' is neither name:base64 nor a readable file");
            }
        }
        return k;
    }

    static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("nix-swarm");
    }

    List<java.net.InetSocketAddress> peerAddresses() {
        List<java.net.InetSocketAddress> out = new ArrayList<>();
        for (String p : peers) out.add(hostPort(p, "--peer"));
        return out;
    }

    static java.net.InetSocketAddress hostPort(String s, String option) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) throw new ClientException(option + ": expected HOST:PORT, got '" + s + "'");
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            if (port < 0 || port > 65535) throw new NumberFormatException();
            return new java.net.InetSocketAddress(InetAddress.getByName(s.substring(0, colon)), port);
        } catch (NumberFormatException e) {
            throw new ClientException(option + ": bad port in '" + s + "'");
        } catch (UnknownHostException e) {
            throw new ClientException(option + ": unknown host in '" + s + "'");
        }
    }
}
