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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bt's {@link DataReceiver}, read by the {@link PromptDispatcher}'s own thread instead of a thread
 * of its own. Bt 1.10 reads peer sockets on one thread and hands the decoded messages to the
 * dispatcher on another: every message crossed a thread (a request's round trip crossed two, each
 * a wake-up that waited for a core on a busy machine), and the receiving thread slept 1 ms whenever
 * a buffer was full. Here one thread selects, reads, and dispatches what it read at once.
 */
final class SelectingReceiver implements DataReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(SelectingReceiver.class);

    private final SharedSelector selector;
    private final Map<SelectableChannel, Integer> interestUpdates = new ConcurrentHashMap<>();
    // connections whose inbound buffer was full: read again once the dispatcher has drained them (loop thread only)
    private final Set<ChannelHandlerContext> behind = new LinkedHashSet<>();

    SelectingReceiver(SharedSelector selector) {
        this.selector = selector;
    }

    @Override
    public void registerChannel(SelectableChannel channel, ChannelHandlerContext context) {
        selector.wakeupAndRegister(channel, SelectionKey.OP_READ, context);
    }

    @Override
    public void unregisterChannel(SelectableChannel channel) {
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
        if (waitMillis > 0 && behind.isEmpty()) selector.select(waitMillis);
        else selector.selectNow();
        int read = 0;
        for (Iterator<ChannelHandlerContext> it = behind.iterator(); it.hasNext(); ) {
            read++;
            if (readFrom(it.next())) it.remove();
        }
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            it.remove();
            if (!key.isValid() || !key.isReadable() || !(key.attachment() instanceof ChannelHandlerContext c)) continue;
            read++;
            if (!readFrom(c)) behind.add(c);
        }
        return read;
    }

    /** True when the connection was read dry (or is gone); false when its buffer filled first. */
    private static boolean readFrom(ChannelHandlerContext c) {
        try {
            return c.readFromChannel();
        } catch (EOFException e) {
            return true; // the peer closed: Bt's handler has shut the connection down
        } catch (IOException | RuntimeException e) {
            LOG.debug("reading from a peer: {}", e.toString());
            return true;
        }
    }

    private void applyInterestUpdates() {
        if (interestUpdates.isEmpty()) return;
        for (Iterator<Map.Entry<SelectableChannel, Integer>> it = interestUpdates.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<SelectableChannel, Integer> e = it.next();
            int ops = e.getValue();
            interestUpdates.remove(e.getKey(), ops); // a newer update put meanwhile stays for the next pass
            try {
                selector.keyFor(e.getKey()).ifPresent(k -> {
                    if (k.isValid()) k.interestOps(ops);
                });
            } catch (RuntimeException ex) {
                LOG.debug("interest of a closed peer connection: {}", ex.toString());
            }
        }
    }
}
