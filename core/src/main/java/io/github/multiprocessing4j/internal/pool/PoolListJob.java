package io.github.multiprocessing4j.internal.pool;

import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;

/**
 * An apply (one item, its value) or a map (n items, the list of values in item order): Python's
 * {@code ApplyResult} and {@code MapResult}. The first failure to arrive fails the whole result
 * at once, as in Python; the other chunks still run.
 */
final class PoolListJob extends PoolJob {

    private final boolean single;
    private final Object[] values;
    private final CompletableFuture<Object> future = new CompletableFuture<>();
    private int remaining;

    /**
     * Creates the job.
     *
     * @param function the serialized function
     * @param handles the ids of the shared objects whose handles the function carries
     * @param length the number of items, at least 1
     * @param single whether the result is the only value (apply) rather than the list (map)
     */
    PoolListJob(byte[] function, java.util.Set<String> handles, int length, boolean single) {
        super(function, handles);
        this.single = single;
        this.values = new Object[length];
        this.remaining = length;
    }

    /** Completes with the value (apply) or an unmodifiable list that may hold nulls (map). */
    CompletableFuture<Object> future() {
        return future;
    }

    @Override
    void deliver(int first, Object[] chunk, RuntimeException[] failures) {
        RuntimeException failure = null;
        boolean complete;
        synchronized (this) {
            if (future.isDone()) {
                return;
            }
            for (int i = 0; failures != null && i < failures.length && failure == null; i++) {
                failure = failures[i];
            }
            if (failure == null) {
                System.arraycopy(chunk, 0, values, first, chunk.length);
                remaining -= chunk.length;
            }
            complete = remaining == 0;
        }
        // completed outside the lock: the future's callbacks are the user's code
        if (failure != null) {
            future.completeExceptionally(failure);
        } else if (complete) {
            future.complete(single ? values[0] : Collections.unmodifiableList(Arrays.asList(values)));
        }
    }

    @Override
    void setLength(int length) {
        // known from the start
    }

    @Override
    void cancel(RuntimeException cause) {
        future.completeExceptionally(cause);
    }

    @Override
    boolean isDone() {
        return future.isDone();
    }

    @Override
    String describe(int index) {
        return single ? "the task" : "the item at index " + index + " (counting from 0)";
    }
}
