package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.memory.SharedBlock;
import io.github.multiprocessing4j.internal.shared.HostedCondition;
import io.github.multiprocessing4j.internal.shared.Owners;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;

/**
 * A reentrant lock shared by processes: Python's {@code multiprocessing.RLock}. The thread
 * (of whichever process) that acquired it may acquire it again, and must release it as often;
 * only that thread may release it. Beyond Python: released if its owner's process is killed.
 *
 * <p>The lock of a {@link Value} or an {@link Array} ({@code getLock()}) is an RLock too, as in
 * Python; it lives in the shared memory of its value, where taking it is a compare-and-set
 * rather than a call to the creating process.
 */
public class RLock implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The id of the lock's state in its hosting process. */
    private final String id;
    /** The block whose lock word this lock is, or null for a lock hosted by its creator. */
    private final SharedBlock block;

    /** An unlocked reentrant lock, hosted in this process. */
    // the cleaner keeps only a phantom reference to this handle: nothing of it is used before it is whole
    @SuppressWarnings("this-escape")
    public RLock() {
        this.id = SharedObjects.hostCounted(new HostedCondition());
        this.block = null;
        SharedObjects.track(this, id);
    }

    /** The lock of a {@link Value} or an {@link Array}: the lock word of its block. */
    RLock(SharedBlock block) {
        this.id = null;
        this.block = block;
    }

    final String id() {
        return id;
    }

    /**
     * Acquires the lock, waiting for it.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public final void acquire() throws InterruptedException {
        if (block != null) {
            block.acquire(Timeouts.FOREVER);
            return;
        }
        Shared.call(id, HostedCondition.ACQUIRE, Owners.current(), Timeouts.FOREVER);
    }

    /**
     * Acquires the lock, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait; zero or negative does not wait (SPEC L17)
     * @return whether the lock was acquired
     * @throws InterruptedException if interrupted while waiting
     */
    public final boolean acquire(Duration timeout) throws InterruptedException {
        if (block != null) {
            return block.acquire(Timeouts.nanos(timeout));
        }
        return (Boolean) Shared.call(id, HostedCondition.ACQUIRE, Owners.current(), Timeouts.nanos(timeout));
    }

    /**
     * Acquires the lock, waiting for it, and returns it as a resource that releases one level
     * when closed: Python's {@code with rlock:} (and {@code with condition:} for a
     * {@link Condition}, whose lock this is).
     *
     * <pre>{@code
     * try (Held held = condition.hold()) {
     *     condition.waitFor(() -> ready.isSet());
     * }
     * }</pre>
     *
     * <p>The lock is not {@link AutoCloseable} itself: one statement acquires and releases, as
     * Python's {@code with} does, and a lock that was not acquired is never released by
     * accident. Close it in the thread that acquired it: only that thread may release it.
     * javac's {@code -Xlint:try} notes that {@code held} is not used inside the block; that is
     * expected ({@code @SuppressWarnings("try")} silences it).
     *
     * @return the held lock, to close once; never null
     * @throws InterruptedException if interrupted while waiting (nothing is acquired)
     */
    public final Held hold() throws InterruptedException {
        acquire();
        return new HeldOnce(this::release);
    }

    /**
     * Releases one level of the lock.
     *
     * @throws IllegalStateException "cannot release un-acquired lock" if the calling thread
     *     does not hold it
     */
    public final void release() {
        if (block != null) {
            block.release();
            return;
        }
        Shared.quickCall(id, HostedCondition.RELEASE, Owners.current());
    }

    /**
     * Whether the calling thread holds the lock.
     *
     * @return true if held by this thread of this process
     */
    public final boolean isHeldByCurrentThread() {
        if (block != null) {
            return block.isHeldByCurrentThread();
        }
        return (Boolean) Shared.quickCall(id, HostedCondition.HELD_BY, Owners.current());
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + ">";
    }

    /**
     * Serialized: the copy in flight keeps the lock's state alive until it is deserialized
     * (SPEC M9).
     *
     * @param out the stream
     * @throws java.io.IOException if the stream fails
     */
    @Serial
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        if (id != null) {
            SharedObjects.sending(id);
        }
        out.defaultWriteObject();
    }

    /**
     * Deserialized: this copy keeps the lock's state alive until it is unreachable, and the
     * process hosting it learns that this process holds it (SPEC M9).
     *
     * @param in the stream
     * @throws java.io.IOException if the stream fails
     * @throws ClassNotFoundException if a class is missing
     */
    @Serial
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (id != null) {
            SharedObjects.received(this, id, null);
        }
    }
}
