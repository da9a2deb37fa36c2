package org.nixswarm.client.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only downloads worth resuming keep a piece-state file beside their partial file. */
class PieceStateTest {
    @TempDir Path dir;

    @Test
    void smallFilesKeepNoPieceStateLargeOnesDoAndResume() throws Exception {
        String hash = "1".repeat(52);
        try (NarCache cache = new NarCache(dir, 0)) {
            NarFile small = cache.file("small.nar", NarFile.RESUME_ABOVE, "sha256:" + hash);
            small.claimDownload();
            small.prepare(16384);
            assertTrue(Files.exists(dir.resolve("partial/small.nar.part")));
            assertFalse(Files.exists(dir.resolve("partial/small.nar.pieces")), "no state for a small file");

            NarFile large = cache.file("large.nar", NarFile.RESUME_ABOVE + 1, "sha256:" + hash);
            large.claimDownload();
            large.prepare(65536);
            assertTrue(Files.exists(dir.resolve("partial/large.nar.pieces")));
            large.writeVerifiedPiece(0, new byte[65536], NarFile.Source.PEER);
        }
        // after a restart, the large file's saved piece is claimed again (and re-hashed by the caller)
        try (NarCache cache = new NarCache(dir, 0)) {
            NarFile large = cache.file("large.nar", NarFile.RESUME_ABOVE + 1, "sha256:" + "1".repeat(52));
            large.claimDownload();
            BitSet claimed = large.prepare(65536);
            assertEquals(1, claimed.cardinality());
            assertTrue(claimed.get(0));
        }
    }
}
