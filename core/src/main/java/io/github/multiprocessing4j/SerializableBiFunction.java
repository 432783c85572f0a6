package io.github.multiprocessing4j;

import java.io.Serializable;

/**
 * A function of two arguments that can travel to a pool worker, and may throw: what
 * {@link Pool#starmap(SerializableBiFunction, Iterable)} applies to each pair of arguments.
 * Serializable when everything it captures is, like {@link SerializableFunction}. Python: the
 * {@code func} of {@code Pool.starmap}, for functions of two arguments (for more, map a record).
 *
 * @param <A> the type of the first argument
 * @param <B> the type of the second argument
 * @param <R> the type of the results
 */
@FunctionalInterface
public interface SerializableBiFunction<A, B, R> extends Serializable {

    /**
     * Applies the function to one pair of arguments, in a worker; it may throw anything, as
     * {@link SerializableFunction#apply} may.
     *
     * @param first the first argument
     * @param second the second argument
     * @return the result
     * @throws Exception whatever the function throws
     */
    R apply(A first, B second) throws Exception;
}
