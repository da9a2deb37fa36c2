package org.nixswarm.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.dht.DhtConfig;
import org.nixswarm.dht.DhtNode;
import org.nixswarm.index.IndexException;
import org.nixswarm.index.MagnetIndex;
import org.nixswarm.index.dht.DhtPublication;
import org.nixswarm.index.http.FailedLookupLimiter;
import org.nixswarm.index.http.IndexHttpServer;
import org.nixswarm.index.http.PrefixLimiter;
import org.nixswarm.index.plan.LoadedPlan;
import org.nixswarm.index.plan.PlanLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nix-swarm index}: serve plans' index over HTTP and publish it into the Mainline DHT. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {
            "Serve the magnet index of one or more plans: store-path hash -> bundle, file, magnet link, narinfo.",
            "Entries are verified against the planner key on first load and kept in memory-mapped segments in --store.",
            "With --dht, the index is also published into the Mainline DHT (index torrent + BEP 44 pointer signed with --dht-key)."})
public final class IndexCommand implements Callable<Integer> {
    @Option(names = "--plan", required = true, arity = "1..*", paramLabel = "PLAN", description = "plan directories (manifest.json, index.jsonl, bundles/)")
    List<Path> plans = new ArrayList<>();

    @Option(names = "--http", required = true, paramLabel = "HOST:PORT", description = "where to serve the HTTP API, e.g. 127.0.0.1:8090")
    String http;

    @Option(names = "--store", paramLabel = "DIR", description = "segment directory (default: ~/.cache/nix-swarm/index)")
    Path store;

    @Option(names = "--planner-key", paramLabel = "KEY", description = "only accept plans signed by this planner key (name:base64, or a file holding it)")
    String plannerKey;

    @Option(names = "--failed-lookups-per-second", defaultValue = "10", description = "per client address (default: ${DEFAULT-VALUE})")
    double failedPerSecond;

    @Option(names = "--failed-lookups-burst", defaultValue = "100", description = "per client address (default: ${DEFAULT-VALUE})")
    int failedBurst;

    @Option(names = "--prefix-entries-per-second", defaultValue = "20000", description = "/v1/prefix entries returned per client address per second (default: ${DEFAULT-VALUE})")
    double prefixPerSecond;

    @Option(names = "--prefix-entries-burst", defaultValue = "200000", description = "/v1/prefix entries per client address in a burst (default: ${DEFAULT-VALUE})")
    int prefixBurst;

    @Option(names = "--threads", description = "verification threads (default: number of cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--check", description = "verify and index the plans, print the report, and exit")
    boolean check;

    @Option(names = "--dht", paramLabel = "HOST:PORT", description = "run a DHT node on this (global unicast) address and UDP port and publish the index")
    String dht;

    @Option(names = "--dht-bootstrap", arity = "1..*", paramLabel = "HOST:PORT", description = "DHT nodes to bootstrap from (no public routers are used)")
    List<String> bootstrap = new ArrayList<>();

    @Option(names = "--dht-key", paramLabel = "FILE", description = "publisher secret key, Nix format (nix-store --generate-binary-cache-key)")
    Path dhtKey;

    @Option(names = "--bt-port", defaultValue = "6882", description = "TCP port seeding the index torrent (default: ${DEFAULT-VALUE})")
    int btPort;

    @Override
    public Integer call() throws Exception {
        if (dht != null && dhtKey == null) throw new IndexException("--dht needs --dht-key (the publisher's secret key file)");
        requirePositive("--failed-lookups-per-second", failedPerSecond);
        requirePositive("--failed-lookups-burst", failedBurst);
        requirePositive("--prefix-entries-per-second", prefixPerSecond);
        requirePositive("--prefix-entries-burst", prefixBurst);
        InetSocketAddress httpAddress = parse(http, "--http");
        Path storeDir = store != null ? store : Path.of(System.getProperty("user.home"), ".cache", "nix-swarm", "index");
        PlanLoader loader = new PlanLoader(storeDir, Optional.ofNullable(plannerKey).map(IndexCommand::readPlannerKey), threads);
        List<LoadedPlan> loaded = new ArrayList<>();
        for (Path p : plans) {
            LoadedPlan l = loader.load(p);
            System.out.println(l.report().summary());
            l.report().problems().forEach(problem -> System.out.println("  rejected: " + problem));
            loaded.add(l);
        }
        MagnetIndex index = new MagnetIndex(loaded);
        if (check) return index.rejected() > 0 ? 2 : 0;

        List<AutoCloseable> open = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            IndexHttpServer server = IndexHttpServer.start(httpAddress, index, new FailedLookupLimiter(failedBurst, failedPerSecond),
                    new PrefixLimiter(prefixBurst, prefixPerSecond));
            open.add(server);
            System.out.println("nix-swarm index: " + index.size() + " entries on http://"
                    + server.address().getHostString() + ":" + server.port() + "/");
            if (dht != null) {
                SecretKey key = SecretKey.readFile(dhtKey);
                InetSocketAddress dhtAddress = DhtConfig.parseHostPort(dht);
                List<InetSocketAddress> boot = new ArrayList<>();
                for (String b : bootstrap) boot.add(DhtConfig.parseHostPort(b));
                DhtNode node = DhtNode.start(new DhtConfig(dhtAddress.getAddress(), dhtAddress.getPort(), boot));
                open.add(node);
                DhtPublication pub = DhtPublication.start(index, node, seed(key), storeDir.resolve("index-torrent"),
                        dhtAddress.getAddress(), btPort, Duration.ofSeconds(60));
                open.add(0, pub);
                System.out.println("nix-swarm index: published index torrent " + pub.torrent().infoHash().hex()
                        + " under DHT key " + key.publicKey().toNixFormat());
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                closeAll(open);
                stopped.countDown();
            }, "index-shutdown"));
            stopped.await();
        } catch (RuntimeException | IOException e) {
            closeAll(open);
            throw e;
        }
        return 0;
    }

    private static void closeAll(List<AutoCloseable> open) {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("nix-swarm index: closing " + c + ": " + e.getMessage());
            }
        }
        open.clear();
    }

    /** The 32-byte ed25519 seed of a Nix secret key ({@code name:base64(seed ‖ public key)}). */
    private static byte[] seed(SecretKey key) {
        String nix = key.toNixFormat();
        byte[] raw = Base64.getDecoder().decode(nix.substring(nix.indexOf(':') + 1));
        return java.util.Arrays.copyOf(raw, 32);
    }

    private static PublicKey readPlannerKey(String value) {
        try {
            Path p = Path.of(value);
            if (Files.isRegularFile(p)) return PublicKey.readFile(p);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            // not a readable file: parse the value itself
        }
        return PublicKey.parse(value.strip());
    }

    private static InetSocketAddress parse(String hostPort, String option) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) throw new IndexException(option + ": expected HOST:PORT, got '" + hostPort + "'");
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 0 || port > 65535) throw new NumberFormatException();
            return new InetSocketAddress(hostPort.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IndexException(option + ": bad port in '" + hostPort + "'");
        }
    }

    private static void requirePositive(String option, double perSecond) {
        if (!(perSecond > 0)) throw new IndexException(option + ": must be a positive rate, got " + perSecond);
    }

    private static void requirePositive(String option, int burst) {
        if (burst < 1) throw new IndexException(option + ": must be at least 1, got " + burst);
    }
}
