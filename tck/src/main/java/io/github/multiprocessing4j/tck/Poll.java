package io.github.multiprocessing4j.tck;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polling with a deadline: the suites wait for observable facts, never sleep and hope.
 */
public final class Poll {

    private static final long INTERVAL_MILLIS = 10;

    private Poll() {
    }

    /**
     * Polls {@code condition} every few milliseconds until it holds or the timeout passes.
     *
     * @param condition what to wait for
     * @param timeout how long to wait at most
     * @return whether the condition held in time (it is checked once more at the deadline)
     * @throws InterruptedException if interrupted while waiting
     */
    public static boolean until(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return condition.getAsBoolean();
            }
            Thread.sleep(INTERVAL_MILLIS);
        }
        return true;
    }
}
