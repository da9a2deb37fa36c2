package org.nixswarm.index;

/** The index cannot do what was asked; the message names the plan, file, line or value at fault. */
public class IndexException extends RuntimeException {
    public IndexException(String message) {
        super(message);
    }

    public IndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
