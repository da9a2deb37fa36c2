package org.nixswarm.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.Sizes;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.client.volunteer.SeedPlan;
import org.nixswarm.client.volunteer.Volunteer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nix-swarm serve}: the local substituter Nix uses, and a seeder of everything it holds. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve Nix as a local binary cache (substituters = http://127.0.0.1:PORT) from the swarm,",
            "falling back to the upstream cache, and seed everything in the cache."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:37515",
            description = "Where Nix connects (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--seed-plan", paramLabel = "PLAN",
            description = "With --seed-budget: the bundles to volunteer for, a plan's manifest.json (path or URL).")
    String seedPlan;

    @Option(names = "--seed-interval", paramLabel = "SECONDS", defaultValue = "600",
            description = "With --seed-budget: how often seeder counts are scraped and bundles re-chosen (default: ${DEFAULT-VALUE}).")
    long seedInterval;

    @Option(names = "--prefetch-below", paramLabel = "SIZE", defaultValue = "1M",
            description = {"When Nix GETs a narinfo whose file is in a bundle and at most SIZE, start downloading the file",
                "before Nix asks for it (HEAD requests never do; 0 turns it off; default: ${DEFAULT-VALUE})."})
    String prefetchBelow;

    @Mixin
    ClientOptions options;

    @Override
    public Integer call() throws Exception {
        var config = options.toConfig();
        if (config.seedBudget() > 0 && seedPlan == null) {
            throw new ClientException("--seed-budget needs --seed-plan (a plan's manifest.json, path or URL): the index lists no bundles");
        }
        if (seedInterval < 1) throw new ClientException("--seed-interval must be at least 1 second, got " + seedInterval);
        SeedPlan plan = config.seedBudget() > 0 ? SeedPlan.load(seedPlan, config.httpTimeout()) : null;
        var address = ClientOptions.hostPort(listen, "--listen");
        long prefetch = Sizes.parse(prefetchBelow, "--prefetch-below");
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // on SIGTERM the JVM does not wait for this thread: the hook waits until ports are released
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                closed.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "nix-swarm-serve-shutdown"));
        try (SwarmClient client = new SwarmClient(config);
             SubstituterServer server = new SubstituterServer(client, address, prefetch)) {
            for (var p : options.peerAddresses()) client.swarm().addPeer(p);
            Volunteer volunteer = plan == null ? null
                    : new Volunteer(client, plan, config.trackers(), config.seedBudget(), config.httpTimeout())
                            .start(Duration.ofSeconds(seedInterval));
            try {
                System.err.println("nix-swarm serve: substituter at " + server.url() + ", peers on port " + client.swarm().peerPort()
                        + ", cache " + config.cacheDir()
                        + (plan == null ? "" : ", volunteering " + config.seedBudget() + " bytes over " + plan.bundles().size() + " bundles"));
                stop.await();
            } finally {
                if (volunteer != null) volunteer.close();
            }
        } finally {
            closed.countDown();
        }
        return 0;
    }
}
