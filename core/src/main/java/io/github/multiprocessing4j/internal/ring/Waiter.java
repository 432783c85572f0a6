package io.github.multiprocessing4j.internal.ring;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * One wait of a ring's reader for a record or of its writer for room: spin, then park for
 * growing times. Java has no futex, so a process cannot be woken by a write into shared memory:
 * a waiter notices a change only when it looks again.
 *
 * <p>The trade-off, in numbers: for the first {@link #SPIN_NANOS} a waiter spins, so a record
 * that arrives then is seen within about a microsecond, at the price of a busy core. Then it
 * parks, first for {@link #FIRST_PARK_NANOS}, doubling up to {@link #MAX_PARK_NANOS}: an idle
 * ring costs at most about a thousand wake-ups a second, and a record that arrives after a long
 * idle time waits up to {@code MAX_PARK_NANOS} plus the kernel's timer slack (50 µs by default
 * on Linux, which is also the least a park takes) before it is seen.
 */
final class Waiter {

    /** How long a waiter spins before it parks. */
    static final long SPIN_NANOS = 50_000;
    /** The first park. */
    static final long FIRST_PARK_NANOS = 10_000;
    /** The longest park, and so the most a record waits after it was committed to an idle ring. */
    static final long MAX_PARK_NANOS = 1_000_000;
    /** How often, at most, a parked waiter asks whether its peer is alive: the check may cost a system call. */
    static final long CHECK_EVERY_NANOS = 1_000_000;

    private final long start = System.nanoTime();
    private final long timeoutNanos;
    private long park = FIRST_PARK_NANOS;
    private long lastCheck = start;
    private boolean parking;

    Waiter(Duration timeout) {
        this.timeoutNanos = nanos(timeout);
    }

    private static long nanos(Duration timeout) {
        try {
            return Math.max(0, timeout.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Whether the caller should ask now if its peer is alive: true at most every
     * {@link #CHECK_EVERY_NANOS}, and only once the waiter parks.
     */
    boolean dueForCheck() {
        if (!parking) {
            return false;
        }
        long now = System.nanoTime();
        if (now - lastCheck < CHECK_EVERY_NANOS) {
            return false;
        }
        lastCheck = now;
        return true;
    }

    /**
     * Waits a moment.
     *
     * @return false, without waiting, once the timeout has passed
     * @throws InterruptedException if the thread is interrupted while parked, or was already
     */
    boolean pause() throws InterruptedException {
        long waited = System.nanoTime() - start;
        if (waited >= timeoutNanos) {
            return false;
        }
        if (waited < SPIN_NANOS) {
            Thread.onSpinWait();
            return true;
        }
        if (!parking) {
            parking = true;
            // the first park is preceded by a check
            lastCheck = System.nanoTime() - CHECK_EVERY_NANOS;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        LockSupport.parkNanos(Math.min(park, timeoutNanos - waited));
        park = Math.min(2 * park, MAX_PARK_NANOS);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return true;
    }
}
