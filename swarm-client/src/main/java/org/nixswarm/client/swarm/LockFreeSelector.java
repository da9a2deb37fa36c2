package org.nixswarm.client.swarm;

import bt.net.SharedSelector;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.net.StandardSocketOptions;

/**
 * Bt's peer-connection selector without its registration lock. Bt 1.10 holds a write lock for
 * the whole of every {@code select} and makes a thread that registers a new connection spin on
 * {@code tryLock} until it slips between two selects: on a loaded 2-core machine that took
 * 0.5-3 s per new peer connection (the first fetch from a bundle waited for it) and burnt a core
 * spinning. Since Java 11 a channel may be registered while a select is in progress (the next
 * select sees it), so registering and waking the selector is all that is needed.
 */
final class LockFreeSelector extends SharedSelector {
    private static final boolean NO_DELAY = !Boolean.getBoolean("nixswarm.nagle");
    private final Selector delegate;

    LockFreeSelector(Selector delegate) {
        super(delegate);
        this.delegate = delegate;
    }

    @Override
    public int select(long timeout) throws IOException {
        return delegate.select(timeout);
    }

    @Override
    public int select() throws IOException {
        return delegate.select();
    }

    @Override
    public int selectNow() throws IOException {
        return delegate.selectNow();
    }

    @Override
    public void wakeupAndRegister(SelectableChannel channel, int ops, Object attachment) {
        // Every peer connection passes here once. Bt leaves Nagle's algorithm on: a 16 KiB piece
        // message (one partial segment on loopback) then waits for the ACK of the one before it.
        if (NO_DELAY && channel instanceof SocketChannel s) {
            try {
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException | UnsupportedOperationException e) {
                // not fatal: the connection works, only with Nagle's delays
            }
        }
        try {
            channel.register(delegate, ops, attachment);
        } catch (ClosedChannelException e) {
            throw new RuntimeException("Failed to register channel", e);
        }
        delegate.wakeup();
    }
}
