package org.nixswarm.planner;

import java.nio.file.Path;
import java.util.List;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.planner.cluster.ClusterSettings;

/**
 * What {@code nix-swarm plan} was asked to do.
 *
 * @param cache        directory, {@code file://} or {@code http(s)://} URL of the binary cache
 * @param storePaths   store-paths list (plain or .xz; file or URL), or null to list a directory cache
 * @param logs         download logs (JSONL, CSV or common/combined log format)
 * @param previous     the previous plan directory, or null
 * @param webSeed      the torrents' url-list, or null for the cache's base URL
 * @param keyFile      the planner's secret key (generated when absent)
 * @param trusted      narinfos must be signed by one of these (none: signatures not required)
 * @param memoryBudget bytes of piece buffers while hashing
 */
public record PlanOptions(String cache, String storePaths, List<Path> logs, Path previous, Path out,
        List<String> trackers, String webSeed, Path keyFile, List<PublicKey> trusted, boolean strict,
        ClusterSettings cluster, long sessionGapMillis, int concurrency, int threads, long memoryBudget) {}
