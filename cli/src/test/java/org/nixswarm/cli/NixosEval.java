package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.nixswarm.core.testing.Tools;

/**
 * Real Nix ({@code nix-instantiate} from Debian's nix-bin) evaluating {@code nixos/module.nix}
 * against the stand-ins in {@code nixos/tests/eval/}. Each instance owns a throw-away local store
 * (a chroot store under a temporary directory), so files the module writes with
 * {@code pkgs.writeText} really exist and can be read back, and the machine's /nix is untouched.
 */
final class NixosEval {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path repo;
    private final Path nixInstantiate;
    private final Path store;

    NixosEval(Path tmp) {
        this.nixInstantiate = Tools.require("nix-instantiate", "nix-bin");
        this.repo = repositoryRoot();
        this.store = tmp.resolve("store");
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("nixos/module.nix"))) dir = dir.getParent();
        if (dir == null) throw new IllegalStateException("nixos/module.nix not found above " + Path.of("").toAbsolutePath());
        return dir;
    }

    /** The module evaluated with this configuration (a Nix expression: a module). */
    JsonNode module(String configuration) {
        return json(run(List.of(repo.resolve("nixos/tests/eval").toString(), "--arg", "configuration", configuration)));
    }

    /** An evaluation that must fail; returns Nix's error output. */
    String moduleError(String configuration) {
        Result r = exec(List.of("--eval", "--strict", "--json", repo.resolve("nixos/tests/eval").toString(),
                "--arg", "configuration", configuration));
        assertNotEquals(0, r.exit, "evaluation should have failed, got: " + r.out);
        return r.err;
    }

    /** Any Nix expression, evaluated strictly, as JSON. Relative paths resolve from the repository. */
    JsonNode expr(String expression) {
        return json(run(List.of("-E", expression)));
    }

    JsonNode file(String relative) {
        return json(run(List.of(repo.resolve(relative).toString())));
    }

    /** Where a /nix/store path that the evaluation wrote really lives. */
    Path storeFile(String storePath) {
        assertTrue(storePath.startsWith("/nix/store/"), storePath);
        return store.resolve(storePath.substring(1));
    }

    /** {@code nix-instantiate --parse}: syntax only. */
    Result parse(Path file) {
        return exec(List.of("--parse", file.toString()));
    }

    private String run(List<String> args) {
        List<String> all = new ArrayList<>(List.of("--eval", "--strict", "--json"));
        all.addAll(args);
        Result r = exec(all);
        assertEquals(0, r.exit, () -> "nix-instantiate " + args + " failed:\n" + r.err);
        return r.out;
    }

    Result exec(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(nixInstantiate.toString());
        // Read-write so that builtins.toFile (pkgs.writeText) writes into the throw-away store.
        cmd.addAll(List.of("--read-write-mode", "--store", store.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        Map<String, String> env = pb.environment();
        env.put("NIX_CONFIG", "build-users-group =\nexperimental-features = nix-command");
        env.put("HOME", store.resolveSibling("home").toString());
        env.put("XDG_CACHE_HOME", store.resolveSibling("cache").toString());
        env.remove("NIX_PATH");
        try {
            Path err = Files.createTempFile("nix-eval", ".err");
            try {
                pb.redirectError(err.toFile());
                Process p = pb.start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("nix-instantiate did not finish: " + cmd);
                }
                return new Result(p.exitValue(), out, Files.readString(err));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    record Result(int exit, String out, String err) {}
}
