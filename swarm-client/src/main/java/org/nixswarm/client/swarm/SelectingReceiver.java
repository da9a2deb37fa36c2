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
 * Bt's {@link DataReceiver}, read by the {@link PromptDispatcher}'s own thread instead of a thread
 * of its own. Bt 1.10 reads peer sockets on one thread and hands the decoded messages to the
 * dispatcher on another: every message crossed a thread (a request's round trip crossed two, each
 * a wake-up that waited for a core on a busy machine), and the receiving thread slept 1 ms whenever
 * a buffer was full. Here one thread selects, reads, and dispatches what it read at once.
 *
 * <p>{@code --max-download} is enforced here, by not reading: while the download budget is in
 * debt, the connections that deliver blocks (a read of them stored block bytes lately) are not
 * read, and their interest is dropped from the selector so that their pending bytes do not end
 * every select at once. A read that runs into debt ends once the connection's receive buffer is
 * full ({@link ReceivedBlocks} pins the regions of blocks received in debt until the budget
 * allows: see {@link ReceivedBlocks#unpin}). Every other connection is still read: a peer asking us for blocks is
 * served at full speed while our own download is throttled. The thread never sleeps for the
 * budget (it carries every peer's messages, uploads included).
 */
final class SelectingReceiver implements DataReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(SelectingReceiver.class);
    /**
     * How long a connection counts as delivering blocks after its last read that stored some. It
     * does not run out while the connection is held back (it could not deliver any); a connection
     * that starts delivering blocks is read once (one receive buffer) before it is held back.
     */
    private static final long SOURCE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final SharedSelector selector;
    private final TokenBucket download;
    private final ReceivedBlocks blocks;
    private final Map<SelectableChannel, Integer> interestUpdates = new ConcurrentHashMap<>();
    private final Map<SelectableChannel, ChannelHandlerContext> channels = new ConcurrentHashMap<>();
    // the interest Bt asked for (activate/deactivate); absent: OP_READ, as registered
    private final Map<SelectableChannel, Integer> btInterest = new ConcurrentHashMap<>();
    // connections that delivered blocks lately: until when they count as such (nanoTime)
    private final Map<SelectableChannel, Long> sources = new ConcurrentHashMap<>();
    // connections whose inbound buffer was full: read again once the dispatcher has drained them (loop thread only)
    private final Set<SelectionKey> behind = new LinkedHashSet<>();
    // whether block sources are held back now: their interest is 0 (loop thread only)
    private boolean holding;

    /**
     * The receive buffer for a download limit (bytes per second, 0: none): a read that runs into
     * debt ends only once the buffer is full, so the buffer bounds how far one read overshoots.
     * 256 KiB without a limit; at least 64 KiB (a few blocks: a piece message must fit).
     */
    static int bufferKiB(long maxDownloadBytesPerSecond) {
        if (maxDownloadBytesPerSecond <= 0) return 256;
        return (int) Math.max(64, Math.min(256, maxDownloadBytesPerSecond / 8 / 1024));
    }

    /** @param blocks where received blocks go, charged to {@code download} (the {@code --max-download} budget) */
    SelectingReceiver(SharedSelector selector, TokenBucket download, ReceivedBlocks blocks) {
        this.selector = selector;
        this.download = download;
        this.blocks = blocks;
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

    /** Wakes a {@link #read} waiting in its select. */
    void wakeup() {
        selector.wakeup();
    }

    /**
     * Reads every connection that has bytes, after waiting up to {@code waitMillis} for one (0: no
     * wait; a {@link #wakeup} ends the wait). Returns how many connections were read. Only the
     * dispatcher's thread calls this.
     */
    int read(long waitMillis) throws IOException {
        applyInterestUpdates();
        long now = System.nanoTime();
        boolean debt = download.nanosUntilAvailable() > 0;
        if (debt) {
            holdSources(now);
        } else {
            blocks.unpin();
            if (holding) releaseSources();
        }
        boolean ready = false;
        for (SelectionKey k : behind) ready |= !(debt && isSource(k.channel(), now));
        if (waitMillis > 0 && !ready) {
            // in debt the held sources cannot end the wait: it ends when the budget allows at the latest
            long wait = debt ? Math.min(waitMillis, Math.max(1, TimeUnit.NANOSECONDS.toMillis(download.nanosUntilAvailable()) + 1)) : waitMillis;
            selector.select(wait);
        } else {
            selector.selectNow();
        }
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
