package org.nixswarm.dht.bt;

import bt.Bt;
import bt.data.file.FileSystemStorage;
import bt.magnet.MagnetUri;
import bt.metainfo.TorrentId;
import bt.net.InetPeerAddress;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.torrent.fileselector.FilePriority;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.dht.IndexTorrentSource;

/**
 * Fetches the index torrent's metadata (BEP 9) and the chosen files from the peers the DHT named,
 * with Bt, in one session: a magnet link carrying those peers ({@code x.pe}), every file not
 * chosen skipped. Each fetch runs in a Bt runtime of its own, stopped afterwards: Bt 1.10 does
 * not start a second session for a torrent its runtime has seen. What it returns is checked by
 * {@link org.nixswarm.dht.DhtResolver}, not here.
 */
public final class BtIndexTorrentSource implements IndexTorrentSource, AutoCloseable {
    private final InetAddress bind;
    private final int port;
    private final Path workDir;
    private final Duration timeout;

    public BtIndexTorrentSource(InetAddress bind, int port, Path workDir, Duration timeout) {
        this.bind = bind;
        this.port = port;
        this.workDir = workDir;
        this.timeout = timeout;
    }

    private static MagnetUri magnet(InfoHash infohash, Set<InetSocketAddress> peers) {
        MagnetUri.Builder b = MagnetUri.torrentId(TorrentId.fromBytes(infohash.bytes()));
        for (InetSocketAddress p : peers) b.peer(new InetPeerAddress(p.getAddress().getHostAddress(), p.getPort()));
        return b.buildUri();
    }

    @Override
    public synchronized Fetched fetch(InfoHash infohash, Set<InetSocketAddress> peers, Function<Torrent, List<String>> choose)
            throws Exception {
        BtRuntime runtime = BtRuntimes.start(bind, port);
        try {
            return fetch(runtime, infohash, peers, choose);
        } finally {
            runtime.shutdown();
        }
    }

    private Fetched fetch(BtRuntime runtime, InfoHash infohash, Set<InetSocketAddress> peers,
            Function<Torrent, List<String>> choose) throws Exception {
        Path dir = workDir.resolve(infohash.hex() + "-" + System.nanoTime());
        AtomicReference<Torrent> torrent = new AtomicReference<>();
        AtomicReference<Set<String>> wanted = new AtomicReference<>();
        CompletableFuture<Void> metadata = new CompletableFuture<>();
        Map<String, CompletableFuture<Void>> files = new ConcurrentHashMap<>();
        BtClient client = Bt.client(runtime)
                .storage(new FileSystemStorage(dir))
                .magnet(magnet(infohash, peers))
                .afterTorrentFetched(t -> {
                    try {
                        Torrent ours = Torrent.read(metainfo(t.getSource().getExchangedMetadata()));
                        torrent.set(ours);
                        Set<String> chosen = Set.copyOf(choose.apply(ours));
                        for (String f : chosen) files.put(f, new CompletableFuture<>());
                        wanted.set(chosen);
                        metadata.complete(null);
                    } catch (RuntimeException e) {
                        metadata.completeExceptionally(e);
                    }
                })
                .fileSelector(f -> {
                    Set<String> w = wanted.get();
                    return w != null && w.contains(String.join("/", f.getPathElements())) ? FilePriority.HIGH_PRIORITY : FilePriority.SKIP;
                })
                .afterFileDownloaded((t, f, storage) -> {
                    CompletableFuture<Void> done = files.get(String.join("/", f.getPathElements()));
                    if (done != null) done.complete(null);
                })
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        client.startAsync();
        try {
            metadata.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            CompletableFuture.allOf(files.values().toArray(new CompletableFuture<?>[0])).get(left, TimeUnit.MILLISECONDS);
        } finally {
            client.stop();
        }
        Map<String, byte[]> out = new HashMap<>();
        for (String f : files.keySet()) {
            Path p = dir.resolve(torrent.get().name());
            for (String part : f.split("/")) p = p.resolve(part);
            out.put(f, Files.readAllBytes(p));
        }
        return new Fetched(torrent.get(), out);
    }

    private static byte[] metainfo(byte[] infoDict) {
        ByteArrayOutputStream m = new ByteArrayOutputStream(infoDict.length + 16);
        m.writeBytes("d4:info".getBytes(StandardCharsets.US_ASCII));
        m.writeBytes(infoDict);
        m.write('e');
        return m.toByteArray();
    }

    /** Nothing stays open between fetches; present so callers can treat sources alike. */
    @Override
    public void close() {}
}
