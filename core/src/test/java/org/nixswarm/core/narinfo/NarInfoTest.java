package org.nixswarm.core.narinfo;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.HashAlgorithm;
import org.nixswarm.core.store.StorePath;

class NarInfoTest {
    /** A real one (first of the sample), with a System line and a CA line added for coverage. */
    static final String DBUS = """
            StorePath: /nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf
            URL: nar/0i1dmr7f1pliycq471wfgifwrkbii2ky9gb35zsvv46ld1rl2m2c.nar.xz
            Compression: xz
            FileHash: sha256:0i1dmr7f1pliycq471wfgifwrkbii2ky9gb35zsvv46ld1rl2m2c
            FileSize: 3020
            NarHash: sha256:1bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw
            NarSize: 11408
            References: 0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf arsnax0avamwiml7qrwn9wzbic33pyk9-polkit-0.113 c6y19ffnw8zv1w2vbb5liphzz8ac8kyn-system-path ldr92ws27avm6xhb3j7w8dqfpk5d26vw-upower-0.99.4 mzdwg3964jg5wq24vdf0w7l2nz6i6kp4-udisks-2.1.6 xq39as86nvdny7616p6rbb3n41ab5aan-dbus-1.10.14
            Deriver: lzydd5cyykz34jpbchk6psv23kgmx1f2-dbus-conf.drv
            System: x86_64-linux
            Sig: cache.nixos.org-1:gegnOA5CqLYaCIgcQ843KvfYZBzn2cKGzC2hcSrZHRt4Nj+uJaVNV06iARZ39zJtbnuyq7+5KCPcl3zB0hoyBA==
            """;
    static final PublicKey CACHE_KEY = PublicKey.parse(SampleNarInfos.CACHE_NIXOS_ORG_KEY);

    @Test
    void typedFields() {
        NarInfo n = NarInfo.parse(DBUS);
        assertEquals("/nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf", n.storePath().toString());
        assertEquals("0a3yijp35sygmy51cnrrz11vimwapz7c.narinfo", n.fileName());
        assertEquals("nar/0i1dmr7f1pliycq471wfgifwrkbii2ky9gb35zsvv46ld1rl2m2c.nar.xz", n.url());
        assertEquals("xz", n.compression());
        assertEquals(Optional.of(Hash.parse("sha256:0i1dmr7f1pliycq471wfgifwrkbii2ky9gb35zsvv46ld1rl2m2c")), n.fileHash());
        assertEquals(OptionalLong.of(3020), n.fileSize());
        assertEquals("sha256:1bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw", n.narHash().toBase32String());
        assertEquals(11408, n.narSize());
        assertEquals(6, n.references().size());
        assertEquals("arsnax0avamwiml7qrwn9wzbic33pyk9-polkit-0.113", n.references().get(1));
        assertEquals(n.references().get(1), n.referencePaths().get(1).baseName());
        assertEquals("lzydd5cyykz34jpbchk6psv23kgmx1f2-dbus-conf.drv", n.deriver().orElseThrow().baseName());
        assertEquals(1, n.sigs().size());
        assertEquals("cache.nixos.org-1", n.signatures().get(0).keyName());
        assertEquals(Optional.empty(), n.ca());
        assertEquals(List.of(new NarInfo.Field("System", "x86_64-linux")), n.unknownFields());
        assertEquals(Optional.of("x86_64-linux"), n.field("System"));
        assertEquals(11, n.fields().size());
        assertEquals(DBUS, n.print());
        assertTrue(n.verify(List.of(CACHE_KEY)));
    }

    @Test
    void fingerprintIsExactlyWhatNixSigns() {
        NarInfo n = NarInfo.parse(DBUS);
        assertEquals("1;/nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf;"
                + "sha256:1bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw;11408;"
                + "/nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf,"
                + "/nix/store/arsnax0avamwiml7qrwn9wzbic33pyk9-polkit-0.113,"
                + "/nix/store/c6y19ffnw8zv1w2vbb5liphzz8ac8kyn-system-path,"
                + "/nix/store/ldr92ws27avm6xhb3j7w8dqfpk5d26vw-upower-0.99.4,"
                + "/nix/store/mzdwg3964jg5wq24vdf0w7l2nz6i6kp4-udisks-2.1.6,"
                + "/nix/store/xq39as86nvdny7616p6rbb3n41ab5aan-dbus-1.10.14", n.fingerprint());
    }

