package org.nixswarm.client.swarm;

import bt.Bt;
import bt.data.ChunkVerifier;
import bt.module.ServiceModule;
import bt.service.IRuntimeLifecycleBinder;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.NoCache;
import bt.torrent.data.DataWorker;
import bt.torrent.data.DefaultDataWorker;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.net.IPeerConnectionPool;
import bt.protocol.crypto.EncryptionPolicy;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.runtime.Config;
import bt.torrent.fileselector.FilePrioritySkipSelector;
import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.cache.NarCache;

/**
 * The one Bt runtime of the client, shared by every bundle: no automatic shutdown (sessions come
 * and go), no local service discovery (it multicasts off the machine), our piece verifier, peer
 * banning and peer sources bound in, tuned for throughput.
 */
public final class SwarmRuntime implements AutoCloseable {
    private final NarCache cache;
    private final SwarmOptions options;
    private volatile BtRuntime runtime;
    private final BanAgent bans = new BanAgent();
    private final ReceivedBlocks receivedBlocks;
    private final Wakeup wakeup = new Wakeup();
    private final StaticPeers staticPeers = new StaticPeers();
    private final Map<String, BundleSession> sessions = new ConcurrentHashMap<>();
    private final TokenBucket upload;
    private final TokenBucket download;

    public SwarmRuntime(NarCache cache, SwarmOptions options) {
        this(cache, options, null);
    }

