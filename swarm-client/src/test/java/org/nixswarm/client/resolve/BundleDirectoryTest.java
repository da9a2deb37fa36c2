package org.nixswarm.client.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.TestBundle;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.sign.PublicKey;

/**
 * A bundle's directory ({@code /v1/bundle/<ih>/entries}) resolves the bundle's other paths without
 * a lookup each, with every entry checked as a prefix answer's would be, and never stands in for
 * the index's word on a path it does not list.
 */
class BundleDirectoryTest {
    @TempDir Path tmp;
    private TestBundle b;
    private IndexClient client;
    private String indexUrl;

    @BeforeEach
    void start() throws Exception {
        b = new TestBundle(tmp.resolve("cache"), new long[] {10_000, 20_000, 30_000, 15_000, 5_000, 25_000}, 16384, 17);
        indexUrl = b.startIndex();
        client = new IndexClient(indexUrl, List.of(PublicKey.parse(b.plannerKeyPublic())), Duration.ofSeconds(5),
                Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        b.close();
    }

    @Test
    void theBundlesOtherPathsResolveWithoutALookupEach() throws Exception {
        IndexEntry first = client.lookup(b.hash(0)).orElseThrow();
        assertEquals(1, b.prefixRequests.get());
        client.learnBundle(first.infohash().hex(), Runnable::run);
        assertEquals(1, b.directoryRequests.get());
        for (int i = 1; i < 6; i++) {
            IndexEntry e = client.lookup(b.hash(i)).orElseThrow();
            assertEquals(b.hash(i), e.storeHash());
            assertEquals("nar/" + b.fileName(i), e.filePath());
            assertEquals(b.entry(i).get("sig").asText(), e.sig()); // the planner's own entry
        }
        assertEquals(1, b.prefixRequests.get(), "no lookup for the bundle's other paths");
        client.learnBundle(first.infohash().hex(), Runnable::run);
        assertEquals(1, b.directoryRequests.get(), "a known directory is not fetched again");
    }

    @Test
    void aLookupWaitsForTheDirectoryBeingFetchedRatherThanAskTheIndex() throws Exception {
        IndexClient c = new IndexClient(indexUrl, List.of(PublicKey.parse(b.plannerKeyPublic())), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(10));
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        // the fetch starts only once the lookup below is waiting for it (Nix asking for the
        // references of a path whose bundle's directory has just been sent for)
        c.learnBundle(b.infohash(), task -> new Thread(() -> {
            try {
                go.await();
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            task.run();
        }).start());
        go.countDown();
        assertEquals(b.hash(3), c.lookup(b.hash(3)).orElseThrow().storeHash());
        assertEquals(0, b.prefixRequests.get(), "answered from the directory it waited for");
        assertEquals(1, b.directoryRequests.get());
    }

    @Test
    void aPathTheDirectoryDoesNotListIsStillAskedOfTheIndex() throws Exception {
        client.learnBundle(b.infohash(), Runnable::run);
        String stranger = "0".repeat(31) + "1";
        assertEquals(Optional.empty(), client.lookup(stranger));
        assertEquals(1, b.prefixRequests.get(), "the index, not the directory, says a path is in no bundle");
    }

    @Test
    void aForgedDirectoryEntryIsRefusedAndTheIndexAnswersForIt() throws Exception {
        UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode> forge =
                n -> n.get("storeHash").asText().equals(b.hash(2)) ? n.put("fileSize", 1) : n;
        b.entryFilter = forge;
        client.learnBundle(b.infohash(), Runnable::run);
        b.entryFilter = UnaryOperator.identity();
        // the forged one is refused (its signature no longer covers it) and the prefix answer serves
        IndexEntry e = client.lookup(b.hash(2)).orElseThrow();
        assertEquals(30_000, e.fileSize());
        assertEquals(1, b.prefixRequests.get());
        // the genuine ones of the same directory still serve
        assertEquals(b.hash(3), client.lookup(b.hash(3)).orElseThrow().storeHash());
        assertEquals(1, b.prefixRequests.get(), "entry 3 came from the directory (or the prefix answer already had)");
    }

    @Test
    void anIndexWithoutDirectoriesIsAskedByPrefixAndNotAskedForDirectoriesAgainAtOnce() throws Exception {
        // an index from before directories takes "<ih>/entries" for a bad infohash: 400, and a
        // failed lookup charged to this client; any bundle's directory would be refused alike
        b.directoryStatus = 400;
        client.learnBundle(b.infohash(), Runnable::run);
        assertEquals(1, b.directoryRequests.get());
        for (int i = 0; i < 6; i++) assertEquals(b.hash(i), client.lookup(b.hash(i)).orElseThrow().storeHash());
        long prefixes = java.util.stream.IntStream.range(0, 6).mapToObj(i -> IndexClient.prefixOf(b.hash(i))).distinct().count();
        assertEquals(prefixes, b.prefixRequests.get(), "one lookup per prefix, as without directories");
        client.learnBundle(b.infohash(), Runnable::run);
        client.learnBundle("ab".repeat(20), Runnable::run);
        assertEquals(1, b.directoryRequests.get(), "no directory asked of this index for a while, of any bundle");
    }

    @Test
    void anUnknownBundleIsNotAskedForAgainAtOnceAndOthersStillAre() throws Exception {
        client.learnBundle("ab".repeat(20), Runnable::run); // 404: a bundle no plan lists
        client.learnBundle("ab".repeat(20), Runnable::run);
        assertEquals(1, b.directoryRequests.get());
        client.learnBundle(b.infohash(), Runnable::run);
        assertEquals(2, b.directoryRequests.get(), "the 404 was about that bundle only");
    }

    @Test
    void aDirectoryAnswersOnlyForItsOwnBundle() throws Exception {
        // a validly signed entry of another bundle (an older generation's, say) in this directory
        b.entryFilter = n -> {
            if (!n.get("storeHash").asText().equals(b.hash(4))) return n;
            n.put("infohash", "cd".repeat(20));
            try {
                return n.put("sig", b.plannerKey.sign(b.signedMessage(n)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        client.learnBundle(b.infohash(), Runnable::run);
        b.entryFilter = UnaryOperator.identity();
        IndexEntry e = client.lookup(b.hash(4)).orElseThrow();
        assertEquals(b.infohash(), e.infohash().hex(), "the prefix answer's entry, not the other bundle's");
        assertEquals(1, b.prefixRequests.get());
    }
}
