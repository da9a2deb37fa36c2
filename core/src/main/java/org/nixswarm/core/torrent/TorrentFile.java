package org.nixswarm.core.torrent;

import java.util.List;

/**
 * One entry of a torrent's file list, pad files included (they are entries of {@code info.files},
 * so they count in file indexes and BEP 53 {@code so=}).
 *
 * @param index      position in the torrent's file list, 0-based
 * @param path       path components below the torrent's root ({@code info.name} for multi-file
 *                   torrents); for a single-file torrent, just the name
 * @param length     size in bytes
 * @param offset     where the file starts in the concatenation of all files
 * @param attributes BEP 47 {@code attr} letters ({@code p} pad, {@code x} executable, {@code h}
 *                   hidden, {@code l} symlink), empty when absent
 */
public record TorrentFile(int index, List<String> path, long length, long offset, String attributes) {
    public TorrentFile {
        path = List.copyOf(path);
    }

    /** A BEP 47 pad file: zeros that only exist to align the next file on a piece boundary. */
    public boolean isPad() {
        return attributes.indexOf('p') >= 0;
    }

    public boolean isExecutable() {
        return attributes.indexOf('x') >= 0;
    }

    public boolean isHidden() {
        return attributes.indexOf('h') >= 0;
    }

    public boolean isSymlink() {
        return attributes.indexOf('l') >= 0;
    }

    /** The path components joined with {@code /}. */
    public String pathString() {
        return String.join("/", path);
    }

    /** The offset just past the file's last byte. */
    public long end() {
        return offset + length;
    }
}
