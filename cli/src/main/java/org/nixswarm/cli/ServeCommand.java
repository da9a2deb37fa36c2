package org.nixswarm.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.http.SubstituterServer;
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

    @Mixin
    ClientOptions options;

    @Override
    public Integer call() throws Exception {
        var config = options.toConfig();
        var address = ClientOptions.hostPort(listen, "--listen");
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
             SubstituterServer server = new SubstituterServer(client, address)) {
            for (var p : options.peerAddresses()) client.swarm().addPeer(p);
            if (config.seedBudget() > 0) {
                System.err.println("nix-swarm serve: --seed-budget is accepted but volunteer seeding is not implemented yet");
            }
            System.err.println("nix-swarm serve: substituter at " + server.url() + ", peers on port " + client.swarm().peerPort()
                    + ", cache " + config.cacheDir());
            stop.await();
        } finally {
            closed.countDown();
        }
        return 0;
    }
}
