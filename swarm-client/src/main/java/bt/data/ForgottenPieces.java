package bt.data;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes pieces back out of Bt's record of what this client holds. Bt 1.10 can only add to it: a
 * file the cache evicted stayed "verified" in its bundle's bitfield, so asked for again it was
 * never requested from peers (Bt neither assigns nor requests a piece it believes it has) and
 * came from the web seed or not at all. In Bt's package because the bitfield's set is protected.
 */
public final class ForgottenPieces {
    // Bt counts each file's verified pieces down towards a completion callback and throws when a
    // count goes below zero: a piece verified a second time must be counted back up first. These
    // are private in Bt 1.10 (pinned); without them only that count is left as it was.
    private static final Field COUNTDOWN_FILES = field(LocalBitfield.class, "countdownFiles");
    private static final Field COUNTDOWN = field(CompletableTorrentFile.class, "countdown");

    private ForgottenPieces() {}

    /** Unmarks {@code piece} in {@code bitfield} and forgets its received blocks. */
    public static void forget(LocalBitfield bitfield, ChunkDescriptor chunk, int piece) {
        bitfield.validatePieceIndex(piece);
        boolean held;
        bitfield.lock.writeLock().lock();
        try {
            held = bitfield.bitmask.get(piece);
            bitfield.bitmask.clear(piece);
        } finally {
            bitfield.lock.writeLock().unlock();
        }
        if (chunk != null) chunk.clear();
        if (held) countBackUp(bitfield, piece);
    }

    @SuppressWarnings("unchecked")
    private static void countBackUp(LocalBitfield bitfield, int piece) {
        if (COUNTDOWN_FILES == null || COUNTDOWN == null) return;
        try {
            var files = (Optional<List<List<CompletableTorrentFile>>>) COUNTDOWN_FILES.get(bitfield);
            if (files == null || files.isEmpty()) return;
            for (CompletableTorrentFile f : files.get().get(piece)) ((AtomicLong) COUNTDOWN.get(f)).incrementAndGet();
        } catch (IllegalAccessException | ClassCastException e) {
            // a different Bt: the piece is still forgotten, only its file's countdown is off
        }
    }

    private static Field field(Class<?> c, String name) {
        try {
            Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