    /** @param dhtPeers BEP 5 peers (and our announcements) from the client's DHT node, or null */
    public SwarmRuntime(NarCache cache, SwarmOptions options, DhtPeers dhtPeers) {
        this.cache = cache;
        this.options = options;
        this.upload = new TokenBucket(options.maxUploadBytesPerSecond());
        this.download = new TokenBucket(options.maxDownloadBytesPerSecond());
        this.receivedBlocks = new ReceivedBlocks(download);
        cache.onEvicted(this::forgetFile);
        if (dhtPeers != null) {
            dhtPeers.handPeersOnlyWhen(this::wanting);
        }
        Config config = new Config();
        config.setAcceptorAddress(options.bindAddress());
        config.setAcceptorPort(options.peerPort());
        config.setMaxMessageProcessingInterval(Duration.ofMillis(1));
        config.setMaxSimultaneouslyAssignedPieces(32);
        // Two direct buffers of this size per connection (Bt's default is 1 MiB). Received blocks
        // are copied out at once (ReceivedBlocks), so 256 KiB is plenty, and a client with a few
        // hundred connections (many bundles, many peers) no longer needs hundreds of MB of direct
        // memory: OffloadBench's 20 clients in one JVM ran out of it at 1 MiB. Under --max-download
        // a read that runs into debt goes on until the buffer is full (SelectingReceiver): a smaller
        // one keeps that overshoot near 1/8 s of the limit.
        config.setNetworkBufferSize(Integer.getInteger("nixswarm.netBufferKiB", SelectingReceiver.bufferKiB(options.maxDownloadBytesPerSecond())) * 1024);
        config.setPeerDiscoveryInterval(options.peerDiscoveryInterval());
        config.setPeerConnectionRetryInterval(Duration.ofSeconds(5));
        config.setShutdownHookTimeout(Duration.ofSeconds(2));
        // announce intervals come from the tracker's answers (Bt's default when this is unset)
        config.setTrackerTimeout(Duration.ofSeconds(10));
        // A peer's assignment whose pieces are all done keeps its slot until it times out, and a
        // timed-out peer gets no new assignment for a minute: with files wanted one after another
        // that is a 5 s stall per file. Time out idle assignments fast and do not hold it against
        // the peer (a stalled peer simply gets reassigned; blocks in flight are re-requested).
        config.setMaxPieceReceivingTime(Duration.ofMillis(Long.getLong("nixswarm.pieceTimeoutMs", 500)));
        config.setTimeoutedAssignmentPeerBanDuration(Duration.ZERO);
        // fewer than Bt's 50 connection workers: on a small machine they mostly contend
        config.setMaxPendingConnectionRequests(Integer.getInteger("nixswarm.connectionWorkers", 16));
        // the same few workers run incoming handshakes: one that never answers must not hold one long
        config.setPeerHandshakeTimeout(Duration.ofSeconds(5));
        config.setPeerConnectionTimeout(Duration.ofSeconds(5));
        if (options.mse()) {
            config.setEncryptionPolicy(EncryptionPolicy.PREFER_PLAINTEXT);
        } else {
            config.setEncryptionPolicy(EncryptionPolicy.REQUIRE_PLAINTEXT);
            config.setMseDisabled(true);
        }
        PieceVerifier verifier = new PieceVerifier();
        Module ours = new Module() {
            @Override
            public void configure(Binder binder) {
                ServiceModule.extend(binder).addMessagingAgent(bans).addMessagingAgent(new StaleCancels()).addPeerSourceFactory(staticPeers)
                        .addTrackerFactory(TrackerClientFactory.class, "http", "https");
                binder.bind(bt.tracker.udp.UdpTrackerFactory.class).to(UdpTrackerFactoryReplacement.class);
                if (dhtPeers != null) ServiceModule.extend(binder).addPeerSourceFactory(dhtPeers);
                binder.bind(AnnounceStats.class).toInstance(new AnnounceStats() {
                    @Override
                    public Transfer of(bt.metainfo.TorrentId torrent) {
                        return announceStats(torrent);
                    }

                    @Override
                    public void answered(bt.metainfo.TorrentId torrent, java.util.List<bt.net.Peer> peers) {
                        trackerAnswered(torrent, peers);
                    }

                    @Override
                    public boolean wanting(bt.metainfo.TorrentId torrent) {
                        return SwarmRuntime.this.wanting(torrent);
                    }
                });
            }

            @Provides
            @Singleton
            public ChunkVerifier verifier() {
                return verifier;
            }

            // Bt's registry of received blocks mixes up bundles and connections: see ReceivedBlocks
            @Provides
            @Singleton
            public bt.net.pipeline.IBufferedPieceRegistry receivedBlocks() {
                return receivedBlocks;
            }

            @Provides
            @Singleton
            public bt.net.pipeline.IChannelPipelineFactory pipelines(bt.net.buffer.IBufferManager buffers) {
                return peer -> new bt.net.pipeline.ChannelPipelineFactory(buffers, receivedBlocks.from(peer)).buildPipeline(peer);
            }

            @Provides
            @Singleton
            public DataWorker dataWorker(IRuntimeLifecycleBinder lifecycle, TorrentRegistry registry, ChunkVerifier v, Config c) {
                // Not Bt's LRUBlockCache: when it reuses a slot for another piece it keeps the old
                // piece's mapping to that slot, so a seeder that served more than 20 pieces of a
                // bundle answers a request for an earlier piece with another piece's bytes (and
                // gets banned for it). Blocks are read straight from the cache files instead.
                NoCache blocks = new NoCache(registry);
                return new RecordingDataWorker(new DefaultDataWorker(lifecycle, registry, v, blocks, c),
                        new bt.torrent.data.ImmediateBlockReads(registry, blocks), bans, receivedBlocks, wakeup, registry);
            }

            // peer sockets are read by a thread of ours that wakes the dispatcher and enforces --max-download by not reading: see SelectingReceiver
            @Provides
            @Singleton
            public bt.net.DataReceiver receiver(IRuntimeLifecycleBinder lifecycle, @bt.module.PeerConnectionSelector bt.net.SharedSelector selector,
                    Config c) {
                SelectingReceiver r = new SelectingReceiver(selector, wakeup, download, receivedBlocks, c.getAcceptorPort() + ".nix-swarm.peer-reader");
                r.start();
                lifecycle.onShutdown("Shutdown peer reader", r::close);
                return r;
            }

            // Bt's own handler chain (ProtocolModule), with handshakes read as they arrive: see PromptHandshakes
            @Provides
            @Singleton
            public bt.net.IConnectionHandlerFactory handshakes(bt.protocol.IHandshakeFactory handshakeFactory, TorrentRegistry registry,
                    java.util.Set<bt.net.HandshakeHandler> bound, bt.protocol.extended.ExtendedHandshakeFactory extended, Config c) {
                java.util.List<bt.net.HandshakeHandler> chain = new java.util.ArrayList<>(bound);
                chain.add(new bt.net.BitfieldConnectionHandler(registry));
                chain.add(new bt.net.extended.ExtendedProtocolHandshakeHandler(extended));
                return new PromptHandshakes(new bt.net.ConnectionHandlerFactory(handshakeFactory, registry, chain, c.getPeerHandshakeTimeout()));
            }

            @Provides
            @Singleton
            public bt.net.IMessageDispatcher dispatcher(IRuntimeLifecycleBinder lifecycle, bt.net.IPeerConnectionPool pool, TorrentRegistry registry, Config c) {
                PromptDispatcher d = new PromptDispatcher(pool, registry, wakeup, upload, c.getAcceptorPort() + ".nix-swarm.message-dispatcher");
                d.start();
                lifecycle.onShutdown("Shutdown message dispatcher", d::close);
                return d;
            }
        };
        try {
            this.runtime = BtRuntime.builder(config)
                    .module(ours)
                    .module(new SelectorModule())
                    .module(new TieBreakModule())
                    .disableAutomaticShutdown()
                    .disableLocalServiceDiscovery()
                    .build();
            bans.bind(() -> runtime.service(IPeerConnectionPool.class));
            runtime.startup();
        } catch (RuntimeException e) {
            throw new ClientException("cannot start the BitTorrent runtime on " + options.bindAddress().getHostAddress()
                    + ":" + options.peerPort() + ": " + rootMessage(e), e);
        }
    }

