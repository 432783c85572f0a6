package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shared.HostedSemaphore;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;

/**
 * A counting semaphore shared by processes: Python's {@code multiprocessing.Semaphore}. Hand it
 * to children by capturing it. Beyond Python: the units a child held when it was killed are given
 * back.
 */
public class Semaphore implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The id of the semaphore's state in its hosting process. */
    private final String id;

    /**
     * A semaphore with {@code value} units, hosted in this process.
     *
     * @param value the initial units, at least 0
     */
    // the cleaner keeps only a phantom reference to this handle: nothing of it is used before it is whole
    @SuppressWarnings("this-escape")
    public Semaphore(int value) {
        this(SharedObjects.hostCounted(new HostedSemaphore(value, -1)));
    }

    Semaphore(String id) {
        this.id = id;
        SharedObjects.track(this, id);
    }

    /**
     * Takes a unit, waiting for one.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public final void acquire() throws InterruptedException {
        Shared.call(id, HostedSemaphore.ACQUIRE, Timeouts.FOREVER);
    }

    /**
     * Takes a unit, waiting at most {@code timeout}: Python's {@code acquire(timeout=...)}.
     *
     * @param timeout how long to wait; zero or negative does not wait (SPEC L17)
     * @return whether a unit was taken
     * @throws InterruptedException if interrupted while waiting
     */
    public final boolean acquire(Duration timeout) throws InterruptedException {
        return (Boolean) Shared.call(id, HostedSemaphore.ACQUIRE, Timeouts.nanos(timeout));
    }

    /**
     * Takes a unit if one is free now: Python's {@code acquire(False)}.
     *
     * @return whether a unit was taken
     */
    public final boolean tryAcquire() {
        return (Boolean) Shared.quickCall(id, HostedSemaphore.ACQUIRE, 0L);
    }

    /**
     * Takes a unit, waiting for one, and returns it as a resource that gives it back when
     * closed: Python's {@code with semaphore:} (and {@code with lock:} for a {@link Lock}).
     *
     * <pre>{@code
     * try (Held held = lock.hold()) {
     *     // the lock is held here, and released however the block ends
     * }
     * }</pre>
     *
     * <p>The lock is not {@link AutoCloseable} itself: one statement acquires and releases, as
     * Python's {@code with} does, and a lock that was not acquired is never released by
     * accident. javac's {@code -Xlint:try} notes that {@code held} is not used inside the block;
     * that is expected ({@code @SuppressWarnings("try")} silences it).
     *
     * @return the unit, to close once; never null
     * @throws InterruptedException if interrupted while waiting (nothing is taken)
     */
    public final Held hold() throws InterruptedException {
        acquire();
        return new HeldOnce(this::release);
    }

    /**
     * Gives a unit back.
     *
     * @throws IllegalStateException "semaphore or lock released too many times" for a lock or
     *     bounded semaphore already at its bound
     */
    public final void release() {
        Shared.quickCall(id, HostedSemaphore.RELEASE);
    }

    /**
     * The free units now: Python's {@code get_value()}.
     *
     * @return the counter
     */
    public final int value() {
        return (Integer) Shared.quickCall(id, HostedSemaphore.VALUE);
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + "(value=" + value() + ")>";
    }

    /**
     * Serialized: the copy in flight keeps the semaphore's state alive until it is deserialized
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
     * Deserialized: this copy keeps the semaphore's state alive until it is unreachable, and the
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
