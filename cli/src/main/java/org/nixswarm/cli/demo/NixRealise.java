package org.nixswarm.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.nixswarm.client.ClientException;
import org.nixswarm.core.store.StorePath;

/**
 * Real Nix ({@code nix-store --store DIR -r}) substituting from one HTTP substituter: the
 * configuration of the cli's end-to-end test (no build users, no sandbox, a fresh narinfo cache).
 */
public final class NixRealise {
    /** nix-store processes running now: an interrupted demo (Ctrl-C) ends them on its way out. */
    private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path nixStore;
    private final Path root;
    private final String substituter;
    private final String trustedKey;
    private final Duration timeout;

    NixRealise(Path nixStore, Path root, String substituter, String trustedKey, Duration timeout) {
        this.nixStore = nixStore;
        this.root = root;
        this.substituter = substituter;
        this.trustedKey = trustedKey;
        this.timeout = timeout;
    }

    /** The first nix-store on PATH, or null. */
    public static Path find() {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, "nix-store");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    void realise(StorePath path) throws IOException, InterruptedException {
        Path store = root.resolve("store");
        Files.createDirectories(store);
        ProcessBuilder pb = new ProcessBuilder(nixStore.toString(), "--store", store.toString(), "-r", path.toString());
        pb.environment().put("NIX_CONFIG", String.join("\n",
                "substituters = " + substituter,
                "trusted-public-keys = " + trustedKey,
                "build-users-group =",
                "sandbox = false",
                "experimental-features = nix-command",
                "narinfo-cache-negative-ttl = 0") + "\n");
        pb.environment().put("XDG_CACHE_HOME", root.resolve("xdg").toString());
        pb.environment().put("HOME", root.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        RUNNING.add(p);
        try {
            await(p, path);
        } finally {
            RUNNING.remove(p);
        }
    }

    /** Ends every nix-store this JVM started and still runs. */
    public static void destroyRunning() {
        for (Process p : RUNNING) p.destroyForcibly();
    }

    private void await(Process p, StorePath path) throws IOException, InterruptedException {
        // drained on another thread so that the timeout below holds even if nix-store hangs
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process is gone
            }
        }, "demo-nix-output");
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new ClientException("nix-store -r " + path + " did not finish within " + timeout.toSeconds() + " s");
        }
        reader.join(5000);
        if (p.exitValue() != 0) {
            throw new ClientException("nix-store -r " + path + " failed (exit " + p.exitValue() + "): " + out.toString().strip());
        }
    }

    /** Whether every path is in the Nix store now (its directory or file exists under the store root). */
    boolean isValid(Collection<StorePath> paths) {
        for (StorePath p : paths) {
            if (!Files.exists(root.resolve("store").resolve(p.toString().substring(1)))) return false;
        }
        return true;
    }
}
