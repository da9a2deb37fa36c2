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
 * Bt's {@link DataReceiver}: one thread reads every peer socket into its connection's buffer (Bt
 * decodes the messages there) and wakes the {@link PromptDispatcher} after each round that read
 * something. Reading stays on a thread of its own on purpose: Bt's send spins until the socket
 * takes the whole message, and two peers whose send buffers are both full would wait for each
 * other forever if the spinning thread were also the only one reading (tried, and reverted after
 * review). Unlike Bt 1.10's loop it wakes the dispatcher itself, and a newer interest update for a
 * connection is never dropped by an older one.
 */
final class SelectingReceiver implements DataReceiver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SelectingReceiver.class);

    private final SharedSelector selector;
    private final Wakeup dispatcher;
    private final Map<SelectableChannel, Integer> interestUpdates = new ConcurrentHashMap<>();
    // connections whose inbound buffer was full: read again once the dispatcher has drained them (reading thread only)
    private final Set<ChannelHandlerContext> behind = new LinkedHashSet<>();
    private final Thread thread;
    private volatile boolean running = true;

    SelectingReceiver(SharedSelector selector, Wakeup dispatcher, String name) {
        this.selector = selector;
        this.dispatcher = dispatcher;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
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

    /**
     * One round: waits for bytes (up to 1 s, or 1 ms while a connection's buffer is full and the
     * dispatcher is draining it), then reads every connection that has some. Returns how many
     * connections were read.
     */
    int read() throws IOException {
        applyInterestUpdates();
        selector.select(behind.isEmpty() ? 1000 : 1);
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
