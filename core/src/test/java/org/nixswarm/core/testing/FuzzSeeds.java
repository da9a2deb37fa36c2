package org.nixswarm.core.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nixswarm.core.nar.NarWriter;
import org.nixswarm.core.narinfo.SampleNarInfos;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.HashAlgorithm;
import org.nixswarm.core.store.NixBase32;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.magnet.MagnetUri;
import org.nixswarm.core.torrent.Torrent;
import org.nixswarm.core.torrent.TorrentBuilder;

/**
 * Writes the seed corpora of core's fuzz targets from real data: narinfos from cache.nixos.org,
 * torrents from {@link TorrentBuilder}, NARs from {@link NarWriter}, keys, hashes and store paths
 * printed by core itself. Run once (bench/fuzz/seed.sh); the seeds are committed beside the corpus
 * that fuzzing grows, under {@code src/test/resources/<package>/<TestClass>Inputs/<method>/}.
 */
public final class FuzzSeeds {
    private final Path resources;

    private FuzzSeeds(Path resources) {
        this.resources = resources;
    }

    public static void main(String[] args) throws Exception {
        FuzzSeeds s = new FuzzSeeds(Path.of(args.length > 0 ? args[0] : "core/src/test/resources"));
        s.bencodeAndTorrents();
        s.narinfos();
        s.nars();
        s.storeAndKeys();
    }

    private void write(String testClass, String method, String name, byte[] data) throws IOException {
        int dot = testClass.lastIndexOf('.');
        Path dir = resources.resolve(testClass.substring(0, dot).replace('.', '/'))
                .resolve(testClass.substring(dot + 1) + "Inputs").resolve(method);
        Files.createDirectories(dir);
        Files.write(dir.resolve("seed-" + name), data);
    }

    private void write(String testClass, String method, String name, String text) throws IOException {
        write(testClass, method, name, text.getBytes(StandardCharsets.UTF_8));
    }

    private void bencodeAndTorrents() throws IOException {
        Random r = new Random(8);
        Map<String, Torrent> torrents = new LinkedHashMap<>();
        byte[] small = new byte[3000];
        r.nextBytes(small);
        torrents.put("single", new TorrentBuilder("hello.nar.xz").pieceLength(16384)
                .addFile(List.of("x"), small.length, () -> new ByteArrayInputStream(small)).build());
        TorrentBuilder bundle = new TorrentBuilder("nar").pieceLength(16384)
                .announce("http://127.0.0.1:6969/announce")
                .addAnnounceTier(List.of("http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969"))
                .addWebSeed("http://127.0.0.1:8080/").createdBy("nix-swarm").comment("fuzz seed")
                .creationDate(Instant.parse("2026-11-22T00:00:00Z"));
        for (int i = 0; i < 4; i++) {
            byte[] data = new byte[1000 + 7000 * i];
            r.nextBytes(data);
            String file = NixBase32.encode(Hash.sha256(data).digest()) + ".nar.xz";
            bundle.addFile(List.of(file), data.length, () -> new ByteArrayInputStream(data));
        }
        torrents.put("bundle", bundle.build());
        torrents.put("private-nopad", new TorrentBuilder("dir").pieceLength(32768).padFiles(false).privateFlag(true)
                .addFile(List.of("a", "b"), small.length, () -> new ByteArrayInputStream(small))
                .addFile(List.of("c"), 0, () -> new ByteArrayInputStream(new byte[0])).build());
        for (Map.Entry<String, Torrent> e : torrents.entrySet()) {
            write("org.nixswarm.core.torrent.TorrentFuzzTest", "read", e.getKey(), e.getValue().write());
            write("org.nixswarm.core.bencode.BencodeFuzzTest", "decode", "torrent-" + e.getKey(), e.getValue().write());
            MagnetUri m = MagnetUri.of(e.getValue()).withSelectOnly(List.of(0, 2, 3, 4));
            write("org.nixswarm.core.magnet.MagnetUriFuzzTest", "parse", e.getKey(), m.toString());
            write("org.nixswarm.core.torrent.TorrentFuzzTest", "infoHash", e.getKey() + "-hex", e.getValue().infoHash().hex());
            write("org.nixswarm.core.torrent.TorrentFuzzTest", "infoHash", e.getKey() + "-base32",
                    e.getValue().infoHash().base32());
        }
        write("org.nixswarm.core.magnet.MagnetUriFuzzTest", "parse", "numbered",
                "magnet:?xt=urn:btih:" + torrents.get("single").infoHash().base32()
                        + "&dn=a+b%20c&tr.1=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce&ws=http://x/&x.pe=127.0.0.1:1&so=1-3,7");
        String[] values = {"i0e", "i-42e", "i9223372036854775807e", "0:", "4:spam", "le", "de",
                "l4:spami42ee", "d3:cow3:moo4:spam4:eggse", "d1:ad1:bl1:ci1eeee", "lllleeee"};
        for (int i = 0; i < values.length; i++) write("org.nixswarm.core.bencode.BencodeFuzzTest", "decode", "value-" + i, values[i]);
    }