    @Test
    void fingerprintNormalisesLikeNix() {
        NarInfo n = NarInfo.parse(DBUS);
        // NarHash in base16 or SRI: same fingerprint, the signature still holds
        NarInfo hex = n.withField("NarHash", n.narHash().toBase16String());
        NarInfo sri = n.withField("NarHash", n.narHash().toSri());
        assertEquals(n.fingerprint(), hex.fingerprint());
        assertEquals(n.fingerprint(), sri.fingerprint());
        assertTrue(sri.verify(List.of(CACHE_KEY)));
        // references: unordered, duplicated, extra spaces: Nix reads a set
        List<String> refs = n.references();
        String messy = refs.get(3) + "  " + refs.get(0) + " " + String.join(" ", refs) + " ";
        NarInfo m = n.withField("References", messy);
        assertEquals(messy, m.field("References").orElseThrow());
        assertEquals(n.fingerprint(), m.fingerprint());
        assertTrue(m.verify(List.of(CACHE_KEY)));
        // no references: the fingerprint ends in ';'
        assertTrue(n.withReferences(List.of()).fingerprint().endsWith(";11408;"));
    }

    @Test
    void emptyReferencesKeepTheirTrailingSpace() {
        String text = DBUS.replaceFirst("References: [^\n]*\n", "References: \n");
        NarInfo n = NarInfo.parse(text);
        assertEquals(List.of(), n.references());
        assertEquals(text, n.print());
        assertEquals("References: ", n.withReferences(List.of()).print().lines().filter(l -> l.startsWith("References")).findFirst().orElseThrow());
    }

    @Test
    void missingOptionalFieldsAsNixReadsThem() {
        String minimal = """
                StorePath: /nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf
                URL: nar/x.nar.bz2
                NarHash: sha256:1bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw
                NarSize: 11408
                """;
        NarInfo n = NarInfo.parse(minimal);
        assertEquals("bzip2", n.compression());
        assertEquals(Optional.empty(), n.fileHash());
        assertEquals(OptionalLong.empty(), n.fileSize());
        assertEquals(List.of(), n.references());
        assertEquals(Optional.empty(), n.deriver());
        assertEquals(List.of(), n.sigs());
        assertFalse(n.verify(List.of(CACHE_KEY)));
        assertEquals(minimal, n.print());
        assertEquals(Optional.empty(), NarInfo.parse(minimal + "Deriver: unknown-deriver\n").deriver());
    }

    @Test
    void caFieldsFromTheSampleParse() {
        for (String ca : List.of(
                "fixed:sha256:1ih27mgqfzjlas97rvj18s8j3p0bpwb03vr71yrq776vzv1v6fcs",
                "fixed:r:sha256:0gkkhap0ljzw750z2ypjr87n4mhinv07flvcshvi9l4jlqs2w1bc",
                "text:sha256:1kr6h9rkk2rhyj35isglsf55m1nz9lybi1m2k2sv6iwb8i6didhx",
                "fixed:md5:900150983cd24fb0d6963f7d28e17f72",
                "fixed:git:sha1:a9993e364706816aba3e25717850c26c9cd0d89d")) {
            NarInfo n = NarInfo.parse(DBUS + "CA: " + ca + "\n");
            assertEquals(Optional.of(ca), n.ca());
        }
    }

    @Test
    void manySignaturesAreKeptInOrder() {
        SecretKey a = SecretKey.generate("a-1", new SecureRandom());
        NarInfo n = NarInfo.parse(DBUS).withSignature(a);
        assertEquals(2, n.sigs().size());
        assertEquals("cache.nixos.org-1", n.signatures().get(0).keyName());
        assertEquals("a-1", n.signatures().get(1).keyName());
        assertEquals(n, NarInfo.parse(n.print()));
        assertEquals(List.of(CACHE_KEY, a.publicKey()), n.verifiedBy(List.of(CACHE_KEY, a.publicKey())));
        assertEquals(List.of(a.publicKey()), n.verifiedBy(List.of(a.publicKey())));
        SecretKey other = SecretKey.generate("other-1", new SecureRandom());
        assertEquals(List.of(), n.verifiedBy(List.of(other.publicKey())));
        assertFalse(n.verify(List.of()));
    }

