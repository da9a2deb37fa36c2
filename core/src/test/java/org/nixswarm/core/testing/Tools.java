package org.nixswarm.core.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Test access to real external tools (nix-store, aria2c, python3 with libtorrent) and the shared
 * data beside the checkout. On CI (environment CI=true) a missing tool fails the test: CI must
 * install it, never skip. On a developer machine it skips with a message saying what to install.
 */
public final class Tools {
    private Tools() {}

    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The absolute path of an executable on PATH, or fails/skips the test if it is missing. */
    public static Path require(String executable, String debianPackage) {
        Path found = find(executable);
        String msg = executable + " is not installed (apt-get install -y " + debianPackage + ")";
        if (found == null) {
            if (onCi()) Assertions.fail(msg + ": CI must install it, see .ci/run");
            Assumptions.abort(msg);
        }
        return found;
    }

    /** Python 3 with Debian's libtorrent bindings importable. */
    public static Path requirePythonLibtorrent() {
        Path python = Path.of("/usr/bin/python3"); // Debian's python, where python3-libtorrent lives
        boolean ok = false;
        if (Files.isExecutable(python)) {
            try {
                Process p = new ProcessBuilder(python.toString(), "-c", "import libtorrent")
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                ok = p.waitFor() == 0;
            } catch (Exception e) {
                ok = false;
            }
        }
        String msg = "python3 libtorrent bindings are not installed (apt-get install -y python3-libtorrent)";
        if (!ok) {
            if (onCi()) Assertions.fail(msg + ": CI must install them, see .ci/run");
            Assumptions.abort(msg);
        }
        return python;
    }

    public static Path find(String executable) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, executable);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** {@code ../shared/data/<name>}: the real cache.nixos.org sample data. */
    public static Path sharedData(String name) {
        String shared = System.getProperty("nixswarm.shared");
        Path p = shared == null ? Path.of("..", "..", "shared", "data", name) : Path.of(shared, "data", name);
        Assertions.assertTrue(Files.exists(p), "shared data missing: " + p.toAbsolutePath()
                + " (the ../shared folder must sit beside the checkout)");
        return p;
    }
}