    private void narinfos() throws IOException {
        List<String> sample = SampleNarInfos.cacheNixosOrgSample();
        // a spread: every 50th of the 978 real narinfos (with and without Deriver, References, CA)
        for (int i = 0; i < sample.size(); i += 50) {
            write("org.nixswarm.core.narinfo.NarInfoParseFuzzTest", "parse", "cache-nixos-org-" + i, sample.get(i));
        }
        for (String text : sample) {
            if (text.contains("\nCA: ")) {
                write("org.nixswarm.core.narinfo.NarInfoParseFuzzTest", "parse", "cache-nixos-org-ca", text);
                break;
            }
        }
    }

    private void nars() throws IOException {
        Map<String, byte[]> nars = new LinkedHashMap<>();
        nars.put("file", nar(w -> w.regular(false, "hello\n".getBytes(StandardCharsets.US_ASCII))));
        nars.put("empty-exec", nar(w -> w.regular(true, new byte[0])));
        nars.put("tree", nar(w -> {
            w.startDirectory();
            w.entry("bin");
            w.startDirectory();
            w.entry("hello");
            w.regular(true, "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.US_ASCII));
            w.endEntry();
            w.entry("hi");
            w.symlink("hello");
            w.endEntry();
            w.endDirectory();
            w.endEntry();
            w.entry("lib");
            w.symlink("bin/../bin");
            w.endEntry();
            w.entry("share");
            w.startDirectory();
            w.entry("doc");
            w.regular(false, new byte[13]);
            w.endEntry();
            w.endDirectory();
            w.endEntry();
            w.endDirectory();
        }));
        nars.put("escaping-link", nar(w -> {
            w.startDirectory();
            w.entry("up");
            w.symlink("../../etc/passwd");
            w.endEntry();
            w.endDirectory();
        }));
        nars.put("root-link", nar(w -> w.symlink("/nix/store/x")));
        for (Map.Entry<String, byte[]> e : nars.entrySet()) {
            write("org.nixswarm.core.nar.NarFuzzTest", "readAndUnpack", e.getKey(), e.getValue());
        }
    }

    private interface NarBody {
        void write(NarWriter w) throws IOException;
    }

    private static byte[] nar(NarBody body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NarWriter w = new NarWriter(out);
        body.write(w);
        w.finish();
        return out.toByteArray();
    }

    private void storeAndKeys() throws IOException {
        List<String> paths = new ArrayList<>(List.of(
                "/nix/store/00bgd045z0d4icpbc2yyz4gx48ak44la-net-tools-1.60_p20170221182432",
                "/nix/store/2lch4mkw3wbrvm4ng2r2b5lzfb8g8v6v-hello-2.12.1.drv",
                "/nix/store/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-a+b-c_d?e=f.g"));
        for (int i = 0; i < paths.size(); i++) write("org.nixswarm.core.store.StoreFuzzTest", "storePath", "path-" + i, paths.get(i));
        byte[] data = "fuzz".getBytes(StandardCharsets.US_ASCII);
        for (HashAlgorithm a : HashAlgorithm.values()) {
            Hash h = Hash.of(a, data);
            String n = a.nixName();
            write("org.nixswarm.core.store.StoreFuzzTest", "hash", n + "-base32", h.toBase32String());
            write("org.nixswarm.core.store.StoreFuzzTest", "hash", n + "-base16", h.toBase16String().toUpperCase().replace(n.toUpperCase() + ":", n + ":"));
            write("org.nixswarm.core.store.StoreFuzzTest", "hash", n + "-sri", h.toSri());
            write("org.nixswarm.core.store.StoreFuzzTest", "base32", n, h.toBase32());
        }
        write("org.nixswarm.core.store.StoreFuzzTest", "base32", "path-hash", "00bgd045z0d4icpbc2yyz4gx48ak44la");
        write("org.nixswarm.core.store.StoreFuzzTest", "base32", "empty", "");
        SecretKey key = SecretKey.fromSeed("cache.example.org-1", new byte[32]);
        write("org.nixswarm.core.sign.SignFuzzTest", "secretKey", "generated", key.toNixFormat());
        write("org.nixswarm.core.sign.SignFuzzTest", "publicKey", "generated", key.publicKey().toNixFormat());
        write("org.nixswarm.core.sign.SignFuzzTest", "publicKey", "cache-nixos-org", SampleNarInfos.CACHE_NIXOS_ORG_KEY);
        write("org.nixswarm.core.sign.SignFuzzTest", "signature", "generated", key.sign("1;/nix/store/x"));
        String real = SampleNarInfos.cacheNixosOrgSample().get(0);
        int at = real.indexOf("\nSig: ");
        write("org.nixswarm.core.sign.SignFuzzTest", "signature", "cache-nixos-org",
                real.substring(at + 6, real.indexOf('\n', at + 1)));
        // the key the fuzz targets sign with, so that its genuine signature is reachable too
        write("org.nixswarm.core.sign.SignFuzzTest", "signature", "fuzz-key",
                SecretKey.fromSeed("fuzz-1", new byte[32]).sign("1;/nix/store/fuzz"));
    }
}
