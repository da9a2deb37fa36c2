package org.nixswarm.planner.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** A binary cache the planner reads: a directory or an HTTP(S) base URL. */
public interface CacheSource extends AutoCloseable {
    /** The base URL the torrents name as web seed, ending in {@code /}. */
    String baseUrl();

    /** Hash parts of the narinfos in the cache, when the cache can list them (a directory). */
    Optional<List<String>> list() throws IOException;

    /** The narinfo's bytes, or empty if the cache has none for this hash. */
    Optional<byte[]> narInfo(String hashPart) throws IOException;

    /**
     * Fetches many narinfos with bounded concurrency; {@code sink} gets each hash with its bytes
     * (null when missing) or the error. Default: one at a time.
     */
    default void narInfos(List<String> hashParts, NarInfoSink sink) {
        for (String h : hashParts) {
            try {
                sink.accept(h, narInfo(h).orElse(null), null);
            } catch (IOException e) {
                sink.accept(h, null, e);
            }
        }
    }

    /** The size of the file at {@code url} (relative to the cache), or -1 if it is missing. */
    long size(String url) throws IOException;

    /** Streams the file at {@code url} (relative, e.g. {@code nar/….nar.xz}). */
    InputStream open(String url) throws IOException;

    @Override
    void close();

    /** Receives narinfo bytes (or null if missing) or the error that prevented fetching. */
    @FunctionalInterface
    interface NarInfoSink {
        void accept(String hashPart, byte[] bytes, Exception error);
    }

    /** A directory path, {@code file://} URL, or {@code http(s)://} URL. */
    static CacheSource open(String where, int concurrency) {
        if (where.startsWith("http://") || where.startsWith("https://")) return new HttpCache(where, concurrency);
        return new DirectoryCache(where);
    }
}
