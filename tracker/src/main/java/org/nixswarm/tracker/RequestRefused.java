package org.nixswarm.tracker;

/**
 * A request is malformed or not allowed; the transport turns it into a {@code failure reason}
 * (HTTP) or an error packet (UDP). Protocol control flow, not a bug: it carries no stack trace, so
 * that a flood of bad requests costs no more than good ones.
 */
public final class RequestRefused extends RuntimeException {
    private final ErrorKind kind;

    public RequestRefused(ErrorKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
