package io.github.multiprocessing4j.internal;

import java.util.concurrent.TimeUnit;

/** Waiting on a monitor with the wire's timeouts: negative waits for ever, 0 does not wait. */
final class Waits {

    private Waits() {
    }

    static long deadline(long timeoutNanos) {
        return System.nanoTime() + timeoutNanos;
    }

    /**
     * Waits on {@code monitor}, which the caller holds.
     *
     * @return false once the deadline has passed; always true for a negative timeout
     */
    static boolean await(Object monitor, long timeoutNanos, long deadline) throws InterruptedException {
        if (timeoutNanos < 0) {
            monitor.wait();
            return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        TimeUnit.NANOSECONDS.timedWait(monitor, left);
        return true;
    }
}
