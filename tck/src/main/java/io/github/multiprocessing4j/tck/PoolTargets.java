package io.github.multiprocessing4j.tck;

import io.github.multiprocessing4j.Barrier;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.Multiprocessing;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** What the pool suite's workers run: static state lives once per worker JVM. */
final class PoolTargets {

    private static final AtomicInteger INITIALIZED = new AtomicInteger();
    private static volatile String initializedIn = "not initialized";

    private PoolTargets() {
    }

    /** The pool's initializer: records that it ran, how often, and in which process. */
    static void initialize() {
        int times = INITIALIZED.incrementAndGet();
        initializedIn = (times == 1 ? "initialized once in " : "initialized " + times + " times in ")
                + Multiprocessing.currentProcess().name();
    }

    /** What {@link #initialize()} recorded in this worker. */
    static String initializedAs() {
        return initializedIn;
    }

    /** Waits for the event, bounded by {@link Targets#MAX_WAIT}. */
    static void awaitQuietly(Event event) {
        try {
            event.await(Targets.MAX_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits at the barrier, bounded by {@link Targets#MAX_WAIT}. */
    static void awaitQuietly(Barrier barrier) {
        try {
            barrier.await(Targets.MAX_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("the other task never came: " + e, e);
        }
    }

    /** Where the ranges of {@link #primesIn(int)} start: far enough that every range costs about the same. */
    static final long PRIME_BASE = 3_000_000;
    /** The width of each range of {@link #primesIn(int)}. */
    static final int PRIME_RANGE = 400_000;

    /**
     * CPU work with no I/O, about the same for every {@code range}: the number of primes among
     * {@link #PRIME_RANGE} integers from {@code PRIME_BASE + range * PRIME_RANGE}, by trial division.
     */
    static long primesIn(int range) {
        long count = 0;
        long from = PRIME_BASE + (long) range * PRIME_RANGE;
        for (long n = from; n < from + PRIME_RANGE; n++) {
            boolean prime = true;
            for (long d = 2; d * d <= n; d++) {
                if (n % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                count++;
            }
        }
        return count;
    }

    /** {@link #primesIn(int)} and the pid of the process that computed it. */
    static long[] primesInWithPid(int range) {
        return new long[] {primesIn(range), Multiprocessing.currentProcess().pid()};
    }
}
