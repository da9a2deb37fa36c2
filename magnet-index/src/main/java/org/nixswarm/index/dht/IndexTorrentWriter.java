package org.nixswarm.index.dht;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentBuilder;
import org.nixswarm.dht.IndexTorrentLayout;
import org.nixswarm.index.IndexException;
import org.nixswarm.index.MagnetIndex;
import org.nixswarm.index.plan.LoadedPlan;

/**
 * Writes the loaded index as the files of an index torrent ({@link IndexTorrentLayout}): one shard
 * per hex prefix, the prefix as short as keeps shards near {@value #TARGET_SHARD_ENTRIES} entries
 * (never under 2 digits: a shard then reveals little about which path a client wants), and the
 * planner keys. Returns the torrent; its data lives under {@code dir}.
 *
 * <p>Every file is padded with newlines (blank lines mean nothing in either format) to a whole
 * number of pieces, so each shard starts on a piece boundary and verifies on its own, without
 * BEP 47 pad files: Bt 1.10 cannot load a torrent with two pad files of the same size.
 */
public final class IndexTorrentWriter {
    static final int TARGET_SHARD_ENTRIES = 512;
    static final int PIECE = 16 * 1024;

    private IndexTorrentWriter() {}

    public static int prefixDigits(long entries) {
        int d = 2;
        while (d < 8 && entries / Math.pow(16, d) > TARGET_SHARD_ENTRIES) d++;
        return d;
    }

    private static void padToPiece(Path file) throws IOException {
        long size = Files.size(file);
        int pad = (int) ((PIECE - size % PIECE) % PIECE);
        if (pad == 0) return;
        byte[] newlines = new byte[pad];
        java.util.Arrays.fill(newlines, (byte) '\n');
        Files.write(file, newlines, java.nio.file.StandardOpenOption.APPEND);
    }

    /** @param dir the torrent's data root; the files go to {@code dir/nix-swarm-index/...} */
    public static Torrent write(MagnetIndex index, Path dir) {
        int digits = prefixDigits(index.size());
        Path root = dir.resolve(IndexTorrentLayout.NAME);
        try {
            Files.createDirectories(root.resolve("shards"));
            TorrentBuilder builder = new TorrentBuilder(IndexTorrentLayout.NAME).pieceLength(PIECE).padFiles(false)
                    .createdBy("nix-swarm index");
            Set<String> keys = new LinkedHashSet<>();
            for (LoadedPlan p : index.plans()) keys.add(p.segment().meta().plannerKey());
            Path keysFile = root.resolve(IndexTorrentLayout.PLANNER_KEYS);
            Files.writeString(keysFile, String.join("\n", keys) + "\n");
            padToPiece(keysFile);
            builder.addFile(List.of(IndexTorrentLayout.PLANNER_KEYS), keysFile);
            long shards = 1L << (4 * digits);
            byte[] prefix = new byte[20];
            for (long s = 0; s < shards; s++) {
                String hex = String.format("%0" + digits + "x", s);
                byte[] given = HexFormat.of().parseHex(digits % 2 == 0 ? hex : hex + "0");
                java.util.Arrays.fill(prefix, (byte) 0);
                System.arraycopy(given, 0, prefix, 0, given.length);
                List<byte[]> lines = index.prefix(prefix, digits * 4);
                if (lines.isEmpty()) continue;
                Path shard = root.resolve("shards").resolve(hex + ".jsonl");
                try (OutputStream out = Files.newOutputStream(shard)) {
                    for (byte[] l : lines) {
                        out.write(l);
                        out.write('\n');
                    }
                }
                padToPiece(shard);
                builder.addFile(List.of("shards", hex + ".jsonl"), shard);
            }
            return builder.build();
        } catch (IOException e) {
            throw new IndexException("cannot write the index torrent under " + dir + ": " + e.getMessage(), e);
        }
    }
}
