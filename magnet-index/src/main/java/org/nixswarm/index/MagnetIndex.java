package org.nixswarm.index;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.magnet.MagnetUri;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.index.plan.LoadedPlan;
import org.nixswarm.index.store.IndexStore;
import org.nixswarm.index.store.Segment;
import org.nixswarm.index.store.SegmentMeta;

/**
 * The loaded index: every plan's verified segment, newest generation first, and the bundles'
 * torrent files. Answers by store hash, by hash prefix and by infohash.
 */
public final class MagnetIndex {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MagnetIndex.class);
    private final List<LoadedPlan> plans;
    private final IndexStore store;
    private final Map<InfoHash, Path> torrents = new HashMap<>();

    public MagnetIndex(List<LoadedPlan> plans) {
        this.plans = List.copyOf(plans);
        List<Segment> segments = new ArrayList<>();
        for (LoadedPlan p : plans) {
            segments.add(p.segment());
            torrents.putAll(p.manifest().torrents());
        }
        this.store = new IndexStore(segments);
    }

    public List<LoadedPlan> plans() {
        return plans;
    }

    public IndexStore store() {
        return store;
    }

    public long size() {
        return store.size();
    }

    public long rejected() {
        return plans.stream().mapToLong(p -> p.report().rejected()).sum();
    }

    /** A found entry, with what its plan says about trackers and the cache. */
    public record Found(IndexEntry entry, String line, SegmentMeta meta) {
        /** BEP 9 magnet with the file selected (BEP 53 so=), the trackers and the cache as web seed. */
        public MagnetUri magnet() {
            return MagnetUri.of(entry.infohash())
                    .withTrackers(meta.trackers())
                    .withWebSeeds(List.of(meta.cacheUrl()))
                    .withSelectOnly(List.of(entry.fileIndex()));
        }
    }

    public Optional<Found> lookup(byte[] storeHash) {
        IndexStore.Hit hit = store.get(storeHash);
        if (hit == null) return Optional.empty();
        String line = new String(hit.record(), StandardCharsets.UTF_8);
        return Optional.of(new Found(IndexEntry.parse(line), line, hit.segment().meta()));
    }

    /** The stored line of an entry (verified when the segment was written), without parsing it. */
    public Optional<IndexStore.Hit> lookupRaw(byte[] storeHash) {
        return Optional.ofNullable(store.get(storeHash));
    }

    /** The index.jsonl lines of every entry under the prefix, sorted by hash. */
    public List<byte[]> prefix(byte[] prefix, int bits) {
        List<byte[]> out = new ArrayList<>();
        for (IndexStore.Hit h : store.prefix(prefix, bits)) out.add(h.record());
        return out;
    }

    /**
     * The index.jsonl lines of a bundle's files, in the bundle's order, or empty when no plan has
     * the bundle. Read from the segment of the plan that lists it, so every line is for this
     * bundle (a later plan may place a path again elsewhere; {@link #lookup} answers that one).
     */
    public Optional<List<byte[]>> bundleEntries(InfoHash infohash) {
        for (LoadedPlan p : plans) {
            byte[] keys = p.manifest().bundleKeys().get(infohash);
            if (keys == null) continue;
            Segment s = p.segment();
            List<byte[]> out = new ArrayList<>(keys.length / 20);
            byte[] key = new byte[20];
            for (int off = 0; off < keys.length; off += 20) {
                System.arraycopy(keys, off, key, 0, 20);
                int i = s.find(key);
                // a path the plan's index.jsonl lacks (its entry was rejected at load) is left out
                if (i < 0) continue;
                try {
                    out.add(s.record(i));
                } catch (IndexException e) {
                    // a damaged record costs its path (looked up by prefix instead), not the directory
                    LOG.warn("bundle {}: {}", infohash.hex(), e.getMessage());
                }
            }
            return Optional.of(out);
        }
        return Optional.empty();
    }

    public Optional<Path> torrent(InfoHash infohash) {
        return Optional.ofNullable(torrents.get(infohash));
    }

    public Map<InfoHash, Path> torrents() {
        return Map.copyOf(torrents);
    }
}
