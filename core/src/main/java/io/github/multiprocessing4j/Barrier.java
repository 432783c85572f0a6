package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shared.HostedBarrier;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import io.github.multiprocessing4j.internal.shared.Waits;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

/**
 * A barrier for a fixed number of parties, in any processes: Python's
 * {@code multiprocessing.Barrier(parties, action, timeout)}. A waiter that times out, is
 * interrupted or whose process dies breaks it: every other waiter gets
 * {@link BrokenBarrierException}, and so does every later {@code await} until {@link #reset()}.
 *
 * <p>With an action, the last party to arrive runs it, in its own process, before the others are
 * released; if it throws, the barrier breaks, that party gets the action's exception and the
 * others {@link BrokenBarrierException}, as in Python. With a default timeout, {@link #await()}
 * waits at most that long, and a timeout breaks the barrier with a
 * {@link BrokenBarrierException} (Python's {@code BrokenBarrierError});
 * {@link #await(Duration)} throws {@link TimeoutException} instead, as
 * {@link java.util.concurrent.CyclicBarrier} does.
 */
public final class Barrier implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The id of the barrier's state in its hosting process. */
    private final String id;
    /** How many parties each round waits for. */
    private final int parties;
    /** Run by the last party of each round; null for none. */
    private final SerializableRunnable action;
    /** What {@link #await()} waits at most; null for ever. */
    private final Duration timeout;

    /**
     * A barrier, hosted in this process.
     *
     * @param parties how many waiters release each other, at least 1
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties) {
        this(parties, null, null);
    }

    /**
     * A barrier with an action and a default timeout, hosted in this process: Python's
     * {@code Barrier(parties, action, timeout)}.
     *
     * @param parties how many waiters release each other, at least 1
     * @param action what the last party to arrive runs, in its process, before the others are
     *     released; null for none. It travels with the barrier to every process that gets it, so
     *     it and what it captures must be serializable. If it throws, the barrier is broken and
     *     the party that ran it gets the exception (a checked one as the cause of a
     *     {@link BrokenBarrierException}), as in Python
     * @param timeout what {@link #await()} waits at most; null for ever; negative means zero
     *     (SPEC L17)
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties, SerializableRunnable action, Duration timeout) {
        this.id = SharedObjects.hostCounted(new HostedBarrier(parties, action != null));
        SharedObjects.track(this, id);
        this.parties = parties;
        this.action = action;
        this.timeout = timeout;
    }

    /**
     * Waits until {@link #parties()} waiters are here, at most the default timeout if the
     * barrier has one.
     *
     * @return this waiter's arrival index, 0 to parties - 1
     * @throws BrokenBarrierException if the barrier is or becomes broken, or the default timeout
     *     passed (which breaks it)
     * @throws InterruptedException if interrupted while waiting (the barrier breaks)
     */
    public int await() throws BrokenBarrierException, InterruptedException {
        try {
            return awaitNanos(timeout == null ? Timeouts.FOREVER : Timeouts.nanos(timeout));
        } catch (TimeoutException e) {
            BrokenBarrierException broken = new BrokenBarrierException(
                    "the barrier was not complete within its default timeout of " + timeout + ": it is broken");
            broken.initCause(e);
            throw broken;
        }
    }

    /**
     * Waits at most {@code timeout}; a timeout breaks the barrier.
     *
     * @param timeout how long to wait; zero or negative does not wait (SPEC L17)
     * @return this waiter's arrival index
     * @throws TimeoutException if the others did not come in time
     * @throws BrokenBarrierException if the barrier is or becomes broken
     * @throws InterruptedException if interrupted while waiting
     */
    public int await(Duration timeout) throws TimeoutException, BrokenBarrierException, InterruptedException {
        return awaitNanos(Timeouts.nanos(timeout));
    }

    private int awaitNanos(long nanos) throws TimeoutException, BrokenBarrierException, InterruptedException {
        long arrival = (Long) Shared.barrierCall(id, HostedBarrier.AWAIT, nanos);
        if (arrival >= 0) {
            return (int) arrival;
        }
        // the last party: run the action here, then release the others (or break the barrier)
        long generation = -1 - arrival;
        try {
            Objects.requireNonNull(action, "action").run();
        } catch (Exception | Error e) {
            try {
                Shared.barrierCall(id, HostedBarrier.ACTION_DONE, generation, false);
            } catch (BrokenBarrierException alreadyBroken) {
                e.addSuppressed(alreadyBroken);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e instanceof Error error) {
                throw error;
            }
            // a checked exception of the action: the barrier is broken, and this party says why
            BrokenBarrierException broken = new BrokenBarrierException("the barrier's action threw " + e);
            broken.initCause(e);
            throw broken;
        }
        Shared.barrierCall(id, HostedBarrier.ACTION_DONE, generation, true);
        return parties - 1;
    }

    /** Breaks the barrier: current and future waiters fail until {@link #reset()}. */
    public void abort() {
        Shared.quickCall(id, HostedBarrier.ABORT);
    }

    /**
     * Makes the barrier usable again, at once: the parties waiting now get
     * {@link BrokenBarrierException}, and the next {@code await} calls start a new round
     * (Python's {@code reset()}).
     */
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
     * @return the waiters; 0 while the barrier is broken
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

    /**
     * Serialized: the copy in flight keeps the barrier's state alive until it is deserialized
     * (SPEC M9).
     *
     * @param out the stream
     * @throws java.io.IOException if the stream fails
     */
    @Serial
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        SharedObjects.sending(id);
        out.defaultWriteObject();
    }

    /**
     * Deserialized: this copy keeps the barrier's state alive until it is unreachable, and the
     * process hosting it learns that this process holds it (SPEC M9).
     *
     * @param in the stream
     * @throws java.io.IOException if the stream fails
     * @throws ClassNotFoundException if a class is missing
     */
    @Serial
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        SharedObjects.received(this, id, null);
    }
}
