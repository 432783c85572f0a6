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
     * Converts a user's timeout. A negative timeout means zero, as in Python and
     * {@code java.util.concurrent} (SPEC L17).
     *
     * @param timeout the timeout
     * @return its nanoseconds, saturated, at least 0
     */
    public static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
