package org.nixswarm.core.torrent;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeEncoder;

/**
 * Builds a multi-file v1 torrent, optionally with BEP 47 pad files so that every real file starts on
 * a piece boundary (a client fetching one file then downloads no byte of its neighbours), with
 * BEP 19 {@code url-list} and BEP 12 {@code announce-list}. Bt's own builder can write neither.
 *
 * <p>Pieces are hashed streaming: each hashing thread holds one piece in memory, never a whole file.
 * With pad files each real file is an independent run of pieces, so files are hashed in parallel,
 * with as many threads as {@link #threads} and {@link #memoryLimit} allow. The creation date is left
 * out unless set, so that the same inputs always give the same infohash.
 */
public final class TorrentBuilder {
    /** Opens the content of a file; called once per build, the stream is closed after use. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    private record Input(List<String> path, long size, Source source) {}

    private final String name;
    private int pieceLength = 256 * 1024;
    private boolean padFiles = true;
    private final List<Input> inputs = new ArrayList<>();
    private String announce;
    private final List<List<String>> announceList = new ArrayList<>();
    private final List<String> urlList = new ArrayList<>();
    private String createdBy;
    private Long creationDate;
    private String comment;
    private boolean isPrivate;
    private int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private long memoryLimit = 64L * 1024 * 1024;

    /** A builder for a torrent whose {@code info.name} (the root directory) is {@code name}. */
    public TorrentBuilder(String name) {
        Torrent.component(name.getBytes(StandardCharsets.UTF_8), "name");
        this.name = name;
    }

    /**
     * Lays out files of these sizes without hashing anything: offsets, pads and the number of
     * pieces, exactly as {@link #build()} would with the same piece length and pad setting.
     */
    public static TorrentLayout layout(List<Long> sizes, int pieceLength, boolean padFiles) {
        return TorrentLayout.compute(sizes, pieceLength, padFiles);
    }

    /** A power of two from 16 KiB to 64 MiB; 256 KiB by default. */
    public TorrentBuilder pieceLength(int pieceLength) {
        Torrent.checkPieceLength(pieceLength, "piece length");
        this.pieceLength = pieceLength;
        return this;
    }

    /** Whether to insert pad files after each real file but the last (default true). */
    public TorrentBuilder padFiles(boolean padFiles) {
        this.padFiles = padFiles;
        return this;
    }

    /** Adds a file on disk; its size is taken now and checked again while hashing. */
    public TorrentBuilder addFile(List<String> path, Path file) throws IOException {
        return addFile(path, Files.size(file), () -> Files.newInputStream(file));
    }

    /** Adds a file whose content {@code source} streams; it must yield exactly {@code size} bytes. */
    public TorrentBuilder addFile(List<String> path, long size, Source source) {
        if (path.isEmpty()) throw new FormatException("torrent builder: file " + inputs.size() + " has an empty path");
        for (int i = 0; i < path.size(); i++) {
            Torrent.component(path.get(i).getBytes(StandardCharsets.UTF_8),
                    "file " + inputs.size() + " path[" + i + "]");
        }
        if (size < 0) throw new FormatException("torrent builder: file " + String.join("/", path) + " has negative size " + size);
        inputs.add(new Input(List.copyOf(path), size, source));
        return this;
    }

    /** The main tracker ({@code announce}); defaults to the first of the announce list. */
    public TorrentBuilder announce(String url) {
        this.announce = url;
        return this;
    }

    /** Appends a BEP 12 tier of trackers. */
    public TorrentBuilder addAnnounceTier(List<String> urls) {
        if (urls.isEmpty()) throw new IllegalArgumentException("empty announce tier");
        announceList.add(List.copyOf(urls));
        return this;
    }

    /** Appends a BEP 19 web seed (for a multi-file torrent, a base URL ending in {@code /}). */
    public TorrentBuilder addWebSeed(String url) {
        urlList.add(url);
        return this;
    }

    public TorrentBuilder createdBy(String createdBy) {
        this.createdBy = createdBy;
        return this;
    }

    /** Sets the creation date (left out by default, for deterministic output). */
    public TorrentBuilder creationDate(Instant date) {
        this.creationDate = date.getEpochSecond();
        return this;
    }

    public TorrentBuilder comment(String comment) {
        this.comment = comment;
        return this;
    }

    public TorrentBuilder privateFlag(boolean isPrivate) {
        this.isPrivate = isPrivate;
        return this;
    }