    @Test
    void withSignatureReplacesOwnStaleSignatureAndGoesBeforeCa() {
        SecretKey k = SecretKey.generate("k-1", new SecureRandom());
        NarInfo unsigned = NarInfo.parse(DBUS).withoutSignatures().withCa("text:sha256:1kr6h9rkk2rhyj35isglsf55m1nz9lybi1m2k2sv6iwb8i6didhx");
        NarInfo signed = unsigned.withSignature(k);
        List<String> names = signed.fields().stream().map(NarInfo.Field::name).toList();
        assertEquals(List.of("StorePath", "URL", "Compression", "FileHash", "FileSize", "NarHash", "NarSize",
                "References", "Deriver", "System", "Sig", "CA"), names);
        NarInfo changed = signed.withNarSize(5);
        assertFalse(changed.verify(List.of(k.publicKey())));
        NarInfo resigned = changed.withSignature(k);
        assertEquals(1, resigned.sigs().size());
        assertTrue(resigned.verify(List.of(k.publicKey())));
        assertEquals(resigned, resigned.withSignature(k), "ed25519 is deterministic");
    }

    @Test
    void builderWritesWhatNixWrites() {
        SecretKey key = SecretKey.generate("test-cache-1", new SecureRandom());
        StorePath glibc = StorePath.parseBaseName("4gbyxcixijd4hpvgmnq3hi2mqg81w0zp-glibc-2.30");
        StorePath zlib = StorePath.parseBaseName("03jr9dgkfcqcqxxirlb2fakyzpl5qgji-zlib-1.2.11");
        StorePath self = StorePath.parseBaseName("0cblwjf0h9d3braj6gs5am695h60zhdq-hello-2.12");
        Hash fileHash = Hash.sha256("file".getBytes(StandardCharsets.UTF_8));
        Hash narHash = Hash.sha256("nar".getBytes(StandardCharsets.UTF_8));
        NarInfo n = NarInfo.builder()
                .storePath(self)
                .url("nar/" + fileHash.toBase32() + ".nar.xz")
                .compression("xz")
                .fileHash(fileHash)
                .fileSize(1234)
                .narHash(narHash)
                .narSize(5678)
                .references(List.of(glibc, zlib, self, zlib))
                .deriver(StorePath.parseBaseName("qd6slfywgvd46gl34p16hcyqfkcgyjgv-hello-2.12.drv"))
                .build()
                .withSignature(key);
        String expected = "StorePath: /nix/store/0cblwjf0h9d3braj6gs5am695h60zhdq-hello-2.12\n"
                + "URL: nar/" + fileHash.toBase32() + ".nar.xz\n"
                + "Compression: xz\n"
                + "FileHash: " + fileHash.toBase32String() + "\n"
                + "FileSize: 1234\n"
                + "NarHash: " + narHash.toBase32String() + "\n"
                + "NarSize: 5678\n"
                + "References: 03jr9dgkfcqcqxxirlb2fakyzpl5qgji-zlib-1.2.11 0cblwjf0h9d3braj6gs5am695h60zhdq-hello-2.12 4gbyxcixijd4hpvgmnq3hi2mqg81w0zp-glibc-2.30\n"
                + "Deriver: qd6slfywgvd46gl34p16hcyqfkcgyjgv-hello-2.12.drv\n"
                + "Sig: " + key.sign(n.fingerprint()) + "\n";
        assertEquals(expected, n.print());
        assertTrue(n.verify(List.of(key.publicKey())));
        assertEquals(n, NarInfo.parse(expected));
    }

    @Test
    void builderRefusesIncompleteOrBadInput() {
        FormatException e = assertThrows(FormatException.class, () -> NarInfo.builder().url("nar/x").build());
        assertEquals("narinfo: missing required fields StorePath, NarHash, NarSize", e.getMessage());
        NarInfo.Builder b = NarInfo.builder()
                .storePath(StorePath.parseBaseName("0cblwjf0h9d3braj6gs5am695h60zhdq-hello"))
                .url("nar/x\nEvil: 1").narHash(Hash.sha256(new byte[0])).narSize(1);
        e = assertThrows(FormatException.class, b::build);
        assertTrue(e.getMessage().startsWith("narinfo line 2: URL: control character"), e.getMessage());
        e = assertThrows(FormatException.class, () -> b.url("nar/x").narSize(-1).build());
        assertTrue(e.getMessage().contains("NarSize: not a number: '-1'"), e.getMessage());
    }

    @Test
    void unknownFieldsSurviveWithers() {
        NarInfo n = NarInfo.parse(DBUS + "X-Extra: kept\n");
        NarInfo m = n.withUrl("nar/other.nar.xz").withFileSize(1).withCompression("zstd");
        assertEquals(Optional.of("kept"), m.field("X-Extra"));
        assertEquals(Optional.of("x86_64-linux"), m.field("System"));
        assertEquals(n.fields().size(), m.fields().size());
        assertEquals(DBUS.replace(n.url(), "nar/other.nar.xz").replace("FileSize: 3020", "FileSize: 1")
                .replace("Compression: xz", "Compression: zstd") + "X-Extra: kept\n", m.print());
    }

