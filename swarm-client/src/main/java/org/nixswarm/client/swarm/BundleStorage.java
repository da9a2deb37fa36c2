package org.nixswarm.client.swarm;

import bt.data.Storage;
import bt.data.StorageUnit;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bt's view of one bundle: its real files map onto the cache's shared {@code nar/} directory
 * (through {@link NarUnit}), its pad files onto virtual zeros ({@link PadUnit}). Bt asks for the
 * units in torrent order, which is how they are matched to the layout's entries.
 */
final class BundleStorage implements Storage {
    private final BundleSession session;
    private final Map<TorrentFile, StorageUnit> units = new IdentityHashMap<>();

    BundleStorage(BundleSession session) {
        this.session = session;
    }

    @Override
    public synchronized StorageUnit getUnit(Torrent torrent, TorrentFile file) {
        StorageUnit u = units.get(file);
        if (u != null) return u;
        List<TorrentFile> files = torrent.getFiles();
        int index = -1;
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i) == file) {
                index = i;
                break;
            }
        }
        if (index < 0) throw new IllegalArgumentException("file not in torrent " + session.layout().infohash() + ": " + file.getPathElements());
        BundleLayout.Entry e = session.layout().entry(index);
        if (e.size() != file.getSize()) throw new IllegalStateException("torrent layout disagrees with Bt at file " + index);
        u = e.pad() ? new PadUnit(e.size()) : new NarUnit(session, e);
        units.put(file, u);
        return u;
    }

    @Override
    public void flush() {}
}
