package org.nixswarm.client.swarm;

import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import bt.metainfo.TorrentId;
import bt.metainfo.TorrentSource;
import bt.tracker.AnnounceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bt's torrent with every file entry made distinct. Bt 1.10 compares files by path and size and
 * puts them in maps ({@code DefaultDataDescriptor}: "Duplicate key DefaultTorrentFile"), so a
 * bundle with two BEP 47 pads of the same size ({@code .pad/N}, common: pads depend only on a
 * file's tail) cannot even start. Identity-compared wrappers fix that without touching the info
 * dictionary, so the infohash and the swarm stay the same.
 */
final class DistinctFilesTorrent implements Torrent {
    private final Torrent delegate;
    private final List<TorrentFile> files;

    DistinctFilesTorrent(Torrent delegate) {
        this.delegate = delegate;
        List<TorrentFile> fs = new ArrayList<>();
        for (TorrentFile f : delegate.getFiles()) fs.add(new Distinct(f.getSize(), List.copyOf(f.getPathElements())));
        this.files = List.copyOf(fs);
    }

    /** Equality is identity (Object's), on purpose. */
    private static final class Distinct implements TorrentFile {
        private final long size;
        private final List<String> path;

        Distinct(long size, List<String> path) {
            this.size = size;
            this.path = path;
        }

        @Override
        public long getSize() { return size; }

        @Override
        public List<String> getPathElements() { return path; }

        @Override
        public String toString() { return String.join("/", path) + " (" + size + " bytes)"; }
    }

    @Override public TorrentSource getSource() { return delegate.getSource(); }
    @Override public Optional<AnnounceKey> getAnnounceKey() { return delegate.getAnnounceKey(); }
    @Override public TorrentId getTorrentId() { return delegate.getTorrentId(); }
    @Override public String getName() { return delegate.getName(); }
    @Override public long getChunkSize() { return delegate.getChunkSize(); }
    @Override public Iterable<byte[]> getChunkHashes() { return delegate.getChunkHashes(); }
    @Override public long getSize() { return delegate.getSize(); }
    @Override public List<TorrentFile> getFiles() { return files; }
    @Override public boolean isPrivate() { return delegate.isPrivate(); }
    @Override public Optional<Instant> getCreationDate() { return delegate.getCreationDate(); }
    @Override public Optional<String> getCreatedBy() { return delegate.getCreatedBy(); }
}
