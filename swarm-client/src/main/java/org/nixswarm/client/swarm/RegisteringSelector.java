package org.nixswarm.client.swarm;

import bt.net.SharedSelector;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;

/**
 * Bt's peer-connection selector without its registration spin. Bt 1.10 registers a new channel by
 * spinning on {@code wakeup()} until its selector thread lets go of a lock it holds while
 * selecting; with dozens of connections opening at once (a client starting ten bundles, each with
 * a dozen peers) those spinning threads starve the selector thread and connections take many
 * seconds. Since Java 11 {@code register} does not block while another thread selects, so the
 * channel is registered directly and the selector woken to pick it up.
 */
final class RegisteringSelector extends SharedSelector {
    private final Selector delegate;

    RegisteringSelector(Selector delegate) {
        super(delegate);
        this.delegate = delegate;
    }

    @Override
    public void wakeupAndRegister(SelectableChannel channel, int ops, Object attachment) {
        try {
            channel.register(delegate, ops, attachment);
        } catch (ClosedChannelException e) {
            throw new RuntimeException("Failed to register channel", e);
        }
        delegate.wakeup();
    }
}
