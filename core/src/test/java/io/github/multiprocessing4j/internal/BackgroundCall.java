package io.github.multiprocessing4j.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A call made on a thread of its own, so that a test can see whether it blocks: the hosted
 * objects wait on their monitor, so a call that blocks is a thread in {@code WAITING} or
 * {@code TIMED_WAITING}. Every wait of the test is bounded.
 *
 * @param <T> what the call returns
 */
public final class BackgroundCall<T> {

    /** How long a test waits for what must happen; far more than it takes when it works. */
    public static final Duration PATIENCE = Duration.ofSeconds(10);

    /**
     * The most a test of these objects may take: a call made on the test's own thread that
     * never returns (a bug) is interrupted then, and the test fails.
     */
    public static final long TEST_SECONDS = 30;

    private final CompletableFuture<T> outcome = new CompletableFuture<>();
    private final Thread thread;

    private BackgroundCall(String name, Callable<T> call) {
        thread = new Thread(() -> {
            try {
                outcome.complete(call.call());
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
    }

    /**
     * The calls a test started; registered as an extension, it ends those a failed test left
     * waiting.
     */
    public static final class Tracker implements AfterEachCallback {

        private final List<BackgroundCall<?>> started = new ArrayList<>();

        /**
         * Starts a call.
         *
         * @param name the thread's name
         * @param call the call
         * @return the running call
         */
        public synchronized <T> BackgroundCall<T> start(String name, Callable<T> call) {
            BackgroundCall<T> running = new BackgroundCall<>(name, call);
            started.add(running);
            running.thread.start();
            return running;
        }

        @Override
        public synchronized void afterEach(ExtensionContext context) {
            started.forEach(BackgroundCall::stop);
            started.clear();
        }
    }

    /**
     * Waits until the call waits on a monitor, and fails if it has ended instead.
     *
     * @return this
     */
    public BackgroundCall<T> assertBlocked() {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!outcome.isDone()) {
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                break;
            }
            if (System.nanoTime() > deadline) {
                fail(thread.getName() + " neither blocked nor ended within " + PATIENCE + ": " + state);
            }
            Thread.onSpinWait();
        }
        assertStillBlocked();
        return this;
    }

    /**
     * Whether the call has ended.
     *
     * @return true once it returned or threw
     */
    public boolean isDone() {
        return outcome.isDone();
    }

    /**
     * Waits until one of two calls has ended.
     *
     * @param one a call
     * @param other another call
     * @return the one that has ended ({@code one} if both have)
     * @throws AssertionError if neither ends in time
     */
    public static <T> BackgroundCall<T> firstEnded(BackgroundCall<T> one, BackgroundCall<T> other) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!one.isDone() && !other.isDone()) {
            if (System.nanoTime() > deadline) {
                fail("neither " + one.thread.getName() + " nor " + other.thread.getName() + " ended within " + PATIENCE);
            }
            Thread.onSpinWait();
        }
        return one.isDone() ? one : other;
    }

    /** Fails if the call has ended. */
    public void assertStillBlocked() {
        assertFalse(outcome.isDone(), () -> thread.getName() + " should still wait, but it ended with "
                + describe());
    }

    /**
     * Waits for the call's value.
     *
     * @return what the call returned
     * @throws AssertionError if it threw or did not end in time
     */
    public T value() {
        try {
            return outcome.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(thread.getName() + " threw instead of returning", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(thread.getName() + " did not end within " + PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Waits for the call to throw.
     *
     * @param type what it must throw
     * @return the exception
     * @throws AssertionError if it returned, threw something else or did not end in time
     */
    public <X extends Throwable> X failure(Class<X> type) {
        try {
            T value = outcome.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError(thread.getName() + " returned " + value + " instead of throwing " + type.getName());
        } catch (ExecutionException e) {
            return assertInstanceOf(type, e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(thread.getName() + " did not end within " + PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Interrupts the call's thread: what cancelling a call does in the hosting JVM. */
    public void interrupt() {
        thread.interrupt();
    }

    private void stop() {
        thread.interrupt();
        try {
            thread.join(PATIENCE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String describe() {
        try {
            return "value " + outcome.getNow(null);
        } catch (RuntimeException e) {
            return String.valueOf(e.getCause());
        }
    }
}
