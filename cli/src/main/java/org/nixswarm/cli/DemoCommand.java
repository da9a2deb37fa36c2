package org.nixswarm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.nixswarm.cli.demo.Demo;
import org.nixswarm.cli.demo.DemoReport;
import org.nixswarm.client.ClientException;
import org.nixswarm.core.testcache.TestCacheGenerator;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nix-swarm demo}: the whole system on 127.0.0.1, in about a minute, with a report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the whole system on 127.0.0.1 and reports what happened: generates a signed test cache, plans it"
                + " into bundles, starts the upstream HTTP cache, the tracker, the index and seeding peers, then fetches a"
                + " closure through a client (and real Nix when nix-store is on PATH), taking the upstream cache down"
                + " half way. Leaves nothing running; removes its temporary directory unless --keep.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--paths", defaultValue = "60", paramLabel = "N", description = "Store paths in the test cache (default: ${DEFAULT-VALUE}).")
    int paths;

    @Option(names = "--peers", defaultValue = "4", paramLabel = "N", description = "Seeding peers (default: ${DEFAULT-VALUE}).")
    int peers;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the cache and the peers' choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-size", defaultValue = "1M", paramLabel = "SIZE", converter = TestCacheCommand.SizeConverter.class,
            description = "Largest NarSize in the test cache (default: ${DEFAULT-VALUE}).")
    long maxSize;

    @Option(names = "--keep", description = "Keep the temporary directory (cache, plan, peers' caches, Nix store).")
    boolean keep;

    @Option(names = "--dir", paramLabel = "DIR", description = "Work in DIR (must not exist) instead of a new temporary directory.")
    Path dir;

    @Option(names = "--no-nix", description = "Fetch with the client's fetch API even when nix-store is installed.")
    boolean noNix;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS", description = "Give up on a fetch after this long (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--verbose", description = "Show the components' logs.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The last report, for tests. */
    DemoReport report;

    @Override
    public Integer call() throws Exception {
        if (paths < 10) throw new ClientException("--paths must be at least 10, not " + paths);
        if (peers < 1 || peers > 50) throw new ClientException("--peers must be 1 to 50, not " + peers);
        if (maxSize < TestCacheGenerator.MIN_MAX_SIZE) throw new ClientException("--max-size must be at least " + TestCacheGenerator.MIN_MAX_SIZE);
        if (dir != null && Files.exists(dir)) throw new ClientException("--dir " + dir + " already exists");
        if (!verbose) quietLogs();
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("nix-swarm-demo-");
        PrintWriter out = spec.commandLine().getOut();
        Path nix = noNix ? null : org.nixswarm.cli.demo.NixRealise.find();
        boolean[] removed = {false};
        // Ctrl-C: the in-process servers die with the JVM; nix-store and the directory would not
        Thread onInterrupt = new Thread(() -> {
            org.nixswarm.cli.demo.NixRealise.destroyRunning();
            // the clients may still be writing (even creating directories) while the JVM goes down:
            // delete, wait, and delete again what reappeared
            for (int attempt = 0; attempt < 10 && !keep && !removed[0]; attempt++) {
                if (!Files.exists(work)) {
                    if (attempt >= 3) break;
                    try {
                        Thread.sleep(150);
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                try {
                    deleteTree(work);
                } catch (IOException | RuntimeException retry) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "nix-swarm-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            report = new Demo(new Demo.Settings(paths, peers, seed, maxSize, work, nix, Duration.ofSeconds(timeout)), out)
                    .run(keep);
            if (!keep) {
                deleteTree(work);
                removed[0] = true;
            }
            report.print(out);
            if (report.realised() && report.fromPeersAfterOutage() > 0) return 0;
            spec.commandLine().getErr().println("nix-swarm demo: the closure was not realised from peers after the cache went down");
            return 3;
        } finally {
            if (!keep && !removed[0]) deleteTree(work);
            removed[0] = true;
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private static void quietLogs() {
        // Bt logs every failed announce and closed connection with a stack trace; the report says what matters
        for (String name : new String[] {org.slf4j.Logger.ROOT_LOGGER_NAME, "bt", "io.netty"}) {
            if (LoggerFactory.getLogger(name) instanceof Logger l) l.setLevel(name.equals("bt") ? Level.OFF : Level.ERROR);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                // Nix makes store paths read-only
                d.toFile().setWritable(true);
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) return FileVisitResult.CONTINUE;
                throw e;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                d.toFile().setWritable(true);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
