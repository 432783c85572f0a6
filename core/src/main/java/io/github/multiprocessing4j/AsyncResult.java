package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.pool.PoolJob;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import io.github.multiprocessing4j.internal.shared.Waits;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The result of {@link Pool#applyAsync(SerializableCallable)} or
 * {@link Pool#mapAsync(SerializableFunction, Iterable)}, which comes later: Python's
 * {@code multiprocessing.pool.AsyncResult}. Every result either completes or fails; none waits
 * for ever: a worker that dies fails the task it was running, and {@link Pool#terminate()}
 * fails whatever has not finished.
 *
 * <table>
 *   <caption>Python to Java</caption>
 *   <tr><th>Python</th><th>Java</th></tr>
 *   <tr><td>{@code get()}, {@code get(timeout)}</td><td>{@link #get()}, {@link #get(Duration)}</td></tr>
 *   <tr><td>{@code wait()}, {@code wait(timeout)}</td><td>{@link #await()}, {@link #await(Duration)}</td></tr>
 *   <tr><td>{@code ready()}</td><td>{@link #ready()}</td></tr>
 *   <tr><td>{@code successful()}</td><td>{@link #successful()}</td></tr>
 *   <tr><td>{@code callback}, {@code error_callback}</td><td>{@link #toCompletableFuture()}</td></tr>
 * </table>
 *
 * <p>Instances are safe for use by several threads.
 *
 * @param <T> the type of the value
 */
public final class AsyncResult<T> {

    private final CompletableFuture<T> future;

    AsyncResult(CompletableFuture<T> future) {
        this.future = Objects.requireNonNull(future, "future");
    }

    /**
     * Waits for the value and returns it. Python: {@code get()} re-raises the task's exception.
     *
     * @return the value, possibly null
     * @throws ChildProcessException if the task threw in its worker (the cause is the worker's
     *     exception, with the worker's stack trace) or its worker died while running it (the
     *     message gives the worker's name and exit code); for a map, the first such failure
     * @throws CancellationException if the pool was terminated before the task finished
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public T get() throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw rethrowable(e);
        } catch (CancellationException e) {
            throw rethrowable(e);
        }
    }

    /**
     * Waits at most {@code timeout} for the value. Python: {@code get(timeout)}, which raises
     * {@code TimeoutError}.
     *
     * @param timeout how long to wait; zero or negative does not wait (SPEC L17)
     * @return the value, possibly null
     * @throws TimeoutException if the value did not come in time; the task goes on
     * @throws ChildProcessException if the task failed, as for {@link #get()}
     * @throws CancellationException if the pool was terminated before the task finished
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public T get(Duration timeout) throws InterruptedException, TimeoutException {
        long nanos = Timeouts.nanos(timeout);
        try {
            return future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw rethrowable(e);
        } catch (CancellationException e) {
            throw rethrowable(e);
        } catch (TimeoutException e) {
            throw new TimeoutException("no result within " + timeout);
        }
    }

    /**
     * Waits until the result has come (value or failure). Python: {@code wait()}.
     *
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public void await() throws InterruptedException {
        try {
            future.get();
        } catch (ExecutionException | CancellationException e) {
            // the result has come; get() reports the failure
        }
    }

    /**
     * Waits at most {@code timeout} until the result has come. Python: {@code wait(timeout)}.
     *
     * @param timeout how long to wait; zero or negative does not wait (SPEC L17)
     * @return whether the result has come ({@link #ready()})
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        long nanos = Timeouts.nanos(timeout);
        try {
            future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | CancellationException e) {
            // the result has come; get() reports the failure
        } catch (TimeoutException e) {
            return false;
        }
        return true;
    }

    /**
     * Whether the result has come: a value or a failure. Python: {@code ready()}.
     *
     * @return true once {@link #get()} returns or throws without waiting
     */
    public boolean ready() {
        return future.isDone();
    }

    /**
     * Whether the task completed without failing. Python: {@code successful()}.
     *
     * @return true if {@link #get()} returns a value
     * @throws IllegalStateException "&lt;AsyncResult ...&gt; not ready" if the result has not come
     */
    public boolean successful() {
        if (!future.isDone()) {
            throw new IllegalStateException(this + " not ready");
        }
        return !future.isCompletedExceptionally();
    }

    /**
     * A future that completes as this result does, for callbacks and composition (Python's
     * {@code callback} and {@code error_callback}). It fails with the exception {@link #get()}
     * throws. Completing or cancelling the returned future has no effect on this result or the
     * task. Callbacks that run when the result comes run on the pool's result thread: keep
     * them short, as Python's documentation asks.
     *
     * @return a new future, never null
     */
    public CompletableFuture<T> toCompletableFuture() {
        return future.copy();
    }

    @Override
    public String toString() {
        String state = !future.isDone() ? "pending" : future.isCompletedExceptionally() ? "failed" : "ready";
        return "<AsyncResult " + state + ">";
    }

    private static RuntimeException rethrowable(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException unchecked) {
            return PoolJob.rethrowable(unchecked);
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(String.valueOf(cause), cause);
    }

    private static RuntimeException rethrowable(CancellationException e) {
        // from JDK 23 on, CompletableFuture.get() throws a new CancellationException("get") whose
        // cause is the one the pool completed the future with: the caller gets the pool's reason
        if (e.getCause() instanceof CancellationException stored) {
            return PoolJob.rethrowable(stored);
        }
        return PoolJob.rethrowable(e);
    }
}
