package org.nixswarm.planner.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentBuilder;
import org.nixswarm.core.torrent.TorrentFile;
import org.nixswarm.planner.PlannerException;

/**
 * Writes a plan directory (docs/formats.md): one torrent per new bundle (hashing each NAR once,
 * streaming; the builder hashes files of a bundle in parallel within the memory budget), old
 * bundles' torrents copied unchanged, {@code manifest.json}, the signed {@code index.jsonl} and
 * {@code planner-key.pub}.
 */
public final class PlanWriter {
    public static final String INDEX_PREFIX = IndexEntry.DOMAIN;

    private final Path out;
    private final CacheSource cache;
    private final SecretKey key;
    private final List<String> trackers;
    private final String webSeed;
    private final int threads;
    private final long memoryBudget;
    private final ObjectMapper json = new ObjectMapper();
    private final ArrayNode bundles = json.createArrayNode();
    private final List<String> indexLines = new ArrayList<>();
    private final List<String> infohashes = new ArrayList<>();

    public PlanWriter(Path out, CacheSource cache, SecretKey key, List<String> trackers, String webSeed, int threads,
            long memoryBudget) {
        this.out = out;
        this.cache = cache;
        this.key = key;
        this.trackers = List.copyOf(trackers);
        this.webSeed = webSeed;
        this.threads = threads;
        this.memoryBudget = memoryBudget;
        try {
            Files.createDirectories(out.resolve("bundles"));
        } catch (IOException e) {
            throw new PlannerException("--out " + out + ": " + e.getMessage(), e);
        }
    }

    /** Hashes and writes a new bundle's torrent; returns its infohash. */
    public String writeNew(List<CachedPath> files, int pieceSize) {
        TorrentBuilder b = new TorrentBuilder("nar").pieceLength(pieceSize).padFiles(true).threads(threads)
                .memoryLimit(Math.max(memoryBudget, pieceSize));
        for (CachedPath p : files) b.addFile(List.of(p.fileName()), p.fileSize(), () -> cache.open(p.url()));
        if (!trackers.isEmpty()) {
            b.announce(trackers.get(0));
            b.addAnnounceTier(trackers);
        }
        if (webSeed != null) b.addWebSeed(webSeed);
        b.createdBy("nix-swarm planner");
        Torrent t;
        try {
            t = b.build();
        } catch (IOException e) {
            throw new PlannerException("hashing bundle of " + files.size() + " files (first "
                    + files.get(0).info().storePath() + "): " + e.getMessage(), e);
        }
        String ih = t.infoHash().hex();
        Path file = out.resolve("bundles").resolve(ih + ".torrent");
        try {
            Files.write(file, t.write());
        } catch (IOException e) {
            throw new PlannerException(file + ": " + e.getMessage(), e);
        }
        ObjectNode bn = bundles.addObject();
        bn.put("infohash", ih);
        bn.put("torrent", "bundles/" + ih + ".torrent");
        bn.put("pieceSize", t.pieceLength());
        bn.put("totalSize", t.totalLength());
        ArrayNode fa = bn.putArray("files");
        int i = 0;
        for (TorrentFile f : t.files()) {
            if (f.isPad()) continue;
            CachedPath p = files.get(i++);
            ObjectNode fn = fa.addObject();
            fn.put("storeHash", p.hashPart());
            fn.put("storePath", p.info().storePath().toString());
            fn.put("fileIndex", f.index());
            fn.put("path", p.url());
            fn.put("offset", f.offset());
            fn.put("size", f.length());
            if (!t.fullPath(f).equals(p.url())) throw new IllegalStateException("torrent path " + t.fullPath(f) + " != " + p.url());
            indexLines.add(indexLine(p, ih, f.index()));
        }
        infohashes.add(ih);
        return ih;
    }

    /** Carries an old bundle over unchanged; {@code present} are its files still in the cache. */
    public void keepOld(PreviousPlan prev, PreviousPlan.Bundle old, List<CachedPath> present,
            List<PreviousPlan.File> presentFiles, List<String> goneIndexLines) {
        Path from = prev.dir.resolve("bundles").resolve(old.infohash() + ".torrent");
        Path to = out.resolve("bundles").resolve(old.infohash() + ".torrent");
        try {
            if (!Files.exists(to) || !Files.isSameFile(from, to)) Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new PlannerException("copying " + from + ": " + e.getMessage(), e);
        }
        bundles.add(old.manifestEntry());
        for (int i = 0; i < present.size(); i++) {
            indexLines.add(indexLine(present.get(i), old.infohash(), presentFiles.get(i).fileIndex()));
        }
        indexLines.addAll(goneIndexLines);
        infohashes.add(old.infohash());
    }

    private String indexLine(CachedPath p, String infohash, int fileIndex) {
        return IndexEntry.signed(p.info().storePath(), InfoHash.parse(infohash), fileIndex, p.url(), p.fileSize(),
                p.text(), key).toJsonLine();
    }

    /** Writes manifest.json, index.jsonl and planner-key.pub; returns the generation id. */
    public String finish(String cacheUrl) {
        String generation = Instant.now().truncatedTo(ChronoUnit.SECONDS) + "-"
                + sha256Hex(String.join(",", infohashes)).substring(0, 6);
        ObjectNode root = json.createObjectNode();
        root.put("version", 1);
        root.put("generation", generation);
        root.put("cacheUrl", cacheUrl);
        ArrayNode tr = root.putArray("trackers");
        trackers.forEach(tr::add);
        root.put("plannerKey", key.publicKey().toNixFormat());
        root.set("bundles", bundles);
        try {
            Path tmp = out.resolve("manifest.json.tmp");
            json.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), root);
            Path itmp = out.resolve("index.jsonl.tmp");
            try (Writer w = Files.newBufferedWriter(itmp, StandardCharsets.UTF_8)) {
                for (String l : indexLines) w.write(l + "\n");
            }
            key.publicKey().writeFile(out.resolve("planner-key.pub"));
            Files.move(itmp, out.resolve("index.jsonl"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, out.resolve("manifest.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new PlannerException("writing the plan in " + out + ": " + e.getMessage(), e);
        }
        return generation;
    }

    public int indexEntries() {
        return indexLines.size();
    }

    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
