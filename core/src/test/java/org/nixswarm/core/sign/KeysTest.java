package org.nixswarm.core.sign;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixswarm.core.FormatException;

class KeysTest {
    static final HexFormat HEX = HexFormat.of();

    /** RFC 8032 section 7.1, test 2: ed25519 is deterministic, so these bytes are exact. */
    static final byte[] RFC_SEED = HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    static final byte[] RFC_PUB = HEX.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    static final byte[] RFC_MSG = HEX.parseHex("72");
    static final byte[] RFC_SIG = HEX.parseHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

    static SecretKey rfcKey() {
        return SecretKey.fromSeed("rfc-1", RFC_SEED);
    }

    @Test
    void matchesRfc8032Vector() {
        SecretKey k = rfcKey();
        assertArrayEquals(RFC_PUB, k.publicKey().bytes());
        assertEquals("rfc-1:" + Base64.getEncoder().encodeToString(RFC_SIG), k.sign(RFC_MSG));
        assertTrue(k.publicKey().verify(RFC_MSG, k.sign(RFC_MSG)));
    }

    @Test
    void nixFormatIsSeedThenPublicKey() {
        SecretKey k = rfcKey();
        byte[] raw = new byte[64];
        System.arraycopy(RFC_SEED, 0, raw, 0, 32);
        System.arraycopy(RFC_PUB, 0, raw, 32, 32);
        assertEquals("rfc-1:" + Base64.getEncoder().encodeToString(raw), k.toNixFormat());
        assertEquals("rfc-1:" + Base64.getEncoder().encodeToString(RFC_PUB), k.publicKey().toNixFormat());
        SecretKey back = SecretKey.parse(k.toNixFormat());
        assertEquals(k.toNixFormat(), back.toNixFormat());
        assertEquals(k.publicKey(), back.publicKey());
        assertEquals(k.publicKey(), PublicKey.parse(k.publicKey().toNixFormat()));
    }

    @Test
    void generatedKeysSignAndVerify() {
        SecureRandom random = new SecureRandom();
        SecretKey a = SecretKey.generate("a-1", random);
        SecretKey b = SecretKey.generate("a-1", random);
        assertNotEquals(a.publicKey(), b.publicKey());
        String sig = a.sign("hello");
        assertTrue(sig.startsWith("a-1:"));
        assertEquals("a-1:".length() + 88, sig.length());
        assertTrue(a.publicKey().verify("hello", sig));
        assertFalse(a.publicKey().verify("hellO", sig));
        assertFalse(b.publicKey().verify("hello", sig), "same name, other key");
    }

    @Test
    void generateIsDeterministicForASeededRandom() throws Exception {
        SecureRandom r1 = SecureRandom.getInstance("SHA1PRNG");
        r1.setSeed(1);
        SecureRandom r2 = SecureRandom.getInstance("SHA1PRNG");
        r2.setSeed(1);
        assertEquals(SecretKey.generate("k", r1).toNixFormat(), SecretKey.generate("k", r2).toNixFormat());
    }

    @Test
    void signatureByAnotherKeyNameIsFalseNotAnError() {
        SecretKey k = rfcKey();
        String sig = k.sign(RFC_MSG);
        String renamed = "other-1" + sig.substring(sig.indexOf(':'));
        assertFalse(k.publicKey().verify(RFC_MSG, renamed));
    }

