package org.nixswarm.core.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.testing.Fuzz;

/** Coverage-guided fuzzing of Nix keys and signatures (key files, narinfo Sig fields, index entries). */
class SignFuzzTest {
    private static final Fuzz.Budget BUDGET = Fuzz.Budget.of(4 << 20, 128);
    private static final byte[] MESSAGE = "1;/nix/store/fuzz".getBytes(StandardCharsets.US_ASCII);
    private static final SecretKey KEY = SecretKey.fromSeed("fuzz-1", new byte[32]);

    /** A public key parses only in its canonical form; it verifies without throwing. */
    @FuzzTest
    void publicKey(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        PublicKey k = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class), () -> PublicKey.parse(text));
        if (k == null) return;
        assertEquals(text, k.toNixFormat());
        assertEquals(k, PublicKey.parse(k.toNixFormat()));
        k.verify(MESSAGE, KEY.sign(MESSAGE));
    }

    /** A secret key parses only in its canonical form, and what it signs its public half verifies. */
    @FuzzTest
    void secretKey(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        SecretKey k = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class), () -> SecretKey.parse(text));
        if (k == null) return;
        assertEquals(text, k.toNixFormat());
        assertTrue(k.publicKey().verify(MESSAGE, k.sign(MESSAGE)));
    }

    /** A signature parses only in its canonical form; checking it never throws, and a forged one fails. */
    @FuzzTest
    void signature(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        Signature s = Fuzz.parse(input.length, BUDGET, Fuzz.only(FormatException.class), () -> Signature.parse(text));
        if (s == null) return;
        assertEquals(text, s.toString());
        assertEquals(s, Signature.parse(s.toString()));
        boolean genuine = text.equals(KEY.sign(MESSAGE));
        assertEquals(genuine, KEY.publicKey().verify(MESSAGE, s));
        // the string form of verify takes untrusted Sig values directly
        assertFalse(KEY.publicKey().verify(MESSAGE, text) && !genuine);
    }
}
