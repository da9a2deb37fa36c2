package org.nixswarm.core.torrent;

import java.util.ArrayList;
import java.util.List;
import org.nixswarm.core.FormatException;

/**
 * Where each file of a torrent lies in the concatenated data, with or without BEP 47 pad files,
 * computed from the sizes alone (no hashing), so that a planner can compare piece sizes cheaply.
 * With pad files each real file but the last is followed by a pad up to the next piece boundary
 * (none when it already ends on one), so every real file starts on a piece boundary.
 *
 * @param pieceLength the piece length it was computed for
 * @param entries     every entry of {@code info.files} in order, pads included
 * @param totalSize   the length of the concatenated data, pads included
 * @param pieceCount  the number of pieces
 */
public record TorrentLayout(int pieceLength, List<Entry> entries, long totalSize, int pieceCount) {

    /**
     * One entry of the file list.
     *
     * @param index     its index in {@code info.files} (pads count)
     * @param realIndex the index of the real file it is, among the sizes given, or -1 for a pad
     */
    public record Entry(int index, int realIndex, long offset, long length) {
        public boolean isPad() {
            return realIndex < 0;
        }

        public long end() {
            return offset + length;
        }
    }

    public TorrentLayout {
        entries = List.copyOf(entries);
    }

    /** Lays out files of these sizes, in this order. */
    public static TorrentLayout compute(List<Long> sizes, int pieceLength, boolean padFiles) {
        Torrent.checkPieceLength(pieceLength, "piece length");
        if (sizes.isEmpty()) throw new FormatException("torrent layout: no files");
        List<Entry> entries = new ArrayList<>(sizes.size() * (padFiles ? 2 : 1));
        long offset = 0;
        for (int i = 0; i < sizes.size(); i++) {
            long size = sizes.get(i);
            if (size < 0) throw new FormatException("torrent layout: file " + i + " has negative size " + size);
            entries.add(new Entry(entries.size(), i, offset, size));
            offset = add(offset, size);
            long tail = size % pieceLength;
            if (padFiles && i < sizes.size() - 1 && tail != 0) {
                long pad = pieceLength - tail;
                entries.add(new Entry(entries.size(), -1, offset, pad));
                offset = add(offset, pad);
            }
        }
        if (offset == 0) throw new FormatException("torrent layout: all files are empty");
        return new TorrentLayout(pieceLength, entries, offset, (int) ((offset + pieceLength - 1) / pieceLength));
    }

    /** The real files only, in the order of the sizes given: {@code realFiles().get(i)} is file i. */
    public List<Entry> realFiles() {
        return entries.stream().filter(e -> !e.isPad()).toList();
    }

    /** Bytes spent on pad files. */
    public long padBytes() {
        return entries.stream().filter(Entry::isPad).mapToLong(Entry::length).sum();
    }

    /** The pieces holding some byte of an entry. */
    public PieceSpan pieces(Entry e) {
        return PieceSpan.of(e.offset(), e.length(), pieceLength);
    }

    private static long add(long offset, long size) {
        long sum = offset + size;
        if (sum > Torrent.MAX_TOTAL_SIZE || sum < 0) {
            throw new FormatException("torrent layout: total size exceeds " + Torrent.MAX_TOTAL_SIZE + " bytes");
        }
        return sum;
    }
}
