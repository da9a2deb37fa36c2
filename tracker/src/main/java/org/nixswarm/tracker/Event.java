package org.nixswarm.tracker;

/** The {@code event} of an announce (BEP 3; {@code paused} from BEP 21 counts as a plain update). */
public enum Event {
    NONE,
    STARTED,
    COMPLETED,
    STOPPED,
    PAUSED;

    /** BEP 15's numbering: 0 none, 1 completed, 2 started, 3 stopped; null for anything else. */
    public static Event fromUdp(int code) {
        switch (code) {
            case 0: return NONE;
            case 1: return COMPLETED;
            case 2: return STARTED;
            case 3: return STOPPED;
            default: return null;
        }
    }
}
