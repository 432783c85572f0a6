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
     * Waits for the value and returns it. Python: {@code get()} re-raises the task's exception;
     * here, as for every {@code Future}, it is the cause of an {@link ExecutionException}.
     *
     * @return the value, possibly null
     * @throws ExecutionException if the task threw in its worker: the cause is the task's own
     *     exception, with the worker's stack trace and, suppressed, a {@link ChildProcessException}
     *     naming the worker, and the message names the worker and the item; or if its worker died
     *     while running it: the cause is a {@link ChildProcessException} giving the worker's name
     *     and exit code. For a map, the first failed item
     * @throws CancellationException if the pool was terminated before the task finished
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public T get() throws InterruptedException, ExecutionException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw Failures.executionException(e.getCause());
        } catch (CancellationException e) {
            throw rethrowable(e);
        }
    }

    /**
     * What the pool's direct calls ({@code apply}, {@code map}, {@code starmap}) return: the value,
     * or the failure as the unchecked {@link ChildProcessException} whose cause is the task's own
     * exception (see {@link Failures}).
     */
    T value() throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException unchecked) {
                throw PoolJob.rethrowable(unchecked);
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(String.valueOf(cause), cause);
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
     * @throws ExecutionException if the task failed, as for {@link #get()}
     * @throws CancellationException if the pool was terminated before the task finished
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public T get(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        long nanos = Timeouts.nanos(timeout);
        try {
            return future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw Failures.executionException(e.getCause());
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
     * {@code callback} and {@code error_callback}). It fails with the cause of the exception
     * {@link #get()} throws: the task's own exception, or a {@link ChildProcessException} when its
     * worker died. Completing or cancelling the returned future has no effect on this result or the
     * task. Callbacks that run when the result comes run on the pool's result thread: keep
     * them short, as Python's documentation asks.
     *
     * @return a new future, never null
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> copy = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            if (failure == null) {
                copy.complete(value);
            } else {
                copy.completeExceptionally(failure instanceof CancellationException ? failure : Failures.childsOwn(failure));
            }
        });
        return copy;
    }

    @Override
    public String toString() {
        String state = !future.isDone() ? "pending" : future.isCompletedExceptionally() ? "failed" : "ready";
        return "<AsyncResult " + state + ">";
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
