package org.nixswarm.planner.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.nixswarm.planner.PlannerException;

/** A binary cache in a local directory (a path or a {@code file://} URL). */
final class DirectoryCache implements CacheSource {
    private final Path root;

    DirectoryCache(String where) {
        Path p = where.startsWith("file:") ? Path.of(URI.create(where)) : Path.of(where);
        if (!Files.isDirectory(p)) throw new PlannerException("--cache " + where + ": not a directory");
        this.root = p.toAbsolutePath().normalize();
    }

    @Override
    public String baseUrl() {
        String u = root.toUri().toString();
        return u.endsWith("/") ? u : u + "/";
    }

    @Override
    public Optional<List<String>> list() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.forEach(p -> {
                String f = p.getFileName().toString();
                if (f.endsWith(".narinfo")) out.add(f.substring(0, f.length() - ".narinfo".length()));
            });
        }
        out.sort(null);
        return Optional.of(out);
    }

    @Override
    public Optional<byte[]> narInfo(String hashPart) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(resolve(hashPart + ".narinfo")));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public long size(String url) throws IOException {
        Path p = resolve(url);
        return Files.isRegularFile(p) ? Files.size(p) : -1;
    }

    @Override
    public InputStream open(String url) throws IOException {
        return Files.newInputStream(resolve(url));
    }

    private Path resolve(String rel) throws IOException {
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root)) throw new IOException("cache path " + rel + " leaves the cache directory");
        return p;
    }

    @Override
    public void close() {}
}
