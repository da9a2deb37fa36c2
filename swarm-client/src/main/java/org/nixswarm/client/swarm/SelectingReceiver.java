package org.nixswarm.client.swarm;

import bt.net.DataReceiver;
import bt.net.SharedSelector;
import bt.net.pipeline.ChannelHandlerContext;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bt's {@link DataReceiver}: one thread reads every peer socket into its connection's buffer (Bt
 * decodes the messages there) and wakes the {@link PromptDispatcher} after each round that read
 * something. Reading stays on a thread of its own on purpose: Bt's send spins until the socket
 * takes the whole message, and two peers whose send buffers are both full would wait for each
 * other forever if the spinning thread were also the only one reading (tried, and reverted after
 * review). Unlike Bt 1.10's loop it wakes the dispatcher itself, and a newer interest update for a
 * connection is never dropped by an older one.
 *
 * <p>{@code --max-download} is enforced here, by not reading, never by sleeping: while the
 * download budget is in debt, the connections that deliver blocks (a read of them stored block
 * bytes lately) are not read, and their interest is dropped from the selector so that their
 * pending bytes do not end every select at once. Every other connection is still read: a peer
 * asking us for blocks is served at full speed while our own download is throttled. A read that
 * runs into debt ends once the connection's receive buffer is full ({@link ReceivedBlocks} pins
 * the regions of blocks received in debt until the budget allows, see {@link ReceivedBlocks#unpin};
 * {@link #bufferKiB} sizes that buffer to the limit).
 */
final class SelectingReceiver implements DataReceiver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SelectingReceiver.class);
    /**
     * How long a connection counts as delivering blocks after its last read that stored some. It
     * does not run out while the connection is held back (it could not deliver any); a connection
     * that starts delivering blocks is read once (one receive buffer) before it is held back.
     */
    private static final long SOURCE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final SharedSelector selector;
    private final Wakeup dispatcher;
    private final TokenBucket download;
    private final ReceivedBlocks blocks;
    private final Map<SelectableChannel, Integer> interestUpdates = new ConcurrentHashMap<>();
    private final Map<SelectableChannel, ChannelHandlerContext> channels = new ConcurrentHashMap<>();
    // the interest Bt asked for (activate/deactivate); absent: OP_READ, as registered
    private final Map<SelectableChannel, Integer> btInterest = new ConcurrentHashMap<>();
    // connections that delivered blocks lately: until when they count as such (nanoTime)
    private final Map<SelectableChannel, Long> sources = new ConcurrentHashMap<>();
    // connections whose inbound buffer was full: read again once the dispatcher has drained them (reading thread only)
    private final Set<SelectionKey> behind = new LinkedHashSet<>();
    // whether block sources are held back now: their interest is 0 (reading thread only)
    private boolean holding;
    private final Thread thread;
    private volatile boolean running = true;

    SelectingReceiver(SharedSelector selector, Wakeup dispatcher, String name) {
        this(selector, dispatcher, new TokenBucket(0), new ReceivedBlocks(new TokenBucket(0)), name);
    }

    /** @param blocks where received blocks go, charged to {@code download} (the {@code --max-download} budget) */
    SelectingReceiver(SharedSelector selector, Wakeup dispatcher, TokenBucket download, ReceivedBlocks blocks, String name) {
        this.selector = selector;
        this.dispatcher = dispatcher;
        this.download = download;
        this.blocks = blocks;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    /**
     * The receive buffer for a download limit (bytes per second, 0: none): a read that runs into
     * debt ends only once the buffer is full, so the buffer bounds how far one read overshoots.
     * 256 KiB without a limit; at least 64 KiB (a few blocks: a piece message must fit).
     */
    static int bufferKiB(long maxDownloadBytesPerSecond) {
        if (maxDownloadBytesPerSecond <= 0) return 256;
        return (int) Math.max(64, Math.min(256, maxDownloadBytesPerSecond / 8 / 1024));
    }

    void start() {
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                if (read() > 0) dispatcher.signal();
            } catch (java.nio.channels.ClosedSelectorException e) {
                return; // the runtime is shutting down: Bt closed the selector
            } catch (IOException | RuntimeException e) {
                // Bt closes the selector at shutdown from its own thread, which can end an iteration
                // of the selected keys with a ConcurrentModificationException: not worth a warning
                if (!running || !selector.isOpen()) return;
                LOG.warn("reading from peers: {}", e.toString());
                try {
                    Thread.sleep(1); // never a busy loop on a selector that keeps failing
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void registerChannel(SelectableChannel channel, ChannelHandlerContext context) {
        channels.put(channel, context);
        selector.wakeupAndRegister(channel, SelectionKey.OP_READ, context);
    }

    @Override
    public void unregisterChannel(SelectableChannel channel) {
        channels.remove(channel);
        btInterest.remove(channel);
        sources.remove(channel);
        selector.keyFor(channel).ifPresent(SelectionKey::cancel);
    }

    @Override
    public void activateChannel(SelectableChannel channel) {
        interestUpdates.put(channel, SelectionKey.OP_READ);
        selector.wakeup();
    }

    @Override
    public void deactivateChannel(SelectableChannel channel) {
        interestUpdates.put(channel, 0);
        selector.wakeup();
    }

    /**
     * One round: waits for bytes (up to 1 s, or 1 ms while a connection's buffer is full and the
     * dispatcher is draining it; in download debt no longer than until the budget allows), then
     * reads every connection that has some, block sources only while the budget allows. Returns
     * how many connections were read.
     */
    int read() throws IOException {
        applyInterestUpdates();
        long now = System.nanoTime();
        long debtNanos = download.nanosUntilAvailable();
        boolean debt = debtNanos > 0;
        if (debt) {
            holdSources(now);
        } else {
            blocks.unpin();
            if (holding) releaseSources();
        }
        boolean ready = false;
        for (SelectionKey k : behind) ready |= !(debt && isSource(k.channel(), now));
        long wait = ready ? 1 : 1000;
        if (debt) wait = Math.min(wait, TimeUnit.NANOSECONDS.toMillis(debtNanos) + 1);
        selector.select(wait);
        int read = 0;
        for (Iterator<SelectionKey> it = behind.iterator(); it.hasNext(); ) {
            SelectionKey k = it.next();
            if (debt && isSource(k.channel(), now)) continue; // stays behind until the budget allows
            read++;
            if (readFrom(k)) it.remove();
            debt = debt || download.nanosUntilAvailable() > 0;
        }
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            it.remove();
            if (!key.isValid() || !key.isReadable() || !(key.attachment() instanceof ChannelHandlerContext)) continue;
            // a held source's bytes stay in its socket: the selector reports them again once its interest is back
            if (debt && isSource(key.channel(), now)) continue;
            read++;
            if (!readFrom(key)) behind.add(key);
            debt = debt || download.nanosUntilAvailable() > 0;
        }
        return read;
    }

    /** True when the connection was read dry (or is gone); false when its buffer filled first. */
    private boolean readFrom(SelectionKey key) {
        if (!key.isValid() || !(key.attachment() instanceof ChannelHandlerContext c)) return true;
        long before = download.unlimited() ? -1 : blocks.storedBytes();
        try {
            return c.readFromChannel();
        } catch (EOFException e) {
            return true; // the peer closed: Bt's handler has shut the connection down
        } catch (IOException | RuntimeException e) {
            LOG.debug("reading from a peer: {}", e.toString());
            return true;
        } finally {
            if (before >= 0 && blocks.storedBytes() != before && channels.containsKey(key.channel())) {
                sources.put(key.channel(), System.nanoTime() + SOURCE_NANOS);
            }
        }
    }

    private boolean isSource(SelectableChannel channel, long now) {
        Long until = sources.get(channel);
        return until != null && until - now > 0;
    }

    /** In debt: block sources are not selected (nor read), and do not stop counting as sources meanwhile. */
    private void holdSources(long now) {
        holding = true;
        for (SelectableChannel ch : channels.keySet()) {
            boolean source = isSource(ch, now);
            if (source) sources.put(ch, now + SOURCE_NANOS);
            setInterest(ch, source ? 0 : btInterest.getOrDefault(ch, SelectionKey.OP_READ));
        }
        if (sources.size() > channels.size()) sources.keySet().removeIf(ch -> !channels.containsKey(ch));
    }

    private void releaseSources() {
        holding = false;
        for (SelectableChannel ch : channels.keySet()) setInterest(ch, btInterest.getOrDefault(ch, SelectionKey.OP_READ));
    }

    private void setInterest(SelectableChannel channel, int ops) {
        try {
            selector.keyFor(channel).ifPresent(k -> {
                if (k.isValid() && k.interestOps() != ops) k.interestOps(ops);
            });
        } catch (RuntimeException ex) {
            LOG.debug("interest of a closed peer connection: {}", ex.toString());
        }
    }

    private void applyInterestUpdates() {
        if (interestUpdates.isEmpty()) return;
        long now = System.nanoTime();
        for (Iterator<Map.Entry<SelectableChannel, Integer>> it = interestUpdates.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<SelectableChannel, Integer> e = it.next();
            int ops = e.getValue();
            interestUpdates.remove(e.getKey(), ops); // a newer update put meanwhile stays for the next pass
            if (channels.containsKey(e.getKey())) btInterest.put(e.getKey(), ops);
            // a held source keeps interest 0 until the budget allows: it gets Bt's wish then
            setInterest(e.getKey(), holding && isSource(e.getKey(), now) ? 0 : ops);
        }
    }
}
