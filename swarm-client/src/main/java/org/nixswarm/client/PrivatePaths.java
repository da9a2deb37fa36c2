package org.nixswarm.client;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --private-paths FILE}: one store-path hash, store path or glob per line ({@code #}
 * comments). A request only carries the hash; globs match the name when the client knows it (a
 * path already in the local store, or the path given to {@code fetch}).
 */
public final class PrivatePaths {
    private final Set<String> hashes = new HashSet<>();
    private final List<PathMatcher> globs = new ArrayList<>();

    public static PrivatePaths none() {
        return new PrivatePaths();
    }

    public static PrivatePaths load(Path file) {
        PrivatePaths p = new PrivatePaths();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ClientException("--private-paths " + file + ": " + e.getMessage());
        }
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.matches("[0-9a-df-np-sv-z]{32}")) {
                p.hashes.add(line);
            } else if (line.matches("/nix/store/[0-9a-df-np-sv-z]{32}-[^/*?\\[]+")) {
                p.hashes.add(line.substring(11, 43));
            } else {
                String glob = line.startsWith("/") ? line : "/nix/store/" + line;
                try {
                    p.globs.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
                } catch (IllegalArgumentException e) {
                    throw new ClientException("--private-paths " + file + " line " + n + ": bad glob '" + line + "'");
                }
            }
        }
        return p;
    }

    /** True if the hash is listed, or the store path (when known) matches a glob. */
    public boolean isPrivate(String storeHash, String storePathOrNull) {
        if (hashes.contains(storeHash)) return true;
        if (storePathOrNull != null) {
            for (PathMatcher m : globs) if (m.matches(Path.of(storePathOrNull))) return true;
        }
        if (!globs.isEmpty()) {
            // the name of a path that is in the local store is known without asking anyone
            Path store = Path.of("/nix/store");
            try (var ds = Files.newDirectoryStream(store, storeHash + "-*")) {
                for (Path p : ds) for (PathMatcher m : globs) if (m.matches(p)) return true;
            } catch (IOException ignored) {
                // no local store: nothing more to learn
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return hashes.isEmpty() && globs.isEmpty();
    }
}
