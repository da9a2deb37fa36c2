package org.nixswarm.core.torrent;

/**
 * The pieces {@code [first, end)} that hold some byte of a file (empty for an empty file). With pad
 * files every real file starts on a piece boundary, so no other real file shares these pieces.
 */
public record PieceSpan(int first, int end) {
    public PieceSpan {
        if (first < 0 || end < first) throw new IllegalArgumentException("bad piece span [" + first + ", " + end + ")");
    }

    public int count() {
        return end - first;
    }

    public boolean isEmpty() {
        return end == first;
    }

    public boolean contains(int piece) {
        return piece >= first && piece < end;
    }

    static PieceSpan of(long offset, long length, int pieceLength) {
        if (length == 0) {
            int at = (int) (offset / pieceLength);
            return new PieceSpan(at, at);
        }
        return new PieceSpan((int) (offset / pieceLength), (int) ((offset + length - 1) / pieceLength) + 1);
    }
}
