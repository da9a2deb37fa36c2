package org.nixswarm.core.nar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.nixswarm.core.testing.Tools;

/** {@code nix-store --dump} and {@code --restore}, the reference for the NAR tests. */
final class RealNixStore {
    private RealNixStore() {}

    static byte[] dump(Path p) throws Exception {
        Path nixStore = Tools.require("nix-store", "nix-bin");
        return run(new ProcessBuilder(nixStore.toString(), "--dump", p.toString()), null);
    }

    static void restore(Path target, byte[] nar) throws Exception {
        Path nixStore = Tools.require("nix-store", "nix-bin");
        run(new ProcessBuilder(nixStore.toString(), "--restore", target.toString()), nar);
    }

    static byte[] run(ProcessBuilder pb, byte[] stdin) throws Exception {
        Process proc = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(proc.getErrorStream()));
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(proc.getInputStream()));
        try (OutputStream in = proc.getOutputStream()) {
            if (stdin != null) in.write(stdin);
        }
        int rc = proc.waitFor();
        if (rc != 0) {
            throw new AssertionError(pb.command() + " failed (" + rc + "): " + new String(err.get(), StandardCharsets.UTF_8));
        }
        return out.get();
    }

    private static byte[] readAll(InputStream in) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
