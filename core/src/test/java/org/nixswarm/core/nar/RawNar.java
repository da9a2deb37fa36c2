package org.nixswarm.core.nar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes NAR tokens with no checks at all, to build broken NARs for the reader's tests. */
final class RawNar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static RawNar start() {
        return new RawNar().s("nix-archive-1");
    }

    RawNar s(String... tokens) {
        for (String t : tokens) b(t.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    RawNar b(byte[] bytes) {
        u64(bytes.length);
        out.writeBytes(bytes);
        out.writeBytes(new byte[(8 - bytes.length % 8) % 8]);
        return this;
    }

    RawNar u64(long v) {
        for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)));
        return this;
    }

    RawNar raw(byte... bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** A regular file node: ( type regular contents <data> ). */
    RawNar file(String data) {
        return s("(", "type", "regular", "contents", data, ")");
    }

    RawNar entry(String name, Runnable node) {
        s("entry", "(", "name", name, "node");
        node.run();
        return s(")");
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