    /** Peer-wire bytes from Bt's session, bytes left from the cache's accounting of the bundle. */
    private AnnounceStats.Transfer announceStats(bt.metainfo.TorrentId id) {
        BundleSession s = sessions.get(hex(id.getBytes()));
        long left = s == null ? 0 : s.bytesLeft();
        long up = 0, down = 0;
        BtRuntime rt = runtime;
        if (rt != null) {
            var state = rt.service(TorrentRegistry.class).getDescriptor(id).flatMap(d -> d.getSessionState());
            if (state.isPresent()) {
                up = state.get().getUploaded();
                down = state.get().getDownloaded();
            }
        }
        return new AnnounceStats.Transfer(up, down, left);
    }

    /** Block bytes received from peers for bundle {@code infohash} (hex) in this run, as announced to trackers. */
    public long downloadedFromPeers(String infohash) {
        BundleSession s = sessions.get(infohash);
        bt.metainfo.TorrentId id = s == null ? null : s.torrentId();
        return id == null ? 0 : announceStats(id).downloaded();
    }

    /** A file left the cache: no session offers its pieces to peers any more. */
    private void forgetFile(String fileName) {
        for (BundleSession s : sessions.values()) s.forgetEvicted(fileName);
    }

    /** Takes {@code pieces} (of a file no longer held) out of Bt's bitfield, so that peers are asked for them again. */
    void forgetPieces(bt.metainfo.TorrentId id, bt.data.LocalBitfield bitfield, java.util.BitSet pieces) {
        BtRuntime rt = runtime;
        var chunks = rt == null ? null : rt.service(TorrentRegistry.class).getDescriptor(id)
                .map(d -> d.getDataDescriptor()).map(d -> d.getChunkDescriptors()).orElse(null);
        for (int p = pieces.nextSetBit(0); p >= 0; p = pieces.nextSetBit(p + 1)) {
            bt.data.ChunkDescriptor chunk = chunks == null ? null : chunks.get(p);
            bt.data.ForgottenPieces.forget(bitfield, chunk, p);
            if (chunk != null) PadBlocks.markAgain(chunk, bitfield, p); // forgetting cleared every block, the pad's too
        }
    }

