package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.ChildProcessException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One submission to a pool (an apply, a map, an imap), in the parent: its function, serialized
 * once, and where its items' outcomes go as chunks of them come back. Outcomes are delivered
 * by the pool's result thread only; readers may be any thread. Python: the entries of
 * {@code Pool._cache} ({@code ApplyResult}, {@code MapResult}, {@code IMapIterator}).
 */
public abstract class PoolJob {

    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final byte[] function;
    /** The ids of the shared objects whose handles {@link #function} carries (SPEC M9). */
    private final java.util.Set<String> handles;

    /**
     * Creates a job whose function carries no handle of a shared object.
     *
     * @param function the serialized {@link PoolFunction}
     */
    PoolJob(byte[] function) {
        this(function, java.util.Set.of());
    }

    /**
     * Creates a job.
     *
     * @param function the serialized {@link PoolFunction}
     * @param handles the ids of the shared objects whose handles it carries
     */
    PoolJob(byte[] function, java.util.Set<String> handles) {
        this.function = function;
        this.handles = handles;
    }

    /** The ids of the shared objects whose handles the function carries. */
    final java.util.Set<String> handles() {
        return handles;
    }

    final long id() {
        return id;
    }

    final byte[] function() {
        return function;
    }

    /**
     * The outcomes of items {@code first ..}: {@code failures[i]}, if there is one, else
     * {@code values[i]}.
     *
     * @param first the index of the first item
     * @param values the values
     * @param failures what each failed item throws, or null where it succeeded; null if none failed
     */
    abstract void deliver(int first, Object[] values, RuntimeException[] failures);

    /**
     * The number of items, once the feeder has reached the end of a lazy input.
     *
     * @param length the number of outcomes to expect
     */
    abstract void setLength(int length);

    /**
     * Fails every outcome that has not come yet: the pool was terminated.
     *
     * @param cause what waiting readers get
     */
    abstract void cancel(RuntimeException cause);

    /**
     * Whether every outcome has been delivered (or the job was cancelled or has failed as a
     * whole): the pool may forget it.
     *
     * @return true when nothing more will be delivered
     */
    abstract boolean isDone();

    /**
     * A worker takes a chunk of this job from the board. Called under the board's lock: must not
     * block.
     */
    void taken() {
    }

    /**
     * Whether this job's chunks are to be dropped instead of handed to a worker. Read under the
     * board's lock.
     *
     * @return true once {@link #withdraw()} succeeded
     */
    boolean withdrawn() {
        return false;
    }

    /**
     * Whether a chunk of this job may be written into a worker's lane behind a chunk that the
     * worker still runs. Written there, it is taken: a job that can be withdrawn until a worker
     * takes it goes to idle workers only.
     *
     * @return true unless the job can be {@linkplain #withdraw() withdrawn}
     */
    boolean prefetchable() {
        return true;
    }

    /**
     * Marks this job as withdrawn unless a worker took one of its chunks. Called under the board's
     * lock; only a {@link PoolTask} can be withdrawn.
     *
     * @return whether it is withdrawn now
     */
    boolean withdraw() {
        return false;
    }

    /**
     * How a failure message names item {@code index}: "item 3", or "the task" for an apply.
     *
     * @param index the item's index
     * @return the description
     */
    abstract String describe(int index);

    /**
     * The exception to throw to a caller who waited for an outcome: a copy whose stack trace is
     * the caller's for the exceptions the pool creates (they were made on the result thread),
     * the exception itself otherwise.
     *
     * @param failure the stored failure
     * @return the exception to throw, never null
     */
    public static RuntimeException rethrowable(RuntimeException failure) {
        if (failure instanceof ChildProcessException child && child.getClass() == ChildProcessException.class) {
            return new ChildProcessException(child.processName(), child.getMessage(), child.getCause());
        }
        if (failure instanceof CancellationException && failure.getClass() == CancellationException.class) {
            return new CancellationException(failure.getMessage());
        }
        return failure;
    }
}
