package org.nixswarm.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.core.torrent.InfoHash;

class IndexEntryTest {
    static final SecretKey KEY = SecretKey.fromSeed("planner-1", new byte[32]);
    static final StorePath PATH = StorePath.parse("/nix/store/0c0vxwqaz1jl6x2p2s7pcvsim7hwwh7n-hello-2.12");
    static final InfoHash IH = InfoHash.parse("0123456789abcdef0123456789abcdef01234567");

    static IndexEntry entry() {
        return IndexEntry.signed(PATH, IH, 3, "nar/abc.nar.xz", 1234, "StorePath: " + PATH + "\n", KEY);
    }

    @Test
    void signedEntriesRoundTripThroughTheirJsonLineAndVerify() {
        IndexEntry e = entry();
        assertTrue(e.verify(KEY.publicKey()));
        IndexEntry back = IndexEntry.parse(e.toJsonLine());
        assertEquals(e, back);
        assertTrue(back.verify(KEY.publicKey()));
        assertTrue(e.toJsonLine().startsWith("{\"storeHash\":\"0c0vxwqaz1jl6x2p2s7pcvsim7hwwh7n\",\"storePath\":"));
        assertEquals("nix-swarm-index-1;" + PATH + ";" + IH.hex() + ";3;nar/abc.nar.xz;1234;", e.signedMessage().substring(0, e.signedMessage().lastIndexOf(';') + 1));
    }

    @Test
    void anyChangedFieldBreaksTheSignature() {
        IndexEntry e = entry();
        assertFalse(new IndexEntry(PATH, IH, 4, e.filePath(), e.fileSize(), e.narinfo(), e.sig()).verify(KEY.publicKey()));
        assertFalse(new IndexEntry(PATH, IH, 3, e.filePath(), 1235, e.narinfo(), e.sig()).verify(KEY.publicKey()));
        assertFalse(new IndexEntry(PATH, IH, 3, e.filePath(), e.fileSize(), e.narinfo() + "x", e.sig()).verify(KEY.publicKey()));
        assertFalse(e.withSig("planner-1:bm90IGEgc2lnbmF0dXJl").verify(KEY.publicKey()));
        assertFalse(e.withSig("").verify(KEY.publicKey()));
    }

    @Test
    void malformedLinesNameWhatIsWrong() {
        String line = entry().toJsonLine();
        assertTrue(assertThrows(FormatException.class, () -> IndexEntry.parse(line.replace(",\"sig\"", ",\"sog\"")))
                .getMessage().contains("missing field sig"));
        assertTrue(assertThrows(FormatException.class, () -> IndexEntry.parse(line.replace("\"fileIndex\":3", "\"fileIndex\":\"3\"")))
                .getMessage().contains("fileIndex must be an integer"));
        assertTrue(assertThrows(FormatException.class, () -> IndexEntry.parse(line.replace("\"storeHash\":\"0c0v", "\"storeHash\":\"1c0v")))
                .getMessage().contains("is not the store path's hash part"));
        assertTrue(assertThrows(FormatException.class, () -> IndexEntry.parse(line + " {}"))
                .getMessage().contains("trailing"));
        assertTrue(assertThrows(FormatException.class, () -> IndexEntry.parse("[1]")).getMessage().contains("not a JSON object"));
        assertThrows(FormatException.class, () -> IndexEntry.parse(line.replace("\"fileSize\":1234", "\"fileSize\":-1")));
    }
}
