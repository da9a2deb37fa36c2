package org.nixswarm.core.store;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixswarm.core.FormatException;

class StorePathTest {
    static final String HASH = "0a3yijp35sygmy51cnrrz11vimwapz7c";
    static final String FULL = "/nix/store/" + HASH + "-dbus-conf";

    @Test
    void parsesFullPath() {
        StorePath p = StorePath.parse(FULL);
        assertEquals(HASH, p.hashPart());
        assertEquals("dbus-conf", p.name());
        assertEquals(HASH + "-dbus-conf", p.baseName());
        assertEquals(FULL, p.toString());
        assertEquals(p, StorePath.parseBaseName(HASH + "-dbus-conf"));
        assertEquals(p, new StorePath(HASH, "dbus-conf"));
    }

    @Test
    void hashBytesAreTheDecodedHashPart() {
        StorePath p = StorePath.parse(FULL);
        byte[] h = p.hashBytes();
        assertEquals(20, h.length);
        assertEquals(HASH, NixBase32.encode(h));
        assertEquals(p, StorePath.of(h, "dbus-conf"));
        assertThrows(IllegalArgumentException.class, () -> StorePath.of(new byte[19], "x"));
    }

    @Test
    void acceptsEveryLegalNameCharacterAndMaxLength() {
        String legal = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-._?=";
        assertEquals(legal, StorePath.parseBaseName(HASH + "-" + legal).name());
        String max = "a".repeat(211);
        assertEquals(max, StorePath.parse("/nix/store/" + HASH + "-" + max).name());
        assertEquals("a", StorePath.parseBaseName(HASH + "-a").name());
        assertEquals("-", StorePath.parseBaseName(HASH + "--").name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "a:b", "a@b", "a~b", "a\u00e9", "a\nb", "a*", "a,b", "a%b"})
    void rejectsIllegalNameCharacters(String name) {
        FormatException e = assertThrows(FormatException.class, () -> StorePath.parseBaseName(HASH + "-" + name));
        assertTrue(e.getMessage().contains("illegal character"), e.getMessage());
    }

    @Test
    void rejectsBadNames() {
        assertTrue(assertThrows(FormatException.class, () -> StorePath.parseBaseName(HASH + "-" + "a".repeat(212)))
                .getMessage().contains("longer than 211"));
        assertTrue(assertThrows(FormatException.class, () -> StorePath.parseBaseName(HASH + "-.hidden"))
                .getMessage().contains("starts with '.'"));
        assertTrue(assertThrows(FormatException.class, () -> new StorePath(HASH, ""))
                .getMessage().contains("empty name"));
        assertThrows(FormatException.class, () -> StorePath.parseBaseName(HASH + "-"));
        assertThrows(FormatException.class, () -> StorePath.parseBaseName(HASH));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0a3yijp35sygmy51cnrrz11vimwapz7e-x", // e, o, u, t are not base32
        "0a3yijp35sygmy51cnrrz11vimwapz7o-x",
        "0a3yijp35sygmy51cnrrz11vimwapz7u-x",
        "0a3yijp35sygmy51cnrrz11vimwapz7t-x",
        "0A3yijp35sygmy51cnrrz11vimwapz7c-x",
        "0a3yijp35sygmy51cnrrz11vimwapz7-xy", // 31 characters
        "0a3yijp35sygmy51cnrrz11vimwapz7cc-x",
        "-dbus",
        "",
    })
    void rejectsBadHashParts(String baseName) {
        assertThrows(FormatException.class, () -> StorePath.parseBaseName(baseName));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/nix/store/",
        "/nix/store",
        "/nix/store/" + HASH + "-a/bin",
        "/nix/var/" + HASH + "-a",
        "nix/store/" + HASH + "-a",
        "/nix/store//" + HASH + "-a",
        "/gnu/store/" + HASH + "-a",
        HASH + "-a",
    })
    void rejectsPathsOutsideTheStoreOrBelowAStorePath(String path) {
        assertThrows(FormatException.class, () -> StorePath.parse(path));
    }

    @Test
    void errorQuotesThePath() {
        String m = assertThrows(FormatException.class, () -> StorePath.parse("/nix/store/" + HASH + "-a b")).getMessage();
        assertEquals("store path '/nix/store/" + HASH + "-a b': illegal character ' ' in name", m);
    }

    @Test
    void ordersByBaseNameLikeNix() {
        List<StorePath> l = new ArrayList<>(List.of(
                StorePath.parseBaseName("zz20hmvh44i0kcl76gxq1ajv6kzr1dr7-a"),
                StorePath.parseBaseName("005765sayh7w110hkigf9q2hjj16g0dd-b"),
                StorePath.parseBaseName("005765sayh7w110hkigf9q2hjj16g0dd-a")));
        Collections.sort(l);
        assertEquals("005765sayh7w110hkigf9q2hjj16g0dd-a", l.get(0).baseName());
        assertEquals("005765sayh7w110hkigf9q2hjj16g0dd-b", l.get(1).baseName());
    }
}
