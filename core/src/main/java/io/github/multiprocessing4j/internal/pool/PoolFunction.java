package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.SerializableBiFunction;
import io.github.multiprocessing4j.SerializableCallable;
import io.github.multiprocessing4j.SerializableFunction;
import java.io.Serializable;
import java.util.Objects;

/**
 * What a pool worker applies to each item of a chunk, whatever the user's shape was: a
 * callable (apply, whose one item is ignored), a function (map, imap), or a function of a pair
 * (starmap, whose items are {@code Object[2]}).
 */
@FunctionalInterface
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
     * An apply's task.
     *
     * @param callable the user's callable
     * @return a function that ignores its item and calls it
     */
    static PoolFunction ofCallable(SerializableCallable<?> callable) {
        Objects.requireNonNull(callable, "task");
        return item -> callable.call();
    }

    /**
     * A map's function.
     *
     * @param function the user's function
     * @param <A> the type of the items
     * @return a function that applies it to each item
     */
    static <A> PoolFunction ofFunction(SerializableFunction<A, ?> function) {
        Objects.requireNonNull(function, "function");
        return item -> function.apply(PoolFunction.<A>cast(item));
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
        Objects.requireNonNull(function, "function");
        return item -> {
            Object[] pair = (Object[]) item;
            return function.apply(PoolFunction.<A>cast(pair[0]), PoolFunction.<B>cast(pair[1]));
        };
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object item) {
        return (T) item;
    }
}
