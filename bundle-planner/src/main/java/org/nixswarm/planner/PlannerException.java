package org.nixswarm.planner;

/** The planner's one user-facing error: the message names the input, line or field that is wrong. */
public final class PlannerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PlannerException(String message) {
        super(message);
    }

    public PlannerException(String message, Throwable cause) {
        super(message, cause);
    }
}
