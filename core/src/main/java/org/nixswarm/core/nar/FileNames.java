package org.nixswarm.core.nar;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * Java sees file names as strings decoded with the platform's file-name encoding
 * ({@code sun.jnu.encoding}); NARs hold bytes. This converts back, and refuses a name the JVM
 * could not decode (it would show up with U+FFFD and be written to the NAR wrongly).
 */
final class FileNames {
    static final Charset CHARSET = charset();

    private FileNames() {}

    static byte[] bytes(String name, Path where) throws IOException {
        if (name.indexOf('\uFFFD') >= 0) {
            throw new IOException("cannot read the name of " + where + " exactly: it is not valid in the file-name encoding "
                    + CHARSET + " (run Java with a UTF-8 locale, e.g. LC_ALL=C.UTF-8)");
        }
        return name.getBytes(CHARSET);
    }

    static String string(byte[] name) {
        return new String(name, CHARSET);
    }

    /** True if {@code name} survives the trip to a Java file name and back unchanged. */
    static boolean representable(byte[] name) {
        String s = string(name);
        return s.indexOf('\uFFFD') < 0 && java.util.Arrays.equals(s.getBytes(CHARSET), name);
    }

    private static Charset charset() {
        String jnu = System.getProperty("sun.jnu.encoding");
        try {
            if (jnu != null) return Charset.forName(jnu);
        } catch (RuntimeException e) {
            // fall through to the default
        }
        return Charset.defaultCharset();
    }
}
