package org.nixswarm.core.testcache;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a {@code Range} header (RFC 9110 §14) resolved against a file's length:
 * {@code bytes=a-b}, {@code bytes=a-} or the suffix {@code bytes=-n}. Several ranges or a
 * malformed header are ignored (the whole file is served), as the RFC allows.
 */
record ByteRange(long first, long last) {
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    /** The result of looking at a Range header. */
    sealed interface Result permits Whole, Partial, Unsatisfiable {}

    record Whole() implements Result {}

    record Partial(ByteRange range) implements Result {}

    record Unsatisfiable() implements Result {}

    long length() {
        return last - first + 1;
    }

    static Result parse(String header, long size) {
        if (header == null) return new Whole();
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches()) return new Whole();
        String a = m.group(1);
        String b = m.group(2);
        if (a.isEmpty() && b.isEmpty()) return new Whole();
        if (a.isEmpty()) { // suffix: the last n bytes
            long n = Long.parseLong(b);
            if (n == 0 || size == 0) return new Unsatisfiable();
            return new Partial(new ByteRange(Math.max(0, size - n), size - 1));
        }
        long first = Long.parseLong(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
        if (last < first) return new Whole(); // syntactically invalid: ignore the header
        if (first >= size) return new Unsatisfiable();
        return new Partial(new ByteRange(first, Math.min(last, size - 1)));
    }
}