    @Test
    void withersAddMissingFieldsInNixOrder() {
        NarInfo n = NarInfo.parse("""
                StorePath: /nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf
                URL: nar/x.nar.xz
                NarHash: sha256:1bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw
                NarSize: 11408
                """);
        NarInfo m = n.withFileSize(3).withCompression("xz").withFileHash(Hash.sha256(new byte[0]))
                .withDeriver(StorePath.parseBaseName("lzydd5cyykz34jpbchk6psv23kgmx1f2-dbus-conf.drv"))
                .withReferences(List.of());
        assertEquals(List.of("StorePath", "URL", "Compression", "FileHash", "FileSize", "NarHash", "NarSize",
                "References", "Deriver"), m.fields().stream().map(NarInfo.Field::name).toList());
        assertEquals(n, m.withoutField("Compression").withoutField("FileHash").withoutField("FileSize")
                .withDeriver(null).withoutField("References"));
    }

    @Test
    void readsFilesAndStreams(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("0a3yijp35sygmy51cnrrz11vimwapz7c.narinfo");
        Files.writeString(f, DBUS);
        assertEquals(DBUS, NarInfo.readFile(f).print());
        Files.writeString(f, DBUS.replace("NarSize: 11408", "NarSize: x"));
        FormatException e = assertThrows(FormatException.class, () -> NarInfo.readFile(f));
        assertEquals(f + " line 7: NarSize: not a number: 'x'", e.getMessage());
        byte[] big = new byte[NarInfo.MAX_SIZE + 1];
        e = assertThrows(FormatException.class, () -> NarInfo.read(new ByteArrayInputStream(big), "peer"));
        assertEquals("peer: larger than " + NarInfo.MAX_SIZE + " bytes", e.getMessage());
    }

