package org.nixswarm.client.swarm;

import bt.module.ProtocolModule;
import bt.net.IConnectionSource;
import bt.net.IPeerConnectionPool;
import com.google.inject.Binder;
import com.google.inject.Module;

/** Replaces Bt's connection pool and source with the ones that survive a simultaneous open. */
final class TieBreakModule implements Module {
    @Override
    public void configure(Binder binder) {
        RemotePeerIds ids = new RemotePeerIds();
        binder.bind(RemotePeerIds.class).toInstance(ids);
        ProtocolModule.extend(binder).addHandshakeHandler(ids);
        binder.bind(IPeerConnectionPool.class).to(TieBreakingConnectionPool.class).asEagerSingleton();
        binder.bind(IConnectionSource.class).to(TieBreakingConnectionSource.class).asEagerSingleton();
    }
}
