package org.nixswarm.tracker;

/**
 * The tracker cannot start or its input is wrong (a bad listen address, an unreadable or malformed
 * plan manifest). The message names what is wrong; the CLI prints it as one line.
 */
public class TrackerException extends RuntimeException {
    public TrackerException(String message) {
        super(message);
    }

    public TrackerException(String message, Throwable cause) {
        super(message, cause);
    }
}
