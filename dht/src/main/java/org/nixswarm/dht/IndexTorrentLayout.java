package org.nixswarm.dht;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentFile;

/**
 * The contract between the index publisher and every resolver (docs/formats.md, "Index in the
 * DHT"). The index torrent is named {@value #NAME}; its files are
 * {@code shards/<hex prefix>.jsonl} — the index.jsonl lines (planner-signed) of every entry whose
 * 20-byte store hash starts with that prefix, one prefix length for all shards, only non-empty
 * shards present — and {@code planner-keys.txt}, the planner keys (Nix format, one a line) that
 * signed them. Each file is a whole number of pieces (padded with newlines, which both formats
 * ignore), so a shard verifies on its own.
 * The publisher's BEP 44 mutable item (salt {@link #SALT}) holds {@code {"ih": <20-byte infohash>}}
 * as in BEP 46.
 */
public final class IndexTorrentLayout {
    public static final String NAME = "nix-swarm-index";
    public static final String PLANNER_KEYS = "planner-keys.txt";
    public static final byte[] SALT = "nix-swarm-index-1".getBytes(StandardCharsets.US_ASCII);

    private IndexTorrentLayout() {}

    /** The shard file name for a store hash at {@code digits} hex digits of prefix. */
    public static String shardPath(byte[] storeHash, int digits) {
        return "shards/" + HexFormat.of().formatHex(storeHash).substring(0, digits) + ".jsonl";
    }

    /** The prefix length of a published index torrent (all its shards share it). */
    public static int prefixDigits(Torrent t) {
        for (TorrentFile f : t.realFiles()) {
            if (f.path().size() == 2 && f.path().get(0).equals("shards") && f.path().get(1).endsWith(".jsonl")) {
                return f.path().get(1).length() - ".jsonl".length();
            }
        }
        return 0;
    }

    public static Optional<TorrentFile> file(Torrent t, String path) {
        return t.realFiles().stream().filter(f -> f.pathString().equals(path)).findFirst();
    }

    /** The BEP 46 value: {@code {"ih": <20 bytes>}}. */
    public static BValue pointer(InfoHash infohash) {
        return new BValue.BDict(Map.of("ih", new BValue.BBytes(infohash.bytes())));
    }

    public static Optional<InfoHash> pointedTo(BValue value) {
        if (value instanceof BValue.BDict d && d.get("ih") instanceof BValue.BBytes b && b.length() == 20) {
            return Optional.of(InfoHash.of(b.bytes()));
        }
        return Optional.empty();
    }
}