    /** Whether a bundle has a file being downloaded (unknown bundles count as wanting). */
    private boolean wanting(bt.metainfo.TorrentId torrent) {
        BundleSession s = sessions.get(hex(torrent.getBytes()));
        return s == null || s.wanting();
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) s.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
        return s.toString();
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage();
    }

    private volatile java.util.List<String> extraTrackers = java.util.List.of();

    /** Trackers announced to for every bundle, besides each torrent's own ({@code --tracker}). */
    public void setExtraTrackers(java.util.List<String> trackers) {
        this.extraTrackers = java.util.List.copyOf(trackers);
    }

    java.util.List<String> extraTrackers() {
        return extraTrackers;
    }

    boolean hasStaticPeers() {
        return !staticPeers.all().isEmpty();
    }

    /** Our tracker client heard back: the bundle's session learns whether peers are coming. */
    void trackerAnswered(bt.metainfo.TorrentId id, java.util.List<bt.net.Peer> peers) {
        BundleSession s = sessions.get(hex(id.getBytes()));
        if (s != null) s.trackerAnswered(peers);
    }

    /** Hands peers to Bt now (it connects at once) instead of at its next peer-discovery round. */
    void connect(bt.metainfo.TorrentId id, java.util.Collection<bt.net.Peer> peers) {
        BtRuntime rt = runtime;
        if (rt == null || peers.isEmpty()) return;
        bt.peer.IPeerRegistry registry = rt.service(bt.peer.IPeerRegistry.class);
        for (bt.net.Peer p : peers) registry.addPeer(id, p);
    }

    public int peerPort() {
        return options.peerPort();
    }

    BanAgent bans() { return bans; }

    /** Lets the message dispatcher act now (a file became wanted) rather than at its next poll. */
    void nudge() { wakeup.signal(); }
    /** The {@code --max-download} budget, shared by peers, the web seed and the upstream. */
    public TokenBucket downloadLimit() { return download; }

    /** The running session for a bundle, started on first use. */
    public BundleSession session(BundleLayout layout) {
        BundleSession s = sessions.computeIfAbsent(layout.infohash(), k -> new BundleSession(this, layout, cache));
        s.start();
        return s;
    }

    public java.util.Optional<BundleSession> existingSession(String infohash) {
        return java.util.Optional.ofNullable(sessions.get(infohash));
    }

    public java.util.Collection<BundleSession> sessions() {
        return sessions.values();
    }

    /** A peer to try for every bundle (tests, {@code --peer}); trackers and PEX add the rest. */
    public void addPeer(InetSocketAddress peer) {
        staticPeers.addEverywhere(peer);
    }

    public java.util.Set<InetSocketAddress> banned(String infohash) {
        BundleSession s = sessions.get(infohash);
        return s == null || s.torrentId() == null ? java.util.Set.of() : bans.banned(s.torrentId());
    }

    Torrent parseTorrent(byte[] bytes) {
        return new DistinctFilesTorrent(runtime.service(IMetadataService.class).fromByteArray(bytes));
    }

    BtClient newClient(BundleSession session, Torrent torrent, FilePrioritySkipSelector selector) {
        return Bt.client(runtime)
                .storage(new BundleStorage(session))
                .torrent(() -> torrent)
                .fileSelector(selector)
                .selector(new WantedPieceSelector(session))
                .build();
    }

    /** Asks every peer source of the bundle now, rather than at the peer registry's next round. */
    void collectPeersNow(bt.metainfo.TorrentId id) {
        BtRuntime rt = runtime;
        if (rt != null) rt.service(bt.peer.IPeerRegistry.class).triggerPeerCollection(id);
    }

    bt.event.EventSource events() {
        return runtime.service(bt.event.EventSource.class);
    }

    public void stopSession(String infohash) {
        BundleSession s = sessions.remove(infohash);
        if (s != null) s.close();
    }

    @Override
    public void close() {
        for (BundleSession s : sessions.values()) s.close();
        sessions.clear();
        runtime.shutdown();
    }
}
