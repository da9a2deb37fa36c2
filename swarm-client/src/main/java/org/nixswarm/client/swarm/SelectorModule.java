package org.nixswarm.client.swarm;

import bt.module.PeerConnectionSelector;
import bt.net.SharedSelector;
import bt.service.IRuntimeLifecycleBinder;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;

/** Binds {@link LockFreeSelector} in place of Bt's own (custom modules override Bt's). */
final class SelectorModule extends AbstractModule {
    @Provides
    @Singleton
    @PeerConnectionSelector
    SharedSelector selector(IRuntimeLifecycleBinder lifecycle) {
        LockFreeSelector s;
        try {
            s = new LockFreeSelector(Selector.open());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open an I/O selector", e);
        }
        lifecycle.onShutdown("Shutdown selector", () -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // shutting down anyway
            }
        });
        return s;
    }
}
