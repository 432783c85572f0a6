package io.github.multiprocessing4j.internal.shared;

import java.time.Duration;
import java.util.Objects;

/** Timeouts of blocking operations on shared objects, as nanoseconds on the wire. */
public final class Timeouts {

    /** Wait for ever. */
    public static final long FOREVER = -1;

    private Timeouts() {
    }

    /**
     * Converts a user's timeout.
     *
     * @param timeout the timeout
     * @return its nanoseconds, saturated
     * @throws IllegalArgumentException if it is negative
     */
    public static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
