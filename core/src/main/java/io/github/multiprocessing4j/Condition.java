package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.HostedCondition;
import io.github.multiprocessing4j.internal.Owners;
import io.github.multiprocessing4j.internal.Shared;
import io.github.multiprocessing4j.internal.Timeouts;
import java.io.Serial;
import java.time.Duration;

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
