package io.github.multiprocessing4j.internal.pool;

import java.io.Serial;
import java.util.concurrent.CompletableFuture;

/**
 * One task of a {@code ProcessPoolExecutor}: an apply of one item whose chunk can be withdrawn
 * until a worker takes it (Python's {@code Future.cancel()} of a pending work item), and whose
 * outcome is the task's own: the value, or the very exception the task threw in its worker,
 * not wrapped (Python's {@code Future.result()} re-raises it).
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
        super(function);
        this.chunk = new PoolChunk(this, 0, 1, item);
    }

    PoolChunk chunk() {
        return chunk;
    }

    /**
     * Completes with the task's value; or fails with what the task threw in its worker (the
     * worker's exception itself, with the worker's stack trace), with a
     * {@code ChildProcessException} when its worker died running it or its result cannot be
     * read here, or with a {@link java.util.concurrent.CancellationException} when it was
     * withdrawn or the pool was terminated first. Completed on the pool's result thread, or in
     * the thread that withdraws it: dependents must not block.
     *
     * @return the outcome, never null
     */
    public CompletableFuture<Object> outcome() {
        return outcome;
    }

    @Override
    void deliver(int first, Object[] values, RuntimeException[] failures) {
        RuntimeException failure = failures == null ? null : failures[0];
        if (failure instanceof TaskThrew threw) {
            outcome.completeExceptionally(threw.getCause());
        } else if (failure != null) {
            outcome.completeExceptionally(failure);
        } else {
            outcome.complete(values[0]);
        }
    }

    @Override
    RuntimeException taskFailed(String worker, int index, Throwable failure) {
        return new TaskThrew(failure);
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

    /** Carries the task's own exception from the result thread to {@link #deliver}; never thrown. */
    private static final class TaskThrew extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        TaskThrew(Throwable failure) {
            super(null, failure, false, false);
        }
    }
}
