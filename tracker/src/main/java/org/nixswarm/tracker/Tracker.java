package org.nixswarm.tracker;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nixswarm.tracker.http.HttpTrackerServer;
import org.nixswarm.tracker.udp.UdpTrackerServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running tracker: HTTP and/or UDP servers over one in-memory {@link SwarmStore}, a periodic
 * expiry sweep, and (with a plan) the allow-list watcher. Uses epoll where the native transport
 * loads and NIO elsewhere. {@link #close()} releases the ports and stops every thread.
 */
public final class Tracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tracker.class);

    private final TrackerConfig config;
    private final SwarmStore store;
    private final TrackerMetrics metrics;
    private final TrackerService service;
    private final EventLoopGroup group;
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private final PlanWatcher planWatcher;
    private HttpTrackerServer http;
    private UdpTrackerServer udp;

    private Tracker(TrackerConfig config) {
        this.config = config;
        this.metrics = new TrackerMetrics();
        this.store = new SwarmStore(config.maxSwarms(), config.maxPeersPerSwarm(), config.expiryMillis(), config.clock());
        this.planWatcher = config.plan() == null ? null : new PlanWatcher(config.plan(), metrics);
        this.service = new TrackerService(config, store, metrics, planWatcher == null ? null : planWatcher::current);
        int threads = config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("tracker-io", true);
        this.group = Epoll.isAvailable() ? new EpollEventLoopGroup(threads, threadFactory)
                : new NioEventLoopGroup(threads, threadFactory);
    }

    /** Starts a tracker; on failure nothing is left running. */
    public static Tracker start(TrackerConfig config) {
        Tracker t = new Tracker(config);
        try {
            t.startServers();
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private void startServers() {
        boolean epoll = Epoll.isAvailable();
        Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends DatagramChannel> datagramType = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        if (config.http() != null) {
            http = HttpTrackerServer.bind(service, group, serverType);
            servers.add(http);
        }
        if (config.udp() != null) {
            udp = UdpTrackerServer.bind(service, group, datagramType);
            servers.add(udp);
        }
        long sweep = Math.max(1000, Math.min(60_000, config.interval().toMillis() / 4));
        tasks.add(group.scheduleWithFixedDelay(this::expire, sweep, sweep, TimeUnit.MILLISECONDS));
        if (planWatcher != null) {
            long poll = config.planPollInterval().toMillis();
            tasks.add(group.scheduleWithFixedDelay(this::pollPlan, poll, poll, TimeUnit.MILLISECONDS));
        }
        LOG.info("tracker up ({}): http {}, udp {}", epoll ? "epoll" : "nio", httpAddress(), udpAddress());
    }

    private void expire() {
        try {
            metrics.expired(store.expire());
        } catch (RuntimeException e) {
            metrics.error(ErrorKind.INTERNAL);
            LOG.error("expiry sweep failed", e);
        }
    }

    private void pollPlan() {
        try {
            planWatcher.poll();
        } catch (RuntimeException e) {
            metrics.error(ErrorKind.INTERNAL);
            LOG.error("plan reload failed", e);
        }
    }

    /** Runs an expiry sweep now (tests; the tracker also sweeps on its own). */
    public int expireNow() {
        int n = store.expire();
        metrics.expired(n);
        return n;
    }

    /** Re-reads the plan now if it changed (tests; the tracker also polls on its own). */
    public boolean reloadPlanNow() {
        return planWatcher != null && planWatcher.poll();
    }

    public InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    public InetSocketAddress udpAddress() {
        return udp == null ? null : udp.address();
    }

    public SwarmStore store() {
        return store;
    }

    public TrackerMetrics metrics() {
        return metrics;
    }

    public TrackerConfig config() {
        return config;
    }

    @Override
    public void close() {
        for (ScheduledFuture<?> t : tasks) t.cancel(false);
        for (AutoCloseable s : servers) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.warn("closing {}", s, e);
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
