package org.nixswarm.index.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.HashAlgorithm;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.torrent.InfoHash;
import org.nixswarm.index.testing.TestPlan;

/**
 * A large plan for benchmarks: realistic narinfos (5 references, a Sig line of the real length),
 * planner-signed entries, 1000 bundles named in the manifest without torrent files (hashing
 * gigabytes of bundle data would measure the torrent builder, not the index). Signs in parallel.
 */
public final class BenchPlan {
    public static void main(String[] args) throws Exception {
        write(Path.of(args[0]), Long.parseLong(args[1]), Integer.parseInt(args.length > 2 ? args[2] : "2"));
    }

    public static List<String> write(Path dir, long entries, int threads) throws Exception {
        Files.createDirectories(dir.resolve("bundles"));
        int bundles = 1000;
        List<InfoHash> ihs = new ArrayList<>();
        Random r = new Random(1);
        for (int i = 0; i < bundles; i++) {
            byte[] b = new byte[20];
            r.nextBytes(b);
            ihs.add(InfoHash.of(b));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = json.createObjectNode();
        manifest.put("version", 1);
        manifest.put("generation", "bench-" + entries);
        manifest.put("cacheUrl", TestPlan.CACHE_URL);
        manifest.putArray("trackers").add(TestPlan.TRACKER);
        manifest.put("plannerKey", TestPlan.PLANNER.publicKey().toNixFormat());
        ArrayNode ba = manifest.putArray("bundles");
        for (InfoHash ih : ihs) ba.addObject().put("infohash", ih.hex()).put("torrent", "bundles/" + ih.hex() + ".torrent");
        Files.write(dir.resolve("manifest.json"), json.writeValueAsBytes(manifest));
        Files.writeString(dir.resolve("planner-key.pub"), TestPlan.PLANNER.publicKey().toNixFormat() + "\n");
        List<String> sampleHashes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        int batch = 10_000;
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("index.jsonl"), StandardCharsets.UTF_8)) {
            List<Future<List<String>>> inFlight = new ArrayList<>();
            for (long start = 0; start < entries; start += batch) {
                long from = start;
                long to = Math.min(entries, start + batch);
                inFlight.add(pool.submit(() -> lines(from, to, ihs)));
                if (inFlight.size() >= threads * 2) drain(inFlight, w, sampleHashes);
            }
            drain(inFlight, w, sampleHashes);
        } finally {
            pool.shutdownNow();
        }
        return sampleHashes;
    }

    private static void drain(List<Future<List<String>>> inFlight, BufferedWriter w, List<String> sample) throws Exception {
        for (Future<List<String>> f : inFlight) {
            List<String> lines = f.get();
            for (String l : lines) {
                w.write(l);
                w.write('\n');
            }
            sample.add(IndexEntry.parse(lines.get(0)).storeHash());
        }
        inFlight.clear();
    }

    /**
     * An entry line for hash {@code h} shaped like {@code proto} (same narinfo fields and sizes),
     * its planner signature copied, not computed: for store benchmarks that skip verification.
     */
    static String line(long i, byte[] h, IndexEntry proto) {
        org.nixswarm.core.store.StorePath path = StorePath.of(h, "bench-package-" + i + "-1.2.3");
        String narinfo = proto.narinfo().replace(proto.storePath().toString(), path.toString());
        return new IndexEntry(path, proto.infohash(), (int) (i % 400) * 2, proto.filePath(), proto.fileSize(), narinfo,
                proto.sig()).toJsonLine();
    }

    private static List<String> lines(long from, long to, List<InfoHash> ihs) {
        Random r = new Random(from * 31 + 7);
        byte[] sig = new byte[64];
        List<String> out = new ArrayList<>((int) (to - from));
        for (long i = from; i < to; i++) {
            byte[] h = new byte[20];
            r.nextBytes(h);
            StorePath path = StorePath.of(h, "bench-package-" + i + "-1.2.3");
            byte[] fh = new byte[32];
            r.nextBytes(fh);
            byte[] nh = new byte[32];
            r.nextBytes(nh);
            r.nextBytes(sig);
            int size = 1000 + r.nextInt(200_000);
            Hash fileHash = new Hash(HashAlgorithm.SHA256, fh);
            NarInfo.Builder b = NarInfo.builder().storePath(path).url("nar/" + fileHash.toBase32() + ".nar.xz")
                    .compression("xz").fileHash(fileHash).fileSize(size)
                    .narHash(new Hash(HashAlgorithm.SHA256, nh)).narSize(size * 4L);
            for (int k = 0; k < 5; k++) {
                byte[] rh = new byte[20];
                r.nextBytes(rh);
                b.reference(StorePath.of(rh, "dependency-" + k + "-4.5"));
            }
            b.sig("cache.nixos.org-1:" + Base64.getEncoder().encodeToString(sig));
            NarInfo n = b.build();
            InfoHash ih = ihs.get((int) (i % ihs.size()));
            out.add(IndexEntry.signed(path, ih, (int) (i % 400) * 2, n.url(), size, n.print(), TestPlan.PLANNER).toJsonLine());
        }
        return out;
    }
}
