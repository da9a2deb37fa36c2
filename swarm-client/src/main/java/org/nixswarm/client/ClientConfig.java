package org.nixswarm.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.nixswarm.client.swarm.SwarmOptions;

/**
 * Everything {@code nix-swarm serve} and {@code fetch} are told. {@code indexUrl} and
 * {@code upstreamUrl} may be null (no index: upstream only; no upstream: swarm and web seeds only);
 * {@code dht} is null unless {@code --dht-port} is given.
 */
public record ClientConfig(
        Path cacheDir,
        long cacheSize,
        SwarmOptions swarm,
        List<String> trackers,
        String indexUrl,
        List<String> indexKeys,
        String upstreamUrl,
        List<String> upstreamKeys,
        PrivatePaths privatePaths,
        long seedBudget,
        Duration raceDelay,
        Duration peerStall,
        Duration negativeTtl,
        Duration httpTimeout,
        int priority,
        DhtSettings dht) {

    public ClientConfig {
        trackers = List.copyOf(trackers);
        indexKeys = List.copyOf(indexKeys);
        upstreamKeys = List.copyOf(upstreamKeys);
        if (privatePaths == null) privatePaths = PrivatePaths.none();
    }

    /** Defaults for tests and {@code fetch}: loopback, no limits, 1 s head start for peers. */
    public static ClientConfig defaults(Path cacheDir, int peerPort) {
        return new ClientConfig(cacheDir, 0, SwarmOptions.loopback(peerPort), List.of(), null, List.of(), null, List.of(),
                PrivatePaths.none(), 0, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofSeconds(10), 30, null);
    }

    public ClientConfig withIndex(String url, String key) {
        return new ClientConfig(cacheDir, cacheSize, swarm, trackers, url, key == null ? List.of() : List.of(key), upstreamUrl,
                upstreamKeys, privatePaths, seedBudget, raceDelay, peerStall, negativeTtl, httpTimeout, priority, dht);
    }

    public ClientConfig withUpstream(String url, List<String> keys) {
        return new ClientConfig(cacheDir, cacheSize, swarm, trackers, indexUrl, indexKeys, url, keys, privatePaths, seedBudget,
                raceDelay, peerStall, negativeTtl, httpTimeout, priority, dht);
    }

    /** Trackers announced to for every bundle, besides each torrent's own. */
    public ClientConfig withTrackers(List<String> t) {
        return new ClientConfig(cacheDir, cacheSize, swarm, t, indexUrl, indexKeys, upstreamUrl, upstreamKeys, privatePaths,
                seedBudget, raceDelay, peerStall, negativeTtl, httpTimeout, priority, dht);
    }

    public ClientConfig withRaceDelay(Duration d) {
        return new ClientConfig(cacheDir, cacheSize, swarm, trackers, indexUrl, indexKeys, upstreamUrl, upstreamKeys, privatePaths,
                seedBudget, d, peerStall, negativeTtl, httpTimeout, priority, dht);
    }

    public ClientConfig withCacheSize(long size) {
        return new ClientConfig(cacheDir, size, swarm, trackers, indexUrl, indexKeys, upstreamUrl, upstreamKeys, privatePaths,
                seedBudget, raceDelay, peerStall, negativeTtl, httpTimeout, priority, dht);
    }

    public ClientConfig withSwarm(SwarmOptions s) {
        return new ClientConfig(cacheDir, cacheSize, s, trackers, indexUrl, indexKeys, upstreamUrl, upstreamKeys, privatePaths,
                seedBudget, raceDelay, peerStall, negativeTtl, httpTimeout, priority, dht);
    }

    public ClientConfig withPrivatePaths(PrivatePaths p) {
        return new ClientConfig(cacheDir, cacheSize, swarm, trackers, indexUrl, indexKeys, upstreamUrl, upstreamKeys, p,
                seedBudget, raceDelay, peerStall, negativeTtl, httpTimeout, priority, dht);
    }

    /** With a DHT node (null: none). */
    public ClientConfig withDht(DhtSettings d) {
        return new ClientConfig(cacheDir, cacheSize, swarm, trackers, indexUrl, indexKeys, upstreamUrl, upstreamKeys, privatePaths,
                seedBudget, raceDelay, peerStall, negativeTtl, httpTimeout, priority, d);
    }

    /** Connect, response-header and body-idle timeout of every HTTP request (index, web seed, upstream). */
    public ClientConfig withHttpTimeout(Duration t) {
        return new ClientConfig(cacheDir, cacheSize, swarm, trackers, indexUrl, indexKeys, upstreamUrl, upstreamKeys, privatePaths,
                seedBudget, raceDelay, peerStall, negativeTtl, t, priority, dht);
    }
}
