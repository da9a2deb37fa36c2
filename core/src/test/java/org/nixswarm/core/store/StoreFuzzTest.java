package org.nixswarm.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.testing.Fuzz;

/** Coverage-guided fuzzing of store paths, hashes and Nix base32 (narinfo fields, index paths, URLs). */
class StoreFuzzTest {
    private static final Fuzz.Budget BUDGET = Fuzz.Budget.of(4 << 20, 128);

    /** A store path parses only in its one printed form; hash bytes and name rebuild it. */
    @FuzzTest
    void storePath(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        StorePath p = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class), () -> StorePath.parse(text));
        if (p == null) return;
        assertEquals(text, p.toString());
        assertEquals(p, StorePath.parseBaseName(p.baseName()));
        assertEquals(p, StorePath.of(p.hashBytes(), p.name()));
    }

    /** Every hash that parses parses again from each of its printed forms (base32, base16, SRI). */
    @FuzzTest
    void hash(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        Hash h = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class), () -> Hash.parse(text));
        if (h == null) return;
        assertEquals(h.algorithm().size(), h.digest().length);
        assertEquals(h, Hash.parse(h.toString()));
        assertEquals(h, Hash.parse(h.toBase16String()));
        assertEquals(h, Hash.parse(h.toSri()));
        assertEquals(h, Hash.parse(h.algorithm(), h.toBase32()));
    }

    /** Nix base32 has exactly one encoding per byte string: encode(decode(s)) == s. */
    @FuzzTest
    void base32(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        byte[] b = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class), () -> NixBase32.decode(text));
        if (b == null) return;
        assertEquals(text, NixBase32.encode(b));
    }
}
