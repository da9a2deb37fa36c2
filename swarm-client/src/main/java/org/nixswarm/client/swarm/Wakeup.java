package org.nixswarm.client.swarm;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells the message dispatcher that there may be work: bytes were read from a peer, a block was
 * read or written by the data worker, a file became wanted. Without it the dispatcher only polls,
 * and every hop of a piece's round trip (request out, block read, piece out, piece in) waits for
 * the next poll.
 */
final class Wakeup {
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile Thread waiter;

    /** Wakes the waiting thread (if any); the next {@link #await} returns at once otherwise. */
    void signal() {
        if (!pending.getAndSet(true)) {
            Thread t = waiter;
            if (t != null) LockSupport.unpark(t);
        }
    }

    /** Waits up to {@code nanos} for a signal; true if one came (before or during the wait). */
    boolean await(long nanos) {
        if (pending.getAndSet(false)) return true;
        waiter = Thread.currentThread();
        try {
            if (!pending.get()) LockSupport.parkNanos(this, nanos);
        } finally {
            waiter = null;
        }
        return pending.getAndSet(false);
    }

    static long micros(long us) {
        return TimeUnit.MICROSECONDS.toNanos(us);
    }
}
