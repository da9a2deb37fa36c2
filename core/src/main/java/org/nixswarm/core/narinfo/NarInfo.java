package org.nixswarm.core.narinfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.sign.Signature;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.Quoting;
import org.nixswarm.core.store.StorePath;

/**
 * A {@code .narinfo}: the metadata of one store path in a binary cache, as {@code Name: value}
 * lines. Parsing keeps every line (order, unknown fields, exact text), so {@link #print()} gives
 * back the input byte for byte; the typed accessors are checked views of those lines. Immutable:
 * the {@code with…} methods and the {@link Builder} return new narinfos.
 *
 * <p>What Nix signs is the {@link #fingerprint()}, {@code 1;<StorePath>;<NarHash>;<NarSize>;<References>}
 * (libstore path-info.cc): the hash in {@code sha256:<base32>} form whatever form the file uses, the
 * size in decimal, the references as full store paths, sorted and without duplicates (Nix keeps them
 * in a set), joined by commas.
 */
public final class NarInfo {
    /** Far above real narinfos (the one with 3,691 references is 208 KB); bounds what a peer can make us parse. */
    public static final int MAX_SIZE = 4 << 20;
    public static final int MAX_FIELDS = 1000;
    public static final int MAX_REFERENCES = 100_000;

    public static final String STORE_PATH = "StorePath";
    public static final String URL = "URL";
    public static final String COMPRESSION = "Compression";
    public static final String FILE_HASH = "FileHash";
    public static final String FILE_SIZE = "FileSize";
    public static final String NAR_HASH = "NarHash";
    public static final String NAR_SIZE = "NarSize";
    public static final String REFERENCES = "References";
    public static final String DERIVER = "Deriver";
    public static final String SIG = "Sig";
    public static final String CA = "CA";

    /** The order in which Nix writes the fields it knows (narinfo.cc {@code to_string}). */
    private static final List<String> NIX_ORDER = List.of(STORE_PATH, URL, COMPRESSION, FILE_HASH,
            FILE_SIZE, NAR_HASH, NAR_SIZE, REFERENCES, DERIVER, SIG, CA);
    private static final List<String> REQUIRED = List.of(STORE_PATH, URL, NAR_HASH, NAR_SIZE);
    private static final String UNKNOWN_DERIVER = "unknown-deriver";

    /** One {@code Name: value} line. */
    public record Field(String name, String value) {
        public Field {
            if (name == null || value == null) throw new NullPointerException();
        }
    }

    private final List<Field> fields;
    private final StorePath storePath;
    private final String url;
    private final String compression;
    private final Hash fileHash;
    private final long fileSize;
    private final Hash narHash;
    private final long narSize;
    private final List<StorePath> references;
    private final StorePath deriver;
    private final List<Signature> signatures;
    private final String ca;

