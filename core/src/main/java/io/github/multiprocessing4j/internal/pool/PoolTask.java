package io.github.multiprocessing4j.internal.pool;

import java.util.concurrent.CompletableFuture;

/**
 * One task of a {@code ProcessPoolExecutor}: an apply of one item whose chunk can be withdrawn
 * until a worker takes it (Python's {@code Future.cancel()} of a pending work item).
 */
public final class PoolTask extends PoolJob {

    private final CompletableFuture<Object> outcome = new CompletableFuture<>();
    private final PoolChunk chunk;
    /** Guarded by the board's lock. */
    private boolean taken;
    /** Guarded by the board's lock. */
    private boolean withdrawn;

    /**
     * Creates the task.
     *
     * @param function the serialized function
     * @param item the serialized list of its one item
     */
    PoolTask(byte[] function, byte[] item) {
        this(function, java.util.Set.of(), item);
    }

    /**
     * Creates the task.
     *
     * @param function the serialized function
     * @param handles the ids of the shared objects whose handles the function carries
     * @param item the serialized list of its one item
     */
    PoolTask(byte[] function, java.util.Set<String> handles, byte[] item) {
        super(function, handles);
        this.chunk = new PoolChunk(this, 0, 1, item);
    }

    PoolChunk chunk() {
        return chunk;
    }

    /**
     * Completes with the task's value; or fails as an apply's result does: with a
     * {@code ChildProcessException} naming the worker, whose cause is what the task threw there
     * (none when the worker died running it), or with a
     * {@link java.util.concurrent.CancellationException} when it was withdrawn or the pool was
     * terminated first. Completed on the pool's result thread, or in the thread that withdraws
     * it: dependents must not block.
     *
     * @return the outcome, never null
     */
    public CompletableFuture<Object> outcome() {
        return outcome;
    }

    @Override
    void deliver(int first, Object[] values, RuntimeException[] failures) {
        RuntimeException failure = failures == null ? null : failures[0];
        if (failure != null) {
            outcome.completeExceptionally(failure);
        } else {
            outcome.complete(values[0]);
        }
    }

    @Override
    void setLength(int length) {
        // one item, known from the start
    }

    @Override
    void cancel(RuntimeException cause) {
        outcome.completeExceptionally(cause);
    }

    @Override
    boolean isDone() {
        return outcome.isDone();
    }

    @Override
    String describe(int index) {
        return "the task";
    }

    @Override
    void taken() {
        taken = true;
    }

    @Override
    boolean prefetchable() {
        return false;
    }

    @Override
    boolean withdrawn() {
        return withdrawn;
    }

    @Override
    boolean withdraw() {
        if (!taken) {
            withdrawn = true;
        }
        return withdrawn;
    }
}