    // ---- malformed input: each error names the line and the field

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        StorePath: /nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf|StorePath: /nix/store/0a3yijp35sygmy51cnrrz11vimwapz7e-dbus-conf|line 1: StorePath: store path '/nix/store/0a3yijp35sygmy51cnrrz11vimwapz7e-dbus-conf': illegal base32 character 'e' in hash part
        StorePath: /nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf|StorePath: /gnu/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf|line 1: StorePath: store path '/gnu/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf' is not in /nix/store
        StorePath: /nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf|StorePath: /nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus conf|line 1: StorePath: store path '/nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus conf': illegal character ' ' in name
        URL: nar/0i1dmr7f1pliycq471wfgifwrkbii2ky9gb35zsvv46ld1rl2m2c.nar.xz|URL: |line 2: URL: empty
        URL: nar/0i1dmr7f1pliycq471wfgifwrkbii2ky9gb35zsvv46ld1rl2m2c.nar.xz|URL: nar/a b|line 2: URL: contains a space
        Compression: xz|Compression: |line 3: Compression: empty
        Compression: xz|Compression: X Z|line 3: Compression: not a compression method name: 'X Z'
        FileHash: sha256:0i1dmr7f1pliycq471wfgifwrkbii2ky9gb35zsvv46ld1rl2m2c|FileHash: sha256:0i1dmr7f|line 4: FileHash: invalid hash 'sha256:0i1dmr7f': a sha256 digest has 64 (base16), 52 (base32) or 44 (base64) characters, got 8
        FileHash: sha256:0i1dmr7f1pliycq471wfgifwrkbii2ky9gb35zsvv46ld1rl2m2c|FileHash: sha257:0i1dmr7f1pliycq471wfgifwrkbii2ky9gb35zsvv46ld1rl2m2c|line 4: FileHash: invalid hash 'sha257:0i1dmr7f1pliycq471wfgifwrkbii2ky9gb35zsvv46ld1rl2m2c': unknown hash algorithm 'sha257' (expected md5, sha1, sha256 or sha512)
        FileSize: 3020|FileSize: -3020|line 5: FileSize: not a number: '-3020'
        FileSize: 3020|FileSize: 03020|line 5: FileSize: leading zero in number '03020'
        FileSize: 3020|FileSize: 99999999999999999999|line 5: FileSize: not a number: '99999999999999999999'
        FileSize: 3020|FileSize: 9999999999999999999|line 5: FileSize: number out of range: '9999999999999999999'
        NarHash: sha256:1bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw|NarHash: sha256:9bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw|line 6: NarHash: invalid hash 'sha256:9bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw': invalid Nix base32 string '9bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw': non-zero unused bits in its first character
        NarHash: sha256:1bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw|NarHash: 1bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw|line 6: NarHash: invalid hash '1bb3srw3x77mnck1gk0cbnf1a9915fdrqdjb27y7rxmmlrb3dzjw': expected <algorithm>:<digest> or <algorithm>-<base64>
        NarSize: 11408|NarSize: x|line 7: NarSize: not a number: 'x'
        NarSize: 11408|NarSize: 0|line 7: NarSize: must be positive (Nix treats 0 as unknown)
        NarSize: 11408|NarSize: 1.5|line 7: NarSize: not a number: '1.5'
        NarSize: 11408|NarSize: +11408|line 7: NarSize: not a number: '+11408'
        NarSize: 11408|NarSize:  11408|line 7: NarSize: not a number: ' 11408'
        References: 0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf|References: 0a3yijp35sygmy51cnrrz11vimwapz7c-dbus/conf|line 8: References: store path '0a3yijp35sygmy51cnrrz11vimwapz7c-dbus/conf': illegal character '/' in name
        References: 0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf|References: /nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf|line 8: References: store path '/nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf' is not <32 base32 characters>-<name>
        Deriver: lzydd5cyykz34jpbchk6psv23kgmx1f2-dbus-conf.drv|Deriver: lzydd5cyykz34jpbchk6psv23kgmx1f2|line 9: Deriver: store path 'lzydd5cyykz34jpbchk6psv23kgmx1f2' is not <32 base32 characters>-<name>
        Sig: cache.nixos.org-1:|Sig: cache.nixos.org-1:AAAA|line 11: Sig: signature 'cache.nixos.org-1:AAAA': expected 64 bytes of base64, got 3
        Sig: cache.nixos.org-1:|Sig: cache.nixos.org-1|line 11: Sig: signature 'cache.nixos.org-1': expected <key name>:<base64>
        Sig: cache.nixos.org-1:|Sig: :gegnOA5C|line 11: Sig: signature ':gegnOA5C': empty key name
        System: x86_64-linux|System:x86_64-linux|line 10: System: expected ': ' after the field name
        System: x86_64-linux|Sys tem: x86_64-linux|line 10: illegal field name 'Sys tem'
        System: x86_64-linux|: x86_64-linux|line 10: empty field name
        System: x86_64-linux|System x86_64-linux|line 10: expected '<Field>: <value>', got 'System x86_64-linux'
        System: x86_64-linux|NarSize: 11408|line 10: NarSize: duplicate field (first on line 7)
        System: x86_64-linux|References: |line 10: References: duplicate field (first on line 8)
        System: x86_64-linux|StorePath: /nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf|line 10: StorePath: duplicate field (first on line 1)
        """)
    void malformedFieldsNameLineAndField(String original, String replacement, String message) {
        // CsvSource trims: a few cases need their trailing/inner spaces restored
        if (replacement.endsWith(":")) replacement += " ";
        if (replacement.equals("NarSize: 11408") && message.contains("' 11408'")) replacement = "NarSize:  11408";
        String prefix = original.startsWith("Sig: ") ? "Sig: cache.nixos.org-1:g" : original;
        assertTrue(DBUS.contains(prefix), original);
        int at = DBUS.indexOf(prefix);
        int eol = DBUS.indexOf('\n', at);
        String text = DBUS.substring(0, at) + replacement + DBUS.substring(eol);
        String finalText = text;
        FormatException e = assertThrows(FormatException.class, () -> NarInfo.parse(finalText));
        assertEquals("narinfo " + message, e.getMessage());
    }

    @Test
    void caMustBeAContentAddress() {
        FormatException e = assertThrows(FormatException.class, () -> NarInfo.parse(DBUS + "CA: sha256:abc\n"));
        assertEquals("narinfo line 12: CA: not a content address (text:… or fixed:…): 'sha256:abc'", e.getMessage());
        e = assertThrows(FormatException.class, () -> NarInfo.parse(DBUS + "CA: text:sha1:a9993e364706816aba3e25717850c26c9cd0d89d\n"));
        assertEquals("narinfo line 12: CA: text content address must use sha256, not sha1", e.getMessage());
        e = assertThrows(FormatException.class, () -> NarInfo.parse(DBUS + "CA: fixed:r:sha256:xyz\n"));
        assertTrue(e.getMessage().startsWith("narinfo line 12: CA: invalid hash 'sha256:xyz'"), e.getMessage());
        e = assertThrows(FormatException.class, () -> NarInfo.parse(DBUS + "CA: text:sha256:1kr6h9rkk2rhyj35isglsf55m1nz9lybi1m2k2sv6iwb8i6didhx\nCA: text:sha256:1kr6h9rkk2rhyj35isglsf55m1nz9lybi1m2k2sv6iwb8i6didhx\n"));
        assertEquals("narinfo line 13: CA: duplicate field (first on line 12)", e.getMessage());
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        for (String field : List.of("StorePath", "URL", "NarHash", "NarSize")) {
            String text = DBUS.replaceFirst("(?m)^" + field + ": .*\n", "");
            FormatException e = assertThrows(FormatException.class, () -> NarInfo.parse(text));
            assertEquals("narinfo: missing required field " + field, e.getMessage());
        }
        FormatException e = assertThrows(FormatException.class, () -> NarInfo.parse("System: x\n", "a.narinfo"));
        assertEquals("a.narinfo: missing required fields StorePath, URL, NarHash, NarSize", e.getMessage());
    }

    @Test
    void structuralErrors() {
        assertEquals("narinfo: empty narinfo", assertThrows(FormatException.class, () -> NarInfo.parse("")).getMessage());
        assertEquals("narinfo line 11: no newline at the end of the line",
                assertThrows(FormatException.class, () -> NarInfo.parse(DBUS.substring(0, DBUS.length() - 1))).getMessage());
        assertEquals("narinfo line 12: empty line",
                assertThrows(FormatException.class, () -> NarInfo.parse(DBUS + "\n")).getMessage());
        assertEquals("narinfo line 1: StorePath: control character '\\u000d' in value at column 65",
                assertThrows(FormatException.class, () -> NarInfo.parse(DBUS.replace("\n", "\r\n"))).getMessage());
        assertEquals("narinfo line 10: System: control character '\\u0000' in value at column 9",
                assertThrows(FormatException.class, () -> NarInfo.parse(DBUS.replace("System: x", "System: \0x"))).getMessage());
        byte[] bad = DBUS.getBytes(StandardCharsets.UTF_8);
        bad[5] = (byte) 0xff;
        assertEquals("x.narinfo: not valid UTF-8",
                assertThrows(FormatException.class, () -> NarInfo.parse(bad, "x.narinfo")).getMessage());
    }

    @Test
    void absurdSizesAreRefused() {
        String huge = DBUS + "X: " + "a".repeat(NarInfo.MAX_SIZE) + "\n";
        FormatException e = assertThrows(FormatException.class, () -> NarInfo.parse(huge));
        assertTrue(e.getMessage().startsWith("narinfo: larger than " + NarInfo.MAX_SIZE), e.getMessage());
        String manyLines = DBUS + "X: y\n".repeat(NarInfo.MAX_FIELDS);
        e = assertThrows(FormatException.class, () -> NarInfo.parse(manyLines));
        assertEquals("narinfo: more than " + NarInfo.MAX_FIELDS + " lines", e.getMessage());
        String ref = " 0a3yijp35sygmy51cnrrz11vimwapz7c-x";
        String manyRefs = DBUS.replaceFirst("References: ", "References: " + ref.repeat(NarInfo.MAX_REFERENCES).substring(1) + " ");
        e = assertThrows(FormatException.class, () -> NarInfo.parse(manyRefs));
        assertEquals("narinfo line 8: References: more than " + NarInfo.MAX_REFERENCES + " references", e.getMessage());
    }

    @Test
    void longBadValuesAreCutShortInMessages() {
        String text = DBUS.replace("NarSize: 11408", "NarSize: " + "9x".repeat(10_000));
        FormatException e = assertThrows(FormatException.class, () -> NarInfo.parse(text));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
        assertTrue(e.getMessage().startsWith("narinfo line 7: NarSize: not a number: '9x9x"), e.getMessage());
    }

    @Test
    void otherHashAlgorithmsInNarHash() {
        Hash sha512 = Hash.of(HashAlgorithm.SHA512, new byte[0]);
        NarInfo n = NarInfo.parse(DBUS).withNarHash(sha512);
        assertEquals(sha512, n.narHash());
        assertTrue(n.fingerprint().contains(";sha512:" + sha512.toBase32() + ";"));
    }
}
