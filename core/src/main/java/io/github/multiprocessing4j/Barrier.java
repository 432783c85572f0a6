package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shared.HostedBarrier;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import io.github.multiprocessing4j.internal.shared.Waits;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

/**
 * A barrier for a fixed number of parties, in any processes: Python's
 * {@code multiprocessing.Barrier}. A waiter that times out, is interrupted or whose process
 * dies breaks it: every other waiter gets {@link BrokenBarrierException}.
 */
public final class Barrier implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String id;
    private final int parties;

    /**
     * A barrier, hosted in this process.
     *
     * @param parties how many waiters release each other, at least 1
     */
    public Barrier(int parties) {
        this.id = SharedObjects.host(new HostedBarrier(parties));
        this.parties = parties;
    }

    /**
     * Waits until {@link #parties()} waiters are here.
     *
     * @return this waiter's arrival index, 0 to parties - 1
     * @throws BrokenBarrierException if the barrier is or becomes broken
     * @throws InterruptedException if interrupted while waiting (the barrier breaks)
     */
    public int await() throws BrokenBarrierException, InterruptedException {
        try {
            return (Integer) Shared.barrierCall(id, HostedBarrier.AWAIT, Timeouts.FOREVER);
        } catch (TimeoutException e) {
            throw new IllegalStateException("unreachable: an unbounded wait cannot time out", e);
        }
    }

    /**
     * Waits at most {@code timeout}; a timeout breaks the barrier.
     *
     * @param timeout how long to wait
     * @return this waiter's arrival index
     * @throws TimeoutException if the others did not come in time
     * @throws BrokenBarrierException if the barrier is or becomes broken
     * @throws InterruptedException if interrupted while waiting
     */
    public int await(Duration timeout) throws TimeoutException, BrokenBarrierException, InterruptedException {
        return (Integer) Shared.barrierCall(id, HostedBarrier.AWAIT, Timeouts.nanos(timeout));
    }

    /** Breaks the barrier: current and future waiters fail until {@link #reset()}. */
    public void abort() {
        Shared.quickCall(id, HostedBarrier.ABORT);
    }

    /** Makes the barrier usable again; current waiters fail. */
    public void reset() {
        Shared.quickCall(id, HostedBarrier.RESET);
    }

    /**
     * How many waiters release each other.
     *
     * @return the parties
     */
    public int parties() {
        return parties;
    }

    /**
     * How many wait now: Python's {@code n_waiting}.
     *
     * @return the waiters
     */
    public int waiting() {
        return (Integer) Shared.quickCall(id, HostedBarrier.WAITING);
    }

    /**
     * Whether the barrier is broken.
     *
     * @return the state
     */
    public boolean isBroken() {
        return (Boolean) Shared.quickCall(id, HostedBarrier.BROKEN);
    }
}
