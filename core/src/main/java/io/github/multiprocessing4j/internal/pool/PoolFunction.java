package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.SerializableBiFunction;
import io.github.multiprocessing4j.SerializableFunction;
import java.io.Serializable;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * What a pool worker applies to each item of a chunk, whatever the user's shape was: a
 * callable (apply, whose one item is ignored), a runnable (an executor's task, whose value is
 * null), a function (map, imap), or a function of a pair (starmap, whose items are
 * {@code Object[2]}).
 */
public interface PoolFunction extends Serializable {

    /**
     * Applies the function to one item, in the worker.
     *
     * @param item the item
     * @return the result
     * @throws Exception what the user's code throws
     */
    Object apply(Object item) throws Exception;

    /**
     * The user's object this applies: what an error message names.
     *
     * @return the user's callable or function
     */
    Object target();

    /**
     * An apply's task, or an executor's: a {@link Callable} that is not serializable fails when
     * the function is serialized, naming its class.
     *
     * @param callable the user's callable
     * @return a function that ignores its item and calls it
     */
    static PoolFunction ofCallable(Callable<?> callable) {
        return new OfCallable(Objects.requireNonNull(callable, "task"));
    }

    /**
     * An executor's task without a value: a {@link Runnable} that is not serializable fails when
     * the function is serialized, naming its class.
     *
     * @param runnable the user's runnable
     * @return a function that ignores its item, runs it and returns null
     */
    static PoolFunction ofRunnable(Runnable runnable) {
        return new OfRunnable(Objects.requireNonNull(runnable, "task"));
    }

    /**
     * A map's function.
     *
     * @param function the user's function
     * @param <A> the type of the items
     * @return a function that applies it to each item
     */
    static <A> PoolFunction ofFunction(SerializableFunction<A, ?> function) {
        return new OfFunction<>(Objects.requireNonNull(function, "function"));
    }

    /**
     * A starmap's function: each item is an {@code Object[2]} of the two arguments.
     *
     * @param function the user's function
     * @param <A> the type of the first arguments
     * @param <B> the type of the second arguments
     * @return a function that applies it to each pair
     */
    static <A, B> PoolFunction ofPairs(SerializableBiFunction<A, B, ?> function) {
        return new OfPairs<>(Objects.requireNonNull(function, "function"));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object item) {
        return (T) item;
    }

    /** An apply's task (plain classes, not records: a worker reads them without record support). */
    final class OfCallable implements PoolFunction {
        private static final long serialVersionUID = 1L;
        private final Callable<?> callable;

        OfCallable(Callable<?> callable) {
            this.callable = callable;
        }

        @Override
        public Object apply(Object item) throws Exception {
            return callable.call();
        }

        @Override
        public Object target() {
            return callable;
        }
    }

    /** An executor's task without a value. */
    final class OfRunnable implements PoolFunction {
        private static final long serialVersionUID = 1L;
        private final Runnable runnable;

        OfRunnable(Runnable runnable) {
            this.runnable = runnable;
        }

        @Override
        public Object apply(Object item) {
            runnable.run();
            return null;
        }

        @Override
        public Object target() {
            return runnable;
        }
    }

    /** A map's function. */
    final class OfFunction<A> implements PoolFunction {
        private static final long serialVersionUID = 1L;
        private final SerializableFunction<A, ?> function;

        OfFunction(SerializableFunction<A, ?> function) {
            this.function = function;
        }

        @Override
        public Object apply(Object item) throws Exception {
            return function.apply(PoolFunction.<A>cast(item));
        }

        @Override
        public Object target() {
            return function;
        }
    }

    /** A starmap's function of pairs. */
    final class OfPairs<A, B> implements PoolFunction {
        private static final long serialVersionUID = 1L;
        private final SerializableBiFunction<A, B, ?> function;

        OfPairs(SerializableBiFunction<A, B, ?> function) {
            this.function = function;
        }

        @Override
        public Object apply(Object item) throws Exception {
            Object[] pair = (Object[]) item;
            return function.apply(PoolFunction.<A>cast(pair[0]), PoolFunction.<B>cast(pair[1]));
        }

        @Override
        public Object target() {
            return function;
        }
    }
}