    private NarInfo(List<Field> fields, String origin) {
        this.fields = List.copyOf(fields);
        if (fields.isEmpty()) throw new FormatException(origin + ": empty narinfo");
        if (fields.size() > MAX_FIELDS) {
            throw new FormatException(origin + ": more than " + MAX_FIELDS + " lines");
        }
        Map<String, Integer> seenOnLine = new HashMap<>();
        StorePath storePath = null;
        String url = null;
        String compression = null;
        Hash fileHash = null;
        long fileSize = -1;
        Hash narHash = null;
        long narSize = -1;
        List<StorePath> references = List.of();
        StorePath deriver = null;
        List<Signature> signatures = new ArrayList<>();
        String ca = null;
        for (int i = 0; i < fields.size(); i++) {
            int line = i + 1;
            String name = fields.get(i).name();
            String value = fields.get(i).value();
            checkName(origin, line, name);
            checkValueChars(origin, line, name, value);
            if (NIX_ORDER.contains(name) && !name.equals(SIG)) {
                Integer first = seenOnLine.putIfAbsent(name, line);
                if (first != null) {
                    throw error(origin, line, name, "duplicate field (first on line " + first + ")");
                }
            }
            try {
                switch (name) {
                    case STORE_PATH -> storePath = StorePath.parse(value);
                    case URL -> {
                        if (value.isEmpty()) throw new FormatException("empty");
                        if (value.indexOf(' ') >= 0) throw new FormatException("contains a space");
                        url = value;
                    }
                    case COMPRESSION -> compression = checkCompression(value);
                    case FILE_HASH -> fileHash = Hash.parse(value);
                    case FILE_SIZE -> fileSize = parseSize(value);
                    case NAR_HASH -> narHash = Hash.parse(value);
                    case NAR_SIZE -> {
                        narSize = parseSize(value);
                        if (narSize == 0) throw new FormatException("must be positive (Nix treats 0 as unknown)");
                    }
                    case REFERENCES -> references = parseReferences(value);
                    case DERIVER -> deriver = value.equals(UNKNOWN_DERIVER) ? null : StorePath.parseBaseName(value);
                    case SIG -> signatures.add(Signature.parse(value));
                    case CA -> ca = ContentAddress.check(value);
                    default -> { } // unknown fields are kept as they are
                }
            } catch (FormatException e) {
                throw error(origin, line, name, e.getMessage());
            }
        }
        List<String> missing = new ArrayList<>();
        for (String required : REQUIRED) {
            if (!seenOnLine.containsKey(required)) missing.add(required);
        }
        if (!missing.isEmpty()) {
            throw new FormatException(origin + ": missing required field" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing));
        }
        this.storePath = storePath;
        this.url = url;
        this.compression = compression;
        this.fileHash = fileHash;
        this.fileSize = fileSize;
        this.narHash = narHash;
        this.narSize = narSize;
        this.references = references;
        this.deriver = deriver;
        this.signatures = List.copyOf(signatures);
        this.ca = ca;
    }

    // ---- parsing

    public static NarInfo parse(String text) {
        return parse(text, "narinfo");
    }

    /** Parses {@code text}; {@code origin} (e.g. a file name or URL) starts every error message. */
    public static NarInfo parse(String text, String origin) {
        if (text.length() > MAX_SIZE) {
            throw new FormatException(origin + ": larger than " + MAX_SIZE + " characters (" + text.length() + ")");
        }
        List<Field> fields = new ArrayList<>();
        int pos = 0;
        int line = 0;
        while (pos < text.length()) {
            line++;
            if (line > MAX_FIELDS) throw new FormatException(origin + ": more than " + MAX_FIELDS + " lines");
            int eol = text.indexOf('\n', pos);
            if (eol < 0) throw new FormatException(origin + " line " + line + ": no newline at the end of the line");
            String l = text.substring(pos, eol);
            if (l.isEmpty()) throw new FormatException(origin + " line " + line + ": empty line");
            int colon = l.indexOf(':');
            if (colon < 0) {
                throw new FormatException(origin + " line " + line + ": expected '<Field>: <value>', got " + Quoting.quote(l));
            }
            String name = l.substring(0, colon);
            checkName(origin, line, name);
            if (l.length() < colon + 2 || l.charAt(colon + 1) != ' ') {
                throw error(origin, line, name, "expected ': ' after the field name");
            }
            fields.add(new Field(name, l.substring(colon + 2)));
            pos = eol + 1;
        }
        return new NarInfo(fields, origin);
    }

    /** Parses UTF-8 bytes (invalid UTF-8 is an error, never replaced). */
    public static NarInfo parse(byte[] bytes, String origin) {
        if (bytes.length > MAX_SIZE) {
            throw new FormatException(origin + ": larger than " + MAX_SIZE + " bytes (" + bytes.length + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(origin + ": not valid UTF-8");
        }
        return parse(text, origin);
    }

    public static NarInfo parse(byte[] bytes) {
        return parse(bytes, "narinfo");
    }

    /** Reads at most {@link #MAX_SIZE} bytes of {@code in}; more is an error. */
    public static NarInfo read(InputStream in, String origin) throws IOException {
        byte[] bytes = in.readNBytes(MAX_SIZE + 1);
        if (bytes.length > MAX_SIZE) throw new FormatException(origin + ": larger than " + MAX_SIZE + " bytes");
        return parse(bytes, origin);
    }

    public static NarInfo readFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    private static void checkName(String origin, int line, String name) {
        if (name.isEmpty()) throw new FormatException(origin + " line " + line + ": empty field name");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                throw new FormatException(origin + " line " + line + ": illegal field name " + Quoting.quote(name));
            }
        }
    }

    private static void checkValueChars(String origin, int line, String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw error(origin, line, name, "control character " + Quoting.quote(String.valueOf(c))
                        + " in value at column " + (name.length() + 3 + i));
            }
        }
    }

    private static String checkCompression(String value) {
        if (value.isEmpty()) throw new FormatException("empty");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                throw new FormatException("not a compression method name: " + Quoting.quote(value));
            }
        }
        return value;
    }

    /** A canonical non-negative decimal: what Nix writes; leading zeros or signs would sign a different text. */
    private static long parseSize(String value) {
        boolean digits = !value.isEmpty() && value.length() <= 19;
        for (int i = 0; digits && i < value.length(); i++) {
            char c = value.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        if (!digits) throw new FormatException("not a number: " + Quoting.quote(value));
        if (value.length() > 1 && value.charAt(0) == '0') {
            throw new FormatException("leading zero in number " + Quoting.quote(value));
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new FormatException("number out of range: " + Quoting.quote(value));
        }
    }

    private static List<StorePath> parseReferences(String value) {
        List<StorePath> refs = new ArrayList<>();
        // like Nix's tokenizeString: runs of spaces separate, empty tokens are skipped
        for (String token : value.split(" ")) {
            if (token.isEmpty()) continue;
            if (refs.size() == MAX_REFERENCES) throw new FormatException("more than " + MAX_REFERENCES + " references");
            refs.add(StorePath.parseBaseName(token));
        }
        return List.copyOf(refs);
    }

    private static FormatException error(String origin, int line, String field, String why) {
        return new FormatException(origin + " line " + line + ": " + field + ": " + why);
    }

    // ---- printing

    /** The narinfo text: every line as parsed (or generated), each ending in a newline. */
    public String print() {
        StringBuilder b = new StringBuilder(256);
        for (Field f : fields) b.append(f.name()).append(": ").append(f.value()).append('\n');
        return b.toString();
    }

    public byte[] printBytes() {
        return print().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return print();
    }

    /** Equal when the texts are equal (two texts Nix reads alike, e.g. base16 vs base32 NarHash, differ). */
    @Override
    public boolean equals(Object o) {
        return o instanceof NarInfo n && n.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    // ---- fields

    public StorePath storePath() {
        return storePath;
    }

    /** The name a binary cache serves it under: {@code <hash part>.narinfo}. */
    public String fileName() {
        return storePath.hashPart() + ".narinfo";
    }

    public String url() {
        return url;
    }

    /** The Compression field; {@code bzip2} when absent, as Nix reads it. */
    public String compression() {
        return compression == null ? "bzip2" : compression;
    }

    public Optional<Hash> fileHash() {
        return Optional.ofNullable(fileHash);
    }

    public OptionalLong fileSize() {
        return fileSize < 0 ? OptionalLong.empty() : OptionalLong.of(fileSize);
    }

    public Hash narHash() {
        return narHash;
    }

    public long narSize() {
        return narSize;
    }

    /** The References as written: base names ({@code <hash>-<name>}), in file order. */
    public List<String> references() {
        List<String> names = new ArrayList<>(references.size());
        for (StorePath p : references) names.add(p.baseName());
        return names;
    }

    public List<StorePath> referencePaths() {
        return references;
    }

    /** The Deriver, absent when missing or {@code unknown-deriver}. */
    public Optional<StorePath> deriver() {
        return Optional.ofNullable(deriver);
    }

    /** The Sig values, in file order. */
    public List<String> sigs() {
        List<String> out = new ArrayList<>(signatures.size());
        for (Field f : fields) if (f.name().equals(SIG)) out.add(f.value());
        return out;
    }

    public List<Signature> signatures() {
        return signatures;
    }

    public Optional<String> ca() {
        return Optional.ofNullable(ca);
    }

    /** Every line, in order. */
    public List<Field> fields() {
        return fields;
    }

    /** The lines whose name Nix does not know (e.g. {@code System}), in order. */
    public List<Field> unknownFields() {
        List<Field> out = new ArrayList<>();
        for (Field f : fields) if (!NIX_ORDER.contains(f.name())) out.add(f);
        return out;
    }

    /** The value of the first line named {@code name}. */
    public Optional<String> field(String name) {
        for (Field f : fields) if (f.name().equals(name)) return Optional.of(f.value());
        return Optional.empty();
    }

    // ---- signatures

    /** What Nix signs: {@code 1;<StorePath>;<NarHash sha256:base32>;<NarSize>;<sorted full reference paths, comma-joined>}. */
    public String fingerprint() {
        StringBuilder b = new StringBuilder(128 + references.size() * 80);
        b.append("1;").append(storePath).append(';').append(narHash.toBase32String()).append(';').append(narSize).append(';');
        boolean first = true;
        for (StorePath ref : new TreeSet<>(references)) {
            if (!first) b.append(',');
            b.append(ref);
            first = false;
        }
        return b.toString();
    }

    /** True if some Sig is a valid signature of the fingerprint by one of {@code trusted}. */
    public boolean verify(Collection<PublicKey> trusted) {
        return !verifiedBy(trusted).isEmpty();
    }

    /** The keys of {@code trusted} (in its order) by which at least one Sig verifies. */
    public List<PublicKey> verifiedBy(Collection<PublicKey> trusted) {
        byte[] message = fingerprint().getBytes(StandardCharsets.UTF_8);
        List<PublicKey> out = new ArrayList<>();
        for (PublicKey key : trusted) {
            for (Signature sig : signatures) {
                if (key.verify(message, sig)) {
                    out.add(key);
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Signs the fingerprint with {@code key}. The new Sig replaces any Sig by a key of the same name
     * (which would no longer verify after a change), else follows the last Sig, else goes where
     * Nix writes it (before CA).
     */
    public NarInfo withSignature(SecretKey key) {
        String sig = key.sign(fingerprint().getBytes(StandardCharsets.UTF_8));
        List<Field> out = new ArrayList<>(fields.size() + 1);
        int insertAt = -1;
        int lastSig = -1;
        for (Field f : fields) {
            if (f.name().equals(SIG)) {
                if (Signature.parse(f.value()).keyName().equals(key.name())) {
                    if (insertAt < 0) insertAt = out.size();
                    continue;
                }
                lastSig = out.size();
            }
            out.add(f);
        }
        if (insertAt < 0) insertAt = lastSig >= 0 ? lastSig + 1 : canonicalPosition(out, SIG);
        out.add(insertAt, new Field(SIG, sig));
        return new NarInfo(out, "narinfo");
    }

    public NarInfo withoutSignatures() {
        return withoutField(SIG);
    }

    // ---- withers (each returns a new, fully checked narinfo)

    /**
     * Sets field {@code name} to {@code value}: replaces the first such line and drops any others,
     * or adds one where Nix would write it (unknown fields go at the end). Checked like parsed input.
     */
    public NarInfo withField(String name, String value) {
        List<Field> out = new ArrayList<>(fields.size() + 1);
        boolean replaced = false;
        for (Field f : fields) {
            if (f.name().equals(name)) {
                if (!replaced) out.add(new Field(name, value));
                replaced = true;
            } else {
                out.add(f);
            }
        }
        if (!replaced) out.add(canonicalPosition(out, name), new Field(name, value));
        return new NarInfo(out, "narinfo");
    }

    /** Removes every line named {@code name}. */
    public NarInfo withoutField(String name) {
        List<Field> out = new ArrayList<>(fields.size());
        for (Field f : fields) if (!f.name().equals(name)) out.add(f);
        return new NarInfo(out, "narinfo");
    }

    public NarInfo withStorePath(StorePath p) {
        return withField(STORE_PATH, p.toString());
    }

    public NarInfo withUrl(String u) {
        return withField(URL, u);
    }

    public NarInfo withCompression(String c) {
        return withField(COMPRESSION, c);
    }

    public NarInfo withFileHash(Hash h) {
        return withField(FILE_HASH, h.toBase32String());
    }

    public NarInfo withFileSize(long size) {
        return withField(FILE_SIZE, Long.toString(size));
    }

    public NarInfo withNarHash(Hash h) {
        return withField(NAR_HASH, h.toBase32String());
    }

    public NarInfo withNarSize(long size) {
        return withField(NAR_SIZE, Long.toString(size));
    }

    /** Sets References to {@code refs}, sorted and without duplicates, as Nix writes them. */
    public NarInfo withReferences(Collection<StorePath> refs) {
        return withField(REFERENCES, joinReferences(refs));
    }

    /** Sets or (with null) removes the Deriver. */
    public NarInfo withDeriver(StorePath drv) {
        return drv == null ? withoutField(DERIVER) : withField(DERIVER, drv.baseName());
    }

    /** Sets or (with null) removes CA. */
    public NarInfo withCa(String contentAddress) {
        return contentAddress == null ? withoutField(CA) : withField(CA, contentAddress);
    }

    private static String joinReferences(Collection<StorePath> refs) {
        StringBuilder b = new StringBuilder();
        for (StorePath ref : new TreeSet<>(refs)) {
            if (b.length() > 0) b.append(' ');
            b.append(ref.baseName());
        }
        return b.toString();
    }

    /** Where a new {@code name} line goes: before the first known field Nix writes after it. */
    private static int canonicalPosition(List<Field> fields, String name) {
        int rank = NIX_ORDER.indexOf(name);
        if (rank < 0) return fields.size();
        for (int i = 0; i < fields.size(); i++) {
            int r = NIX_ORDER.indexOf(fields.get(i).name());
            if (r > rank) return i;
        }
        return fields.size();
    }

    // ---- building from scratch

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a narinfo from scratch in Nix's field order, as a binary cache writer would. */
    public static final class Builder {
        private StorePath storePath;
        private String url;
        private String compression;
        private Hash fileHash;
        private Long fileSize;
        private Hash narHash;
        private Long narSize;
        private final TreeSet<StorePath> references = new TreeSet<>();
        private StorePath deriver;
        private final List<String> sigs = new ArrayList<>();
        private String ca;
        private final List<Field> extra = new ArrayList<>();

        private Builder() {}

        public Builder storePath(StorePath p) { this.storePath = p; return this; }
        public Builder url(String u) { this.url = u; return this; }
        public Builder compression(String c) { this.compression = c; return this; }
        public Builder fileHash(Hash h) { this.fileHash = h; return this; }
        public Builder fileSize(long s) { this.fileSize = s; return this; }
        public Builder narHash(Hash h) { this.narHash = h; return this; }
        public Builder narSize(long s) { this.narSize = s; return this; }
        /** Adds references; they are written sorted and without duplicates, as Nix does. */
        public Builder references(Collection<StorePath> refs) { this.references.addAll(refs); return this; }
        public Builder reference(StorePath ref) { this.references.add(ref); return this; }
        public Builder deriver(StorePath drv) { this.deriver = drv; return this; }
        /** Adds an existing signature line ({@code name:base64}); to sign, use {@link NarInfo#withSignature}. */
        public Builder sig(String sig) { this.sigs.add(sig); return this; }
        public Builder ca(String contentAddress) { this.ca = contentAddress; return this; }
        /** An extra field (e.g. {@code System}), written after Deriver. */
        public Builder field(String name, String value) { this.extra.add(new Field(name, value)); return this; }

        /** The narinfo; a missing required field or a bad value is a {@link FormatException}. */
        public NarInfo build() {
            List<Field> f = new ArrayList<>();
            if (storePath != null) f.add(new Field(STORE_PATH, storePath.toString()));
            if (url != null) f.add(new Field(URL, url));
            if (compression != null) f.add(new Field(COMPRESSION, compression));
            if (fileHash != null) f.add(new Field(FILE_HASH, fileHash.toBase32String()));
            if (fileSize != null) f.add(new Field(FILE_SIZE, Long.toString(fileSize)));
            if (narHash != null) f.add(new Field(NAR_HASH, narHash.toBase32String()));
            if (narSize != null) f.add(new Field(NAR_SIZE, Long.toString(narSize)));
            f.add(new Field(REFERENCES, joinReferences(references)));
            if (deriver != null) f.add(new Field(DERIVER, deriver.baseName()));
            f.addAll(extra);
            for (String s : sigs) f.add(new Field(SIG, s));
            if (ca != null) f.add(new Field(CA, ca));
            return new NarInfo(f, "narinfo");
        }
    }
}
