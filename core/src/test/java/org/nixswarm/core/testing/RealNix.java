package org.nixswarm.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * Real Nix (nix-store 2.8 from Debian, as root) substituting from an HTTP binary cache into a
 * private chroot store under a test's directory, isolated from the machine's own Nix: a fresh
 * state, log, config and cache directory each time (the narinfo disk cache in XDG_CACHE_HOME
 * would otherwise remember answers from an earlier test's server on the same port), no
 * /etc/nix/nix.conf, and the settings in NIX_CONFIG. Skips (locally) or fails (CI) without nix-store.
 *
 * <pre>
 * RealNix nix = RealNix.in(tmp).substituter(server.baseUrl()).trust(cache.publicKey().toNixFormat());
 * nix.realise("/nix/store/…-hello").assertOk();
 * Path hello = nix.physicalPath("/nix/store/…-hello");
 * </pre>
 */
public final class RealNix {
    private static final long TIMEOUT_SECONDS = 180;

    /** What a nix-store run printed and returned. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public Result assertOk() {
            Assertions.assertEquals(0, exitCode, () -> String.join(" ", command) + " failed:\n" + stderr);
            return this;
        }

        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final Path root;
    private final Path nixStore;
    private final String substituter;
    private final List<String> trustedKeys;
    private final List<String> extraConfig;

    private RealNix(Path root, Path nixStore, String substituter, List<String> trustedKeys, List<String> extraConfig) {
        this.root = root;
        this.nixStore = nixStore;
        this.substituter = substituter;
        this.trustedKeys = trustedKeys;
        this.extraConfig = extraConfig;
    }

    /** Nix with its chroot store and private directories under {@code dir} (e.g. a @TempDir). */
    public static RealNix in(Path dir) throws IOException {
        Path nixStore = Tools.require("nix-store", "nix-bin");
        Path root = Files.createDirectories(dir.resolve("real-nix"));
        for (String d : new String[] {"chroot", "state", "log", "conf", "home", "cache", "config"}) {
            Files.createDirectories(root.resolve(d));
        }
        return new RealNix(root, nixStore, null, List.of(), List.of());
    }

    /** The binary cache to substitute from, e.g. {@code http://127.0.0.1:PORT/} (a trailing slash is fine). */
    public RealNix substituter(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return new RealNix(root, nixStore, u, trustedKeys, extraConfig);
    }

    /** Public keys ({@code name:base64}) whose signatures Nix accepts. */
    public RealNix trust(String... publicKeys) {
        return new RealNix(root, nixStore, substituter, List.of(publicKeys), extraConfig);
    }

    /** More nix.conf lines, e.g. {@code "connect-timeout = 5"}. */
    public RealNix config(String... lines) {
        List<String> all = new ArrayList<>(extraConfig);
        all.addAll(List.of(lines));
        return new RealNix(root, nixStore, substituter, trustedKeys, all);
    }

    /** The chroot store's directory as Nix sees it: {@code <dir>/real-nix/chroot}. */
    public Path storeRoot() {
        return root.resolve("chroot");
    }

    /** Where {@code /nix/store/…} lives on disk in the chroot store. */
    public Path physicalPath(String storePath) {
        if (!storePath.startsWith("/")) throw new IllegalArgumentException("not absolute: " + storePath);
        return storeRoot().resolve(storePath.substring(1));
    }

    /** {@code nix-store -r} of the paths: substitutes them and their closures. */
    public Result realise(String... storePaths) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-r"));
        args.addAll(List.of(storePaths));
        return nixStore(args);
    }

    public Result realise(Collection<String> storePaths) throws IOException, InterruptedException {
        return realise(storePaths.toArray(new String[0]));
    }

    /**
     * The NAR of a realised path, by real Nix ({@code nix-store --dump} of its place on disk: with a
     * chroot store, {@code --dump} reads the file system path it is given, not the store's).
     */
    public byte[] dump(String storePath) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(nixStore.toString(), "--dump", physicalPath(storePath).toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        byte[] nar = p.getInputStream().readAllBytes();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) p.destroyForcibly();
        Assertions.assertEquals(0, p.waitFor(), () -> "nix-store --dump " + storePath + " failed: " + err.join());
        return nar;
    }

    /** {@code nix-store --store <chroot> <args>}. */
    public Result nixStore(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(nixStore.toString(), "--store", storeRoot().toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("NIX_") || k.startsWith("XDG_"));
        env.put("HOME", root.resolve("home").toString());
        env.put("XDG_CACHE_HOME", root.resolve("cache").toString());
        env.put("XDG_CONFIG_HOME", root.resolve("config").toString());
        env.put("NIX_STATE_DIR", root.resolve("state").toString());
        env.put("NIX_LOG_DIR", root.resolve("log").toString());
        env.put("NIX_CONF_DIR", root.resolve("conf").toString());
        env.put("NIX_CONFIG", config());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            Assertions.fail(String.join(" ", cmd) + " did not finish in " + TIMEOUT_SECONDS + " s; stderr so far:\n" + err.join());
        }
        return new Result(cmd, p.exitValue(), out.join(), err.join());
    }

    /** The NIX_CONFIG this instance runs Nix with. */
    public String config() {
        List<String> lines = new ArrayList<>(List.of(
                "build-users-group =",
                "sandbox = false",
                "experimental-features = nix-command",
                "substituters = " + (substituter == null ? "" : substituter),
                "trusted-public-keys = " + String.join(" ", trustedKeys)));
        lines.addAll(extraConfig);
        return String.join("\n", lines) + "\n";
    }

    private static String read(InputStream in) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
