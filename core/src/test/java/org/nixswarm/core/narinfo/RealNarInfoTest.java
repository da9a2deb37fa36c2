package org.nixswarm.core.narinfo;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.sign.Signature;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.StorePath;

/** The real cache.nixos.org narinfos: round trip, signatures, and tamper detection. */
class RealNarInfoTest {
    static final PublicKey CACHE_KEY = PublicKey.parse(SampleNarInfos.CACHE_NIXOS_ORG_KEY);
    static final Set<PublicKey> TRUSTED = Set.of(CACHE_KEY);

    @Test
    void sampleHas978Narinfos() {
        assertEquals(978, SampleNarInfos.cacheNixosOrgSample().size());
    }

    @Test
    void everySampleNarinfoRoundTripsByteForByte() {
        for (String text : SampleNarInfos.cacheNixosOrgSample()) {
            NarInfo n = NarInfo.parse(text);
            assertEquals(text, n.print());
            assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), n.printBytes());
            assertEquals(n, NarInfo.parse(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void everySampleNarinfoVerifiesAgainstCacheNixosOrgKey() {
        int n = 0;
        for (String text : SampleNarInfos.cacheNixosOrgSample()) {
            NarInfo info = NarInfo.parse(text);
            assertTrue(info.verify(TRUSTED), () -> "does not verify:\n" + text);
            assertEquals(List.of(CACHE_KEY), info.verifiedBy(TRUSTED));
            n++;
        }
        assertEquals(978, n);
    }

    @Test
    void everySampleNarinfoFailsOnceASignedFieldChanges() {
        StorePath other = StorePath.parse("/nix/store/00000000000000000000000000000000-other");
        for (String text : SampleNarInfos.cacheNixosOrgSample()) {
            NarInfo info = NarInfo.parse(text);
            List<NarInfo> altered = new ArrayList<>();
            StorePath p = info.storePath();
            // StorePath: another hash part, and another name
            altered.add(info.withStorePath(new StorePath(flipFirst(p.hashPart()), p.name())));
            altered.add(info.withStorePath(new StorePath(p.hashPart(), p.name() + "x")));
            // NarHash: one bit of the digest
            byte[] d = info.narHash().digest();
            d[d.length - 1] ^= 1;
            altered.add(info.withNarHash(new Hash(info.narHash().algorithm(), d)));
            // NarSize: off by one either way
            altered.add(info.withNarSize(info.narSize() + 1));
            if (info.narSize() > 1) altered.add(info.withNarSize(info.narSize() - 1));
            // References: one added; and if any, one removed, one renamed
            List<StorePath> refs = info.referencePaths();
            List<StorePath> plus = new ArrayList<>(refs);
            plus.add(other);
            altered.add(info.withReferences(plus));
            if (!refs.isEmpty()) {
                altered.add(info.withReferences(refs.subList(1, refs.size())));
                List<StorePath> renamed = new ArrayList<>(refs);
                StorePath r = renamed.get(renamed.size() - 1);
                renamed.set(renamed.size() - 1, new StorePath(flipFirst(r.hashPart()), r.name()));
                altered.add(info.withReferences(renamed));
                List<StorePath> renamedName = new ArrayList<>(refs);
                StorePath q = renamedName.get(0);
                renamedName.set(0, new StorePath(q.hashPart(), q.name() + "-x"));
                altered.add(info.withReferences(renamedName));
                altered.add(info.withReferences(List.of()));
            }
            // the signature itself: one bit
            Signature sig = info.signatures().get(0);
            byte[] sb = sig.bytes();
            sb[7] ^= 0x10;
            NarInfo badSig = info.withField(NarInfo.SIG, new Signature(sig.keyName(), sb).toString());
            assertEquals(info.fingerprint(), badSig.fingerprint());
            assertFalse(badSig.verify(TRUSTED));
            for (NarInfo a : altered) {
                assertNotEquals(info.fingerprint(), a.fingerprint());
                assertFalse(a.verify(TRUSTED), () -> "altered narinfo still verifies:\n" + a.print());
                assertTrue(a.verifiedBy(TRUSTED).isEmpty());
            }
        }
    }

    @Test
    void unsignedFieldsMayChangeWithoutBreakingTheSignature() {
        NarInfo info = NarInfo.parse(SampleNarInfos.cacheNixosOrgSample().get(0));
        assertTrue(info.withUrl("nar/elsewhere.nar.xz").verify(TRUSTED));
        assertTrue(info.withFileSize(1).verify(TRUSTED));
        assertTrue(info.withDeriver(null).verify(TRUSTED));
        assertTrue(info.withField("System", "x86_64-linux").verify(TRUSTED));
        // Nix keeps references in a set: the written order does not matter to the signature
        List<String> refs = new ArrayList<>(info.references());
        java.util.Collections.reverse(refs);
        assertTrue(refs.size() > 1);
        assertTrue(info.withField(NarInfo.REFERENCES, String.join(" ", refs)).verify(TRUSTED));
    }

    @Test
    void texliveWith3690ReferencesRoundTripsAndVerifies() {
        String text = SampleNarInfos.texliveCombinedFull();
        NarInfo info = NarInfo.parse(text);
        // 3,690 other paths plus itself
        assertEquals(3691, info.references().size());
        assertTrue(info.referencePaths().contains(info.storePath()));
        assertEquals(text, info.print());
        assertTrue(info.verify(TRUSTED));
        assertEquals("none", info.compression());
        List<StorePath> refs = info.referencePaths();
        assertFalse(info.withReferences(refs.subList(0, refs.size() - 1)).verify(TRUSTED));
        assertFalse(info.withNarSize(info.narSize() + 1).verify(TRUSTED));
    }

    static String flipFirst(String hashPart) {
        char c = hashPart.charAt(0) == '0' ? '1' : '0';
        return c + hashPart.substring(1);
    }
}
