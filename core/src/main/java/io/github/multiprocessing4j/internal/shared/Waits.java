package io.github.multiprocessing4j.internal.shared;

import java.util.concurrent.TimeUnit;

/** Waiting on a monitor with the wire's timeouts: negative waits for ever, 0 does not wait. */
public final class Waits {

    private Waits() {
    }

    /**
     * The deadline of a wait that starts now.
     *
     * @param timeoutNanos the wait's timeout in nanoseconds, as on the wire
     * @return the {@link System#nanoTime()} at which it ends; meaningless for a negative timeout
     */
    public static long deadline(long timeoutNanos) {
        return System.nanoTime() + timeoutNanos;
    }

    /**
     * Waits on {@code monitor}, which the caller holds.
     *
     * @return false once the deadline has passed; always true for a negative timeout
     */
    public static boolean await(Object monitor, long timeoutNanos, long deadline) throws InterruptedException {
        if (timeoutNanos < 0) {
            monitor.wait();
        } else {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(monitor, left);
        }
        String retired = SharedObjects.retiredReason(monitor);
        if (retired != null) {
            throw new IllegalStateException(retired);
        }
        if (Thread.interrupted()) {
            // notified and cancelled in the same instant, and the JVM chose the notification: a
            // cancelled call takes nothing (its caller no longer waits for it), so the wake-up
            // goes on to the other waiters
            monitor.notifyAll();
            throw new InterruptedException("cancelled while it was being woken up");
        }
        return true;
    }
}
