package org.nixswarm.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.nixswarm.tracker.Tracker;
import org.nixswarm.tracker.TrackerConfig;
import org.nixswarm.tracker.TrackerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nix-swarm tracker}: runs the BitTorrent tracker until SIGINT or SIGTERM. */
@Command(
        name = "tracker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a BitTorrent tracker: HTTP announce/scrape (BEP 3, 7, 23, 48), UDP (BEP 15) and /metrics.",
            "Runs until interrupted (SIGINT or SIGTERM), then closes its ports and exits."
        })
public final class TrackerCommand implements Callable<Integer> {
    @Option(names = "--http", paramLabel = "HOST:PORT", description = "HTTP listen address, e.g. 127.0.0.1:6969")
    String http;

    @Option(names = "--udp", paramLabel = "HOST:PORT", description = "UDP listen address, e.g. 127.0.0.1:6969")
    String udp;

    @Option(names = "--plan", paramLabel = "PLAN",
            description = "serve only the bundles of this plan (its manifest.json is re-read when it changes)")
    Path plan;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1800",
            description = "announce interval told to clients; peers expire after twice this (default ${DEFAULT-VALUE})")
    int interval;

    @Option(names = "--max-peers-per-swarm", paramLabel = "N", defaultValue = "10000",
            description = "peers kept per swarm (default ${DEFAULT-VALUE})")
    int maxPeersPerSwarm;

    @Option(names = "--max-swarms", paramLabel = "N", defaultValue = "1000000",
            description = "swarms kept in total (default ${DEFAULT-VALUE})")
    int maxSwarms;

    @Option(names = "--max-numwant", paramLabel = "N", defaultValue = "200",
            description = "most peers returned per announce (default ${DEFAULT-VALUE})")
    int maxNumwant;

    @Option(names = "--trust-ip-param", description = "let the announce 'ip' parameter set the peer's address")
    boolean trustIp;

    @Option(names = "--trusted-proxy", paramLabel = "ADDRESS",
            description = "a reverse proxy whose X-Forwarded-For header is believed (repeatable)")
    List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "close HTTP connections that complete no request for this long (default ${DEFAULT-VALUE})")
    int idleTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "20000",
            description = "open HTTP connections at most (default ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "I/O threads; 0 means one per processor (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() throws InterruptedException {
        if (http == null && udp == null) throw new TrackerException("give --http HOST:PORT and/or --udp HOST:PORT");
        List<InetAddress> proxies = new ArrayList<>();
        for (String p : trustedProxies) proxies.add(literal(p, "--trusted-proxy"));
        TrackerConfig config = TrackerConfig.builder()
                .http(http == null ? null : address(http, "--http"))
                .udp(udp == null ? null : address(udp, "--udp"))
                .plan(plan)
                .interval(Duration.ofSeconds(interval))
                .minInterval(Duration.ofSeconds(Math.max(1, interval / 2)))
                .maxPeersPerSwarm(maxPeersPerSwarm)
                .maxSwarms(maxSwarms)
                .maxNumwant(maxNumwant)
                .defaultNumwant(Math.min(50, maxNumwant))
                .trustIpParam(trustIp)
                .trustedProxies(proxies)
                .maxConnections(maxConnections)
                .idleTimeout(Duration.ofSeconds(idleTimeout))
                .ioThreads(threads)
                .build();
        Tracker tracker = Tracker.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            tracker.close();
            stopped.countDown();
        }, "tracker-shutdown"));
        if (tracker.httpAddress() != null) {
            System.out.println("tracker: http://" + hostPort(tracker.httpAddress()) + "/announce");
        }
        if (tracker.udpAddress() != null) {
            System.out.println("tracker: udp://" + hostPort(tracker.udpAddress()) + "/announce");
        }
        System.out.flush();
        stopped.await();
        return 0;
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** HOST:PORT or [V6]:PORT, with HOST an address literal or localhost. */
    static InetSocketAddress address(String s, String option) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new TrackerException(option + " must be HOST:PORT, got '" + s + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new TrackerException(option + ": port must be a number, got '" + s.substring(colon + 1) + "'");
        }
        if (port < 0 || port > 65535) throw new TrackerException(option + ": port must be 0 to 65535, got " + port);
        return new InetSocketAddress(literal(host, option), port);
    }

    private static InetAddress literal(String host, String option) {
        if (host.equals("localhost")) return InetAddress.getLoopbackAddress();
        if (!host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new TrackerException(option + ": '" + host + "' is not an IP address literal");
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new TrackerException(option + ": '" + host + "' is not an IP address literal");
        }
    }
}
