package org.nixswarm.client.volunteer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.nixswarm.client.net.BlockingGet;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.bencode.BValue;
import org.nixswarm.core.bencode.BencodeDecoder;

/**
 * HTTP tracker scrape (BEP 48): the seeder count of many infohashes in one request. The scrape
 * URL is the announce URL with its last {@code announce} replaced by {@code scrape}; a tracker
 * whose URL has no such part cannot be scraped.
 */
public final class Scraper {
    /** A scrape answer is ~60 bytes per infohash asked; far more means a broken or hostile tracker. */
    private static final int BYTES_PER_INFOHASH = 1024;
    private final Duration timeout;

    public Scraper(Duration timeout) {
        this.timeout = timeout;
    }

    static Optional<String> scrapeUrl(String announce) {
        int slash = announce.lastIndexOf('/');
        if (slash < 0 || !announce.startsWith("announce", slash + 1)) return Optional.empty();
        return Optional.of(announce.substring(0, slash + 1) + "scrape" + announce.substring(slash + 1 + "announce".length()));
    }

    /** Seeders ("complete") per infohash (hex); infohashes the tracker does not know are absent. */
    public Map<String, Integer> seeders(String announce, Collection<String> infohashes) throws IOException {
        String base = scrapeUrl(announce).orElseThrow(() -> new IOException(announce + " cannot be scraped (BEP 48)"));
        StringBuilder url = new StringBuilder(base).append(base.contains("?") ? '&' : '?');
        boolean first = true;
        for (String ih : infohashes) {
            if (!first) url.append('&');
            first = false;
            url.append("info_hash=");
            for (byte b : HexFormat.of().parseHex(ih)) url.append('%').append(String.format("%02X", b & 0xff));
        }
        // bounded in size and time (BlockingGet): the plan names the trackers, but a tracker streaming
        // an endless body was read whole for three timeouts, as fast as it could send
        BlockingGet.Response r = BlockingGet.get(url.toString(), timeout,
                (int) Math.min(Integer.MAX_VALUE - 8, Math.max(1L << 20, (long) infohashes.size() * BYTES_PER_INFOHASH)));
        if (r.status() != 200) throw new IOException(base + ": HTTP " + r.status());
        try {
            BValue v = BencodeDecoder.decode(r.body());
            if (!(v instanceof BValue.BDict d)) throw new IOException(base + ": the answer is not a dictionary");
            if (d.get("failure reason") instanceof BValue.BBytes why) throw new IOException(base + ": " + why.utf8());
            if (!(d.get("files") instanceof BValue.BDict files)) throw new IOException(base + ": the answer has no 'files'");
            Map<String, Integer> out = new HashMap<>();
            for (Map.Entry<String, BValue> e : files.entries().entrySet()) {
                byte[] key = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
                if (key.length != 20 || !(e.getValue() instanceof BValue.BDict stats)) continue;
                if (stats.get("complete") instanceof BValue.BInt c) out.put(HexFormat.of().formatHex(key), (int) Math.min(Integer.MAX_VALUE, c.value()));
            }
            return out;
        } catch (FormatException e) {
            throw new IOException(base + ": bad bencoding: " + e.getMessage());
        }
    }
}
