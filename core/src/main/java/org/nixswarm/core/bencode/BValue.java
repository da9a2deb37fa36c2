package org.nixswarm.core.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A bencoded value (BEP 3): integer, byte string, list or dictionary. */
public sealed interface BValue permits BValue.BInt, BValue.BBytes, BValue.BList, BValue.BDict {

    record BInt(long value) implements BValue {}

    /** A byte string; not necessarily UTF-8 (piece hashes, compact peers). */
    record BBytes(byte[] bytes) implements BValue {
        public BBytes {
            bytes = bytes.clone();
        }

        public static BBytes of(String utf8) {
            return new BBytes(utf8.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public int length() {
            return bytes.length;
        }

        public String utf8() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BBytes b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "BBytes[" + utf8() + "]";
        }
    }

    record BList(List<BValue> values) implements BValue {
        public BList {
            values = List.copyOf(values);
        }
    }

    /**
     * A dictionary. Keys are byte strings compared as raw bytes (BEP 3 sorts them that way); we
     * keep them as Java strings decoded as ISO-8859-1 so that the mapping is one-to-one and the
     * order of {@link String#compareTo} equals the order of the raw bytes.
     */
    record BDict(Map<String, BValue> entries) implements BValue {
        public BDict {
            entries = Collections.unmodifiableMap(new TreeMap<>(entries));
        }

        public BValue get(String key) {
            return entries.get(key);
        }

        public boolean has(String key) {
            return entries.containsKey(key);
        }
    }

    static BInt of(long value) {
        return new BInt(value);
    }

    static BBytes of(String utf8) {
        return BBytes.of(utf8);
    }

    static BBytes of(byte[] bytes) {
        return new BBytes(bytes);
    }
}
