package org.nixswarm.client.faults;

import org.nixswarm.client.TestBundle;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.NotFoundException;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.testcache.StaticHttpServer;
import org.nixswarm.core.torrent.Torrent;

/** Forged inputs: a narinfo with a bad Sig, an index entry with a bad planner signature, a torrent that is not its infohash. */
class ForgedInputTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir Path tmp;

    @Test
    void anUpstreamNarinfoWithABadSigIsRefusedWithAClearError() throws Exception {
        Path root = tmp.resolve("cache");
        Files.createDirectories(root);
        try (StaticHttpServer up = new StaticHttpServer(root).start();
             TestBundle b = TestBundle.withWebSeedsOnly(root, new long[] {10_000, 10_000}, 16384, 31, List.of(up.baseUrl()))) {
            // path 0: a field changed under its signature; path 1: signed by a key nobody trusts
            Path p0 = root.resolve(b.hash(0) + ".narinfo");
            Files.writeString(p0, Files.readString(p0).replace("NarSize: ", "NarSize: 1"));
            SecretKey stranger = SecretKey.generate("fault-cache-1", new SecureRandom()); // same name, other key
            Files.writeString(root.resolve(b.hash(1) + ".narinfo"), b.narinfo(1).withoutSignatures().withSignature(stranger).print());
            ClientConfig cfg = ClientConfig.defaults(tmp.resolve("client"), TestBundle.freePort())
                    .withUpstream(up.baseUrl(), List.of(b.cacheKeyPublic()));
            try (SwarmClient c = new SwarmClient(cfg);
                 SubstituterServer s = new SubstituterServer(c, new InetSocketAddress("127.0.0.1", 0))) {
                for (int i = 0; i < 2; i++) {
                    String h = b.hash(i);
                    ClientException e = assertThrows(ClientException.class, () -> c.resolve(h));
                    assertEquals("upstream narinfo for " + h + " is not signed by a trusted key", e.getMessage());
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + "/" + h + ".narinfo"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(502, r.statusCode());
                    assertTrue(r.body().contains("not signed by a trusted key"), r.body());
                    assertFalse(Files.exists(tmp.resolve("client/narinfo/" + h + ".narinfo")), "a forged narinfo is never cached");
                }
            }
        }
    }

    @Test
    void anIndexEntryWithABadPlannerSignatureIsIgnored() throws Exception {
        try (TestBundle b = TestBundle.withWebSeedsOnly(tmp.resolve("cache"), new long[] {10_000}, 16384, 32, List.of("http://127.0.0.1:9/"))) {
            SecretKey forger = SecretKey.generate("fault-planner-1", new SecureRandom());
            b.entryFilter = n -> {
                // the same entry pointing at the forger's torrent, signed by the forger
                String ih = "ab".repeat(20);
                try {
                    n.put("infohash", ih);
                    return n.put("sig", forger.sign(b.signedMessage(n)));
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            };
            String index = b.startIndex();
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index))) {
                NotFoundException e = assertThrows(NotFoundException.class, () -> c.resolve(b.hash(0)));
                assertTrue(e.getMessage().contains(b.hash(0)), e.getMessage());
                assertFalse(Files.exists(tmp.resolve("client/narinfo/" + b.hash(0) + ".narinfo")));
                assertFalse(Files.exists(tmp.resolve("client/narinfo/" + b.hash(0) + ".index.json")), "a forged entry is never cached");
            }
            b.entryFilter = n -> n.put("sig", "fault-planner-1:" + "A".repeat(86) + "==");
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client2"), index))) {
                assertThrows(NotFoundException.class, () -> c.resolve(b.hash(0)), "a garbage signature");
            }
            b.entryFilter = n -> n;
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client3"), index))) {
                assertEquals(b.hash(0), c.resolve(b.hash(0)).narinfo().storeHash(), "control: the genuine entry is accepted");
            }
        }
    }

    /**
     * An entry the planner signed, but whose file index is not the file in the bundle's torrent
     * (past its end, or another file's; a negative one is refused when the entry is read): the file
     * comes from the upstream cache, not from whatever the index points at, and the download does
     * not fail (an index past the end used to fail it).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {99, 2})
    void aSignedEntryWithAWrongFileIndexIsFetchedFromUpstream(int fileIndex) throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {100_000, 30_000}, 16384, 34)) {
            b.entryFilter = n -> b.resign(n.put("fileIndex", fileIndex));
            String index = b.startIndex();
            ClientConfig cfg = b.config(tmp.resolve("client"), index).withUpstream(b.upstreamUrl(), List.of(b.cacheKeyPublic()));
            try (SwarmClient c = new SwarmClient(cfg)) {
                assertEquals(fileIndex, c.resolve(b.hash(0)).entry().fileIndex(), "the planner's signature holds");
                NarFile f = c.download(c.resolve(b.hash(0)));
                f.completion().get(20, TimeUnit.SECONDS);
                assertEquals(100_000, f.bytesFromUpstream());
                assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("client/nar/" + b.fileName(0))));
            }
        }
    }

    @Test
    void aTorrentThatIsNotItsInfohashIsRefusedAndTheFileComesFromUpstream() throws Exception {
        Path root = tmp.resolve("cache");
        Files.createDirectories(root);
        try (StaticHttpServer up = new StaticHttpServer(root).start();
             TestBundle b = TestBundle.withWebSeedsOnly(root, new long[] {100_000}, 16384, 33, List.of(up.baseUrl()))) {
            byte[] forged = flipAPieceHash(b.torrentBytes);
            assertNotEquals(b.infohash(), Torrent.read(forged).infoHash().hex(), "the forged info hashes differently");
            b.servedTorrent = forged;
            String index = b.startIndex();
            // no upstream: the forged bundle is the only way, so the download fails with a clear error
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("alone"), index))) {
                NarFile f = c.download(c.resolve(b.hash(0)));
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.completion().get(20, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("no usable bundle"), e.getCause().getMessage());
                assertFalse(Files.exists(tmp.resolve("alone/bundles/" + b.infohash() + ".torrent")), "forged torrent not kept");
                assertFalse(Files.exists(tmp.resolve("alone/nar/" + b.fileName(0))));
            }
            ClientConfig cfg = b.config(tmp.resolve("client"), index).withUpstream(up.baseUrl(), List.of(b.cacheKeyPublic()));
            try (SwarmClient c = new SwarmClient(cfg)) {
                NarFile f = c.download(c.resolve(b.hash(0)));
                f.completion().get(20, TimeUnit.SECONDS);
                assertEquals(100_000, f.bytesFromUpstream());
                assertEquals(0, f.bytesFromWebSeed() + f.bytesFromPeers(), "nothing through the forged bundle");
                assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("client/nar/" + b.fileName(0))));
                assertFalse(Files.exists(tmp.resolve("client/bundles/" + b.infohash() + ".torrent")));
            }
        }
    }

    /** The same torrent with one bit of its first piece hash flipped: still well formed, another infohash. */
    static byte[] flipAPieceHash(byte[] torrent) {
        String s = new String(torrent, StandardCharsets.ISO_8859_1);
        int k = s.indexOf("6:pieces");
        int colon = s.indexOf(':', k + 8);
        byte[] out = torrent.clone();
        out[colon + 1] ^= 1;
        return out;
    }
}
