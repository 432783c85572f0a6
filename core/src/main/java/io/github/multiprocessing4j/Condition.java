package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shared.HostedCondition;
import io.github.multiprocessing4j.internal.shared.Owners;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import java.io.Serial;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A condition variable shared by processes: Python's {@code multiprocessing.Condition}, with
 * its own {@link RLock} ({@link #acquire()} / {@link #release()}). A thread that holds the lock
 * may {@link #await(Duration) wait} (releasing the lock until notified) or notify waiters.
 */
public final class Condition extends RLock {

    @Serial
    private static final long serialVersionUID = 1L;

    /** A condition with a new lock, hosted in this process. */
    public Condition() {
        super();
    }

    /**
     * Releases the lock, waits until notified, then re-acquires the lock: Python's
     * {@code wait()}.
     *
     * @throws InterruptedException if interrupted while waiting (the lock is held again)
     * @throws IllegalStateException "cannot wait on un-acquired lock"
     */
    public void await() throws InterruptedException {
        Shared.call(id(), HostedCondition.AWAIT, Owners.current(), Timeouts.FOREVER);
    }

    /**
     * Like {@link #await()}, waiting at most {@code timeout}; the lock is held again on return.
     *
     * @param timeout how long to wait; zero or negative does not wait (SPEC L17)
     * @return whether it was notified in time
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException "cannot wait on un-acquired lock"
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return (Boolean) Shared.call(id(), HostedCondition.AWAIT, Owners.current(), Timeouts.nanos(timeout));
    }

    /**
     * Waits until {@code predicate} is true: Python's {@code wait_for(predicate)}. The calling
     * thread must hold the lock. The predicate is evaluated in the calling process, with the
     * lock held, first and after each wake-up (so it need not be serializable and may read this
     * process's state and shared objects alike).
     *
     * @param predicate the condition to wait for
     * @return the predicate's last value: true
     * @throws InterruptedException if interrupted while waiting (the lock is held again)
     * @throws IllegalStateException "cannot wait on un-acquired lock"
     */
    public boolean waitFor(BooleanSupplier predicate) throws InterruptedException {
        Objects.requireNonNull(predicate, "predicate");
        boolean result = predicate.getAsBoolean();
        while (!result) {
            await();
            result = predicate.getAsBoolean();
        }
        return result;
    }

    /**
     * Waits at most {@code timeout} until {@code predicate} is true: Python's
     * {@code wait_for(predicate, timeout)}. As {@link #waitFor(BooleanSupplier)}; the lock is
     * held again on return, whatever the outcome.
     *
     * @param predicate the condition to wait for
     * @param timeout how long to wait in all; zero or negative does not wait (SPEC L17)
     * @return the predicate's last value: false if the time ran out first
     * @throws InterruptedException if interrupted while waiting (the lock is held again)
     * @throws IllegalStateException "cannot wait on un-acquired lock"
     */
    public boolean waitFor(BooleanSupplier predicate, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(predicate, "predicate");
        long nanos = Timeouts.nanos(timeout);
        long start = System.nanoTime();
        boolean result = predicate.getAsBoolean();
        while (!result) {
            long left = nanos - (System.nanoTime() - start);
            if (left <= 0) {
                break;
            }
            Shared.call(id(), HostedCondition.AWAIT, Owners.current(), left);
            result = predicate.getAsBoolean();
        }
        return result;
    }

    /**
     * Wakes one waiter.
     *
     * @throws IllegalStateException "cannot notify on un-acquired lock"
     */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes up to {@code n} waiters: Python's {@code notify(n)}.
     *
     * @param n how many
     * @throws IllegalStateException "cannot notify on un-acquired lock"
     */
    public void signal(int n) {
        Shared.quickCall(id(), HostedCondition.NOTIFY, Owners.current(), n);
    }

    /**
     * Wakes every waiter: Python's {@code notify_all()}.
     *
     * @throws IllegalStateException "cannot notify on un-acquired lock"
     */
    public void signalAll() {
        signal(Integer.MAX_VALUE);
    }
}
