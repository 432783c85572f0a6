package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.SerializableBiFunction;
import io.github.multiprocessing4j.SerializableCallable;
import io.github.multiprocessing4j.SerializableFunction;
import java.io.Serializable;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * What a pool worker applies to each item of a chunk, whatever the user's shape was: a
 * callable (apply, whose one item is ignored), an executor's task (a callable or a runnable,
 * whose value is null), a function (map, imap), or a function of a pair (starmap, whose items
 * are {@code Object[2]}).
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
     * An apply's task.
     *
     * @param callable the user's callable
     * @return a function that ignores its item and calls it
     */
    static PoolFunction ofCallable(SerializableCallable<?> callable) {
        return new OfCallable(Objects.requireNonNull(callable, "task"));
    }

    /**
     * An executor's task, as the {@code ExecutorService} interface hands it over: a
     * {@link Callable} or a {@link Runnable} that is also {@link Serializable}.
     *
     * @param task the user's callable (its value is the result) or runnable (null is)
     * @param call whether to call the task as a {@code Callable} rather than run it as a
     *     {@code Runnable} (an object may be both)
     * @return a function that ignores its item and runs the task
     * @throws IllegalArgumentException if the task is not of the kind {@code call} says
     */
    static PoolFunction ofTask(Serializable task, boolean call) {
        if (!(call ? Objects.requireNonNull(task, "task") instanceof Callable<?> : task instanceof Runnable)) {
            throw new IllegalArgumentException("not a " + (call ? "Callable" : "Runnable") + ": " + task);
        }
        return new OfTask(task, call);
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
        private final SerializableCallable<?> callable;

        OfCallable(SerializableCallable<?> callable) {
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

    /** An executor's task: a serializable Callable or Runnable. */
    final class OfTask implements PoolFunction {
        private static final long serialVersionUID = 1L;
        private final Serializable task;
        private final boolean call;

        OfTask(Serializable task, boolean call) {
            this.task = task;
            this.call = call;
        }

        @Override
        public Object apply(Object item) throws Exception {
            if (call) {
                return ((Callable<?>) task).call();
            }
            ((Runnable) task).run();
            return null;
        }

        @Override
        public Object target() {
            return task;
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
