package io.github.multiprocessing4j;

import java.io.Serializable;
import java.util.function.BiFunction;

/**
 * A {@link BiFunction} that can travel to a pool worker: what
 * {@link Pool#starmap(SerializableBiFunction, Iterable)} applies to each pair of arguments.
 * Serializable when everything it captures is, like {@link SerializableFunction}. Python: the
 * {@code func} of {@code Pool.starmap}, for functions of two arguments (for more, map a record).
 *
 * @param <A> the type of the first argument
 * @param <B> the type of the second argument
 * @param <R> the type of the results
 */
@FunctionalInterface
public interface SerializableBiFunction<A, B, R> extends BiFunction<A, B, R>, Serializable {
}