    /** Hashing threads at most (default: up to 4, no more than the processors). */
    public TorrentBuilder threads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
        this.threads = threads;
        return this;
    }

    /** Piece buffers of all hashing threads together stay within this many bytes (at least one piece). */
    public TorrentBuilder memoryLimit(long bytes) {
        this.memoryLimit = bytes;
        return this;
    }

    /** Hashes every file and returns the torrent. */
    public Torrent build() throws IOException {
        if (inputs.isEmpty()) throw new FormatException("torrent builder: no files");
        Set<String> paths = new HashSet<>();
        for (Input in : inputs) {
            if (!paths.add(String.join("/", in.path()))) {
                throw new FormatException("torrent builder: two files at " + String.join("/", in.path()));
            }
        }
        TorrentLayout layout = layout(inputs.stream().map(Input::size).toList(), pieceLength, padFiles);
        byte[] pieces = hash(layout);

        List<BValue> files = new ArrayList<>(layout.entries().size());
        for (TorrentLayout.Entry e : layout.entries()) {
            Map<String, BValue> f = new LinkedHashMap<>();
            f.put("length", BValue.of(e.length()));
            if (e.isPad()) {
                f.put("attr", BValue.of("p"));
                f.put("path", strings(List.of(".pad", Long.toString(e.length()))));
            } else {
                f.put("path", strings(inputs.get(e.realIndex()).path()));
            }
            files.add(new BValue.BDict(f));
        }
        Map<String, BValue> info = new LinkedHashMap<>();
        info.put("name", BValue.of(name));
        info.put("piece length", BValue.of(pieceLength));
        info.put("pieces", BValue.of(pieces));
        info.put("files", new BValue.BList(files));
        if (isPrivate) info.put("private", BValue.of(1));

        Map<String, BValue> root = new LinkedHashMap<>();
        root.put("info", new BValue.BDict(info));
        String primary = announce != null ? announce : announceList.isEmpty() ? null : announceList.get(0).get(0);
        if (primary != null) root.put("announce", BValue.of(primary));
        if (!announceList.isEmpty()) {
            root.put("announce-list", new BValue.BList(announceList.stream().map(t -> (BValue) strings(t)).toList()));
        }
        if (!urlList.isEmpty()) root.put("url-list", strings(urlList));
        if (createdBy != null) root.put("created by", BValue.of(createdBy));
        if (creationDate != null) root.put("creation date", BValue.of(creationDate));
        if (comment != null) root.put("comment", BValue.of(comment));
        // Reading back validates what we wrote with the same rules as any untrusted torrent.
        return Torrent.read(BencodeEncoder.encode(new BValue.BDict(root)));
    }

    /**
     * Splits the data into runs that start on a piece boundary (with pads: each real file and its
     * pad), hashes the runs in parallel and returns the concatenated piece hashes.
     */
    private byte[] hash(TorrentLayout layout) throws IOException {
        List<List<TorrentLayout.Entry>> runs = new ArrayList<>();
        for (TorrentLayout.Entry e : layout.entries()) {
            if (runs.isEmpty() || e.offset() % pieceLength == 0) runs.add(new ArrayList<>());
            runs.get(runs.size() - 1).add(e);
        }
        byte[] pieces = new byte[layout.pieceCount() * 20];
        int workers = (int) Math.max(1, Math.min(Math.min(threads, runs.size()), memoryLimit / pieceLength));
        if (workers == 1) {
            byte[] buffer = new byte[pieceLength];
            for (List<TorrentLayout.Entry> run : runs) hashRun(run, buffer, pieces);
            return pieces;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "torrent-hash");
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[pieceLength]);
        try {
            List<Future<?>> futures = new ArrayList<>(runs.size());
            for (List<TorrentLayout.Entry> run : runs) {
                futures.add(pool.submit(() -> {
                    hashRun(run, buffers.get(), pieces);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) throw io;
                    if (cause instanceof RuntimeException re) throw re;
                    throw new IOException(cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while hashing pieces");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return pieces;
    }

    /** Hashes one run: the bytes of its entries (zeros for pads), cut into pieces from its first offset. */
    private void hashRun(List<TorrentLayout.Entry> run, byte[] buffer, byte[] pieces) throws IOException {
        MessageDigest sha1 = InfoHash.sha1Digest();
        int piece = (int) (run.get(0).offset() / pieceLength);
        int filled = 0;
        for (TorrentLayout.Entry e : run) {
            if (e.isPad()) {
                long left = e.length();
                while (left > 0) {
                    int n = (int) Math.min(left, pieceLength - filled);
                    Arrays.fill(buffer, filled, filled + n, (byte) 0);
                    filled += n;
                    left -= n;
                    if (filled == pieceLength) {
                        digest(sha1, buffer, filled, pieces, piece++);
                        filled = 0;
                    }
                }
                continue;
            }
            Input input = inputs.get(e.realIndex());
            String what = String.join("/", input.path());
            try (InputStream in = input.source().open()) {
                long left = e.length();
                while (left > 0) {
                    int n = (int) Math.min(left, pieceLength - filled);
                    int got = in.readNBytes(buffer, filled, n);
                    if (got < n) {
                        throw new IOException("torrent builder: " + what + " has " + (e.length() - left + got)
                                + " bytes, expected " + e.length() + " (did it change while hashing?)");
                    }
                    filled += n;
                    left -= n;
                    if (filled == pieceLength) {
                        digest(sha1, buffer, filled, pieces, piece++);
                        filled = 0;
                    }
                }
                if (in.read() >= 0) {
                    throw new IOException("torrent builder: " + what + " has more than the expected "
                            + e.length() + " bytes (did it change while hashing?)");
                }
            }
        }
        if (filled > 0) digest(sha1, buffer, filled, pieces, piece);
    }

    private static void digest(MessageDigest sha1, byte[] buffer, int length, byte[] pieces, int piece) {
        sha1.update(buffer, 0, length);
        byte[] h = sha1.digest();
        System.arraycopy(h, 0, pieces, piece * 20, 20);
    }

    private static BValue.BList strings(List<String> values) {
        return new BValue.BList(values.stream().map(v -> (BValue) BValue.of(v)).toList());
    }
}
