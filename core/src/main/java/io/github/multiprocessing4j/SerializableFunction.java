package io.github.multiprocessing4j;

import java.io.Serializable;

/**
 * A function that can travel to a pool worker, and may throw: what {@link Pool#map(SerializableFunction,
 * Iterable)} and its relatives apply to each item. A lambda or method reference typed as
 * {@code SerializableFunction} is serializable when everything it captures is; the class that
 * declares it must be on the workers' class path (by default the parent's). Python: the
 * {@code func} of {@code Pool.map}.
 *
 * @param <A> the type of the items
 * @param <R> the type of the results
 */
@FunctionalInterface
public interface SerializableFunction<A, R> extends Serializable {

    /**
     * Applies the function to one item, in a worker. It may throw anything, checked exceptions
     * included: the item's result then fails with that exception (Python re-raises it in
     * {@code map}), and the worker goes on with the next item.
     *
     * @param item the item
     * @return the result
     * @throws Exception whatever the function throws
     */
    R apply(A item) throws Exception;
}