    @Test
    void everyFlippedBitFailsVerification() {
        SecretKey k = rfcKey();
        byte[] sig = k.signature(RFC_MSG).bytes();
        for (int i = 0; i < 64 * 8; i++) {
            byte[] bad = sig.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            assertFalse(k.publicKey().verify(RFC_MSG, new Signature("rfc-1", bad)), "bit " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "rfc-1",
        "rfc-1:",
        ":kvpUlZznx1rfzeVxohL6rMH29KPUo3s6BTRFmE9MCkl29ipiSY0/pZX6ZM1FGm1OHngxihjNqWFDmwM4YwTlDg==",
        "rfc-1:not base64!",
        "rfc-1:AAAA",
        "rfc-1:KvpUlZznx1rfzeVxohL6rMH29KPUo3s6BTRFmE9MCkl29ipiSY0/pZX6ZM1FGm1OHngxihjNqWFDmwM4YwTlDg",
        "rfc-1:KvpUlZznx1rfzeVxohL6rMH29KPUo3s6BTRFmE9MCkl29ipiSY0/pZX6ZM1FGm1OHngxihjNqWFDmwM4YwTlDh==",
        "rf c:KvpUlZznx1rfzeVxohL6rMH29KPUo3s6BTRFmE9MCkl29ipiSY0/pZX6ZM1FGm1OHngxihjNqWFDmwM4YwTlDg==",
    })
    void malformedSignaturesAreFormatExceptions(String sig) {
        PublicKey pub = rfcKey().publicKey();
        FormatException e = assertThrows(FormatException.class, () -> pub.verify(RFC_MSG, sig));
        assertTrue(e.getMessage().startsWith("signature"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "cache.nixos.org-1",
        "cache.nixos.org-1:",
        ":6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=",
        "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY",
        "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShj=",
        "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjZ=",
        "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=AAAA",
        "cache nixos:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=",
        " cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=",
    })
    void malformedPublicKeys(String s) {
        FormatException e = assertThrows(FormatException.class, () -> PublicKey.parse(s));
        assertTrue(e.getMessage().startsWith("public key"), e.getMessage());
    }

    @Test
    void publicKeyThatIsNotACurvePointIsRejected() {
        Random r = new Random(1);
        int rejected = 0;
        for (int i = 0; i < 64 && rejected == 0; i++) {
            byte[] b = new byte[32];
            r.nextBytes(b);
            String s = "k:" + Base64.getEncoder().encodeToString(b);
            try {
                PublicKey.parse(s);
            } catch (FormatException e) {
                assertTrue(e.getMessage().contains("not a valid ed25519 point"), e.getMessage());
                rejected++;
            }
        }
        assertEquals(1, rejected, "about half of all 32-byte strings are not points");
    }

    @Test
    void malformedSecretKeysNeverEchoTheSecret() {
        SecretKey k = rfcKey();
        String good = k.toNixFormat();
        String b64 = good.substring(good.indexOf(':') + 1);
        byte[] raw = Base64.getDecoder().decode(b64);
        raw[40] ^= 1; // public half no longer matches the seed
        String mismatched = "rfc-1:" + Base64.getEncoder().encodeToString(raw);
        String[] bad = {
            mismatched,
            "rfc-1:" + b64.substring(0, 80),
            "rfc-1:" + b64.substring(0, 86) + "!!",
            "rfc-1:" + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(raw, 32)),
            b64,
            ":" + b64,
        };
        for (String s : bad) {
            FormatException e = assertThrows(FormatException.class, () -> SecretKey.parse(s));
            assertTrue(e.getMessage().startsWith("secret key"), e.getMessage());
            for (int i = 0; i + 16 <= b64.length(); i += 4) {
                assertFalse(e.getMessage().contains(b64.substring(i, i + 16)), e.getMessage());
            }
            assertFalse(e.getMessage().contains(HEX.formatHex(RFC_SEED).substring(0, 16)));
        }
        assertTrue(assertThrows(FormatException.class, () -> SecretKey.parse(mismatched)).getMessage()
                .contains("does not match its seed"));
    }

    @Test
    void toStringNeverShowsTheSecret() {
        SecretKey k = rfcKey();
        String secretB64 = k.toNixFormat().substring("rfc-1:".length());
        String s = k.toString();
        assertTrue(s.contains("rfc-1"));
        assertTrue(s.contains(k.publicKey().toNixFormat()));
        assertFalse(s.contains(secretB64.substring(0, 40)));
        assertFalse(s.contains(Base64.getEncoder().encodeToString(RFC_SEED).substring(0, 40)));
    }

    @Test
    void keyFilesRoundTripAndAreTrimmed(@TempDir Path dir) throws Exception {
        SecretKey k = rfcKey();
        Path sec = dir.resolve("sec");
        Path pub = dir.resolve("pub");
        k.writeFile(sec);
        k.publicKey().writeFile(pub);
        assertEquals(k.toNixFormat() + "\n", Files.readString(sec));
        assertEquals(k.publicKey().toNixFormat() + "\n", Files.readString(pub));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(sec));
        }
        assertEquals(k.toNixFormat(), SecretKey.readFile(sec).toNixFormat());
        assertEquals(k.publicKey(), PublicKey.readFile(pub));
        Files.writeString(pub, "  \n" + k.publicKey().toNixFormat() + "\r\n\n");
        assertEquals(k.publicKey(), PublicKey.readFile(pub));
        k.writeFile(sec); // overwriting works
        assertEquals(k.toNixFormat(), SecretKey.readFile(sec).toNixFormat());
    }

    @Test
    void badKeyFilesNameTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("key");
        Files.writeString(f, "nonsense");
        FormatException e = assertThrows(FormatException.class, () -> PublicKey.readFile(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": public key"), e.getMessage());
        Files.write(f, new byte[10_000]);
        e = assertThrows(FormatException.class, () -> SecretKey.readFile(f));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
        Files.writeString(f, "two words:" + "A".repeat(88));
        e = assertThrows(FormatException.class, () -> SecretKey.readFile(f));
        assertTrue(e.getMessage().contains("illegal character ' ' in key name"), e.getMessage());
    }

    @Test
    void signaturesParseAndPrint() {
        String s = rfcKey().sign("x".getBytes(StandardCharsets.UTF_8));
        Signature sig = Signature.parse(s);
        assertEquals("rfc-1", sig.keyName());
        assertEquals(s, sig.toString());
        assertEquals(sig, Signature.parse(s));
        assertThrows(IllegalArgumentException.class, () -> new Signature("k", new byte[63]));
    }
}
