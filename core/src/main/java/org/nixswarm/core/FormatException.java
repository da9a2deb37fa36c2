package org.nixswarm.core;

/**
 * Untrusted input (a narinfo, torrent, NAR, key, magnet URI, bencoded message) is malformed or
 * fails a check. The message is meant for the user: it names what is wrong and, where it can,
 * where (line, field, byte offset).
 */
public class FormatException extends RuntimeException {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
