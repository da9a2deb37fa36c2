package org.nixswarm.index.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nixswarm.core.magnet.MagnetUri;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.index.IndexException;
import org.nixswarm.index.store.Segment;

/**
 * Renders the {@code /v1/path} answer by splicing bytes: the stored record is an index.jsonl line in
 * the canonical field order ({@code IndexEntry.toJsonLine}: storeHash, storePath, infohash,
 * fileIndex, filePath, fileSize, narinfo, sig), so the answer is the record with magnet, torrent and
 * generation inserted before {@code "narinfo"}. Everything that depends only on the segment (the
 * magnet's trackers and web seed, the generation) is rendered once; a request copies bytes and
 * parses nothing but the file index's digits. Inside a JSON string a quote is always escaped, so
 * the field markers below can only match the fields themselves.
 */
final class PathResponder {
    private static final String MAGNET_HEAD = "magnet:?xt=urn:btih:";
    private static final byte[] INFOHASH = ascii("\"infohash\":\"");
    private static final byte[] FILE_INDEX = ascii("\"fileIndex\":");
    private static final byte[] NARINFO = ascii(",\"narinfo\":");
    private static final byte[] MAGNET_OPEN = ascii(",\"magnet\":\"" + MAGNET_HEAD);
    private static final byte[] TORRENT_OPEN = ascii("\",\"torrent\":\"/v1/bundle/");
    private static final int HEX = 40;

    /** Per segment: the magnet after the infohash up to {@code &so=}, and {@code ","generation":"…"}. */
    private record Rendered(byte[] magnetTail, byte[] generation) {}

    private final Map<Segment, Rendered> rendered = new IdentityHashMap<>();

    PathResponder(List<Segment> segments) {
        for (Segment s : segments) {
            String probe = MagnetUri.of(InfoHash.parse("0".repeat(HEX))).withTrackers(s.meta().trackers())
                    .withWebSeeds(List.of(s.meta().cacheUrl())).withSelectOnly(List.of(0)).toString();
            if (!probe.startsWith(MAGNET_HEAD) || !probe.endsWith("&so=0")) {
                throw new IllegalStateException("unexpected magnet layout " + probe);
            }
            String tail = probe.substring(MAGNET_HEAD.length() + HEX, probe.length() - 1);
            byte[] generation = ascii("\",\"generation\":\"" + new String(
                    JsonStringEncoder.getInstance().quoteAsString(s.meta().generation())) + "\"");
            rendered.put(s, new Rendered(json(tail), generation));
        }
    }

    /** The JSON answer for a record of {@code segment}, in a buffer from {@code alloc}. */
    ByteBuf render(Segment segment, byte[] record, ByteBufAllocator alloc) {
        Rendered r = rendered.get(segment);
        int ih = find(record, INFOHASH, 0);
        int fi = ih < 0 ? -1 : find(record, FILE_INDEX, ih);
        int split = fi < 0 ? -1 : find(record, NARINFO, fi);
        if (r == null || split < 0 || ih + INFOHASH.length + HEX > record.length) {
            throw new IndexException("index segment " + segment.file() + ": a record is not a canonical index entry");
        }
        int ihStart = ih + INFOHASH.length;
        int digits = fi + FILE_INDEX.length;
        int digitsEnd = digits;
        while (digitsEnd < split && record[digitsEnd] >= '0' && record[digitsEnd] <= '9') digitsEnd++;
        ByteBuf buf = alloc.buffer(record.length + MAGNET_OPEN.length + TORRENT_OPEN.length + 2 * HEX
                + r.magnetTail.length + r.generation.length + 16);
        buf.writeBytes(record, 0, split);
        buf.writeBytes(MAGNET_OPEN);
        buf.writeBytes(record, ihStart, HEX);
        buf.writeBytes(r.magnetTail);
        buf.writeBytes(record, digits, digitsEnd - digits);
        buf.writeBytes(TORRENT_OPEN);
        buf.writeBytes(record, ihStart, HEX);
        buf.writeBytes(r.generation);
        buf.writeBytes(record, split, record.length - split);
        return buf;
    }

    private static int find(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from, last = hay.length - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private static byte[] json(String s) {
        return JsonStringEncoder.getInstance().quoteAsUTF8(s);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
