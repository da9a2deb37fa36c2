package org.nixswarm.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.core.index.IndexEntry;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.index.plan.LoadedPlan;
import org.nixswarm.index.plan.PlanLoader;
import org.nixswarm.index.testing.TestPlan;

class PlanLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void tenThousandEntriesLoadVerifiedAndAreAllFoundThenTheSegmentIsReused() throws Exception {
        TestPlan.Written plan = TestPlan.write(tmp.resolve("plan"), 10_000, 4, 1, "2026-11-22T00:00:00Z-a");
        PlanLoader loader = new PlanLoader(tmp.resolve("store"), Optional.empty(), 2);
        LoadedPlan loaded = loader.load(plan.dir());
        assertEquals(10_000, loaded.report().accepted());
        assertEquals(0, loaded.report().rejected());
        assertFalse(loaded.report().reused());
        MagnetIndex index = new MagnetIndex(List.of(loaded));
        for (IndexEntry e : plan.entries()) {
            MagnetIndex.Found f = index.lookup(e.storePath().hashBytes()).orElseThrow(() -> new AssertionError(e.storePath()));
            assertEquals(e, f.entry());
        }
        LoadedPlan again = loader.load(plan.dir());
        assertTrue(again.report().reused());
        assertEquals(10_000, again.segment().count());
    }

    @Test
    void badSignaturesAndMalformedEntriesAreReportedByLineAndNotServed() throws Exception {
        TestPlan.Written plan = TestPlan.write(tmp.resolve("plan"), 20, 2, 2, "g");
        Path index = plan.dir().resolve("index.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(index));
        IndexEntry e0 = plan.entries().get(0);
        IndexEntry e1 = plan.entries().get(1);
        IndexEntry e2 = plan.entries().get(2);
        IndexEntry e3 = plan.entries().get(3);
        // line 1: signed over another file index (the mapping was tampered with)
        lines.set(0, e0.withSig(e0.sig()).toJsonLine().replace("\"fileIndex\":" + e0.fileIndex(), "\"fileIndex\":" + (e0.fileIndex() + 2)));
        // line 2: signed by another key
        SecretKey other = SecretKey.generate("test-planner-1", new SecureRandom());
        lines.set(1, IndexEntry.signed(e1.storePath(), e1.infohash(), e1.fileIndex(), e1.filePath(), e1.fileSize(), e1.narinfo(), other).toJsonLine());
        // line 3: not JSON
        lines.set(2, "{\"storeHash\": ");
        // line 4: the narinfo text changed after signing
        lines.set(3, e3.toJsonLine().replace("Compression: xz", "Compression: bzip2"));
        Files.write(index, lines, StandardCharsets.UTF_8);
        LoadedPlan loaded = new PlanLoader(tmp.resolve("store"), Optional.empty(), 2).load(plan.dir());
        assertEquals(16, loaded.report().accepted());
        assertEquals(4, loaded.report().rejected());
        String problems = String.join("\n", loaded.report().problems());
        assertTrue(problems.contains("line 1: ") && problems.contains("line 2: ") && problems.contains("line 3: ")
                && problems.contains("line 4: "), problems);
        assertTrue(problems.contains("planner signature does not verify"), problems);
        MagnetIndex idx = new MagnetIndex(List.of(loaded));
        for (IndexEntry bad : List.of(e0, e1, e2, e3)) assertTrue(idx.lookup(bad.storePath().hashBytes()).isEmpty());
        assertTrue(idx.lookup(plan.entries().get(4).storePath().hashBytes()).isPresent());
    }

    @Test
    void aDamagedSegmentIsRebuiltFromThePlanNotServed() throws Exception {
        TestPlan.Written plan = TestPlan.write(tmp.resolve("plan"), 40, 2, 9, "g");
        PlanLoader loader = new PlanLoader(tmp.resolve("store"), Optional.empty(), 1);
        LoadedPlan first = loader.load(plan.dir());
        Path file = first.segment().file();
        byte[] bytes = Files.readAllBytes(file);
        bytes[100] ^= 1; // in the meta: caught by the checksum on open
        Files.write(file, bytes);
        IndexException e = assertThrows(IndexException.class, () -> org.nixswarm.index.store.Segment.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("checksum"), e.getMessage());
        LoadedPlan again = loader.load(plan.dir());
        assertFalse(again.report().reused());
        assertEquals(40, again.report().accepted());
        MagnetIndex index = new MagnetIndex(List.of(again));
        for (IndexEntry x : plan.entries()) assertEquals(x, index.lookup(x.storePath().hashBytes()).orElseThrow().entry());
        assertTrue(loader.load(plan.dir()).report().reused());
    }

    @Test
    void theSamePlanAtAnotherPathReusesTheVerifiedSegmentAndAChangedOneDoesNot() throws Exception {
        TestPlan.Written plan = TestPlan.write(tmp.resolve("plan"), 30, 2, 4, "g");
        PlanLoader loader = new PlanLoader(tmp.resolve("store"), Optional.empty(), 1);
        LoadedPlan first = loader.load(plan.dir());
        assertFalse(first.report().reused());
        assertEquals(64, first.segment().meta().source().length());
        Path copy = tmp.resolve("deployed/elsewhere");
        copyTree(plan.dir(), copy); // new path and modification times, same bytes
        LoadedPlan moved = loader.load(copy);
        assertTrue(moved.report().reused(), moved.report().summary());
        assertEquals(30, moved.segment().count());
        assertTrue(loader.load(copy).report().reused());
        // one line less: another plan, verified from scratch
        Path changed = tmp.resolve("changed");
        copyTree(plan.dir(), changed);
        List<String> lines = Files.readAllLines(changed.resolve("index.jsonl"));
        Files.write(changed.resolve("index.jsonl"), lines.subList(0, 29));
        LoadedPlan other = loader.load(changed);
        assertFalse(other.report().reused());
        assertEquals(29, other.segment().count());
        assertEquals(30, loader.load(copy).segment().count());
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    @Test
    void aPlanByAnUntrustedPlannerKeyIsRefused() throws Exception {
        TestPlan.Written plan = TestPlan.write(tmp.resolve("plan"), 3, 1, 3, "g");
        SecretKey pinned = SecretKey.generate("someone-else-1", new SecureRandom());
        IndexException e = assertThrows(IndexException.class, () ->
                new PlanLoader(tmp.resolve("store"), Optional.of(pinned.publicKey()), 1).load(plan.dir()));
        assertTrue(e.getMessage().contains("only someone-else-1"), e.getMessage());
    }

    @Test
    void aMissingManifestNamesTheFile() {
        IndexException e = assertThrows(IndexException.class, () ->
                new PlanLoader(tmp.resolve("store"), Optional.empty(), 1).load(tmp.resolve("nothing")));
        assertTrue(e.getMessage().contains("manifest.json"), e.getMessage());
    }

    @Test
    void aManifestFileWithABadStoreHashNamesTheField() throws Exception {
        TestPlan.Written plan = TestPlan.write(tmp.resolve("plan-bad-hash"), 4, 2, 5, "g");
        Path m = plan.dir().resolve("manifest.json");
        String good = plan.entries().get(0).storeHash();
        Files.writeString(m, Files.readString(m).replace(good, "not-a-hash-" + good.substring(11)));
        IndexException e = assertThrows(IndexException.class, () ->
                new PlanLoader(tmp.resolve("store"), Optional.empty(), 1).load(plan.dir()));
        assertTrue(e.getMessage().matches("(?s).*bundles\\[\\d]\\.files\\[\\d]\\.storeHash is not a store path hash: 'not-a-hash-.*"),
                e.getMessage());
    }
}
