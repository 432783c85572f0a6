package io.github.multiprocessing4j;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A {@link Function} that can travel to a pool worker: what {@link Pool#map(SerializableFunction,
 * Iterable)} and its relatives apply to each item. A lambda or method reference typed as
 * {@code SerializableFunction} is serializable when everything it captures is; the class that
 * declares it must be on the workers' class path (by default the parent's). Python: the
 * {@code func} of {@code Pool.map}.
 *
 * @param <A> the type of the items
 * @param <R> the type of the results
 */
@FunctionalInterface
public interface SerializableFunction<A, R> extends Function<A, R>, Serializable {
}
