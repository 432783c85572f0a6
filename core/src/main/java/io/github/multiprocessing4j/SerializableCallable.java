package io.github.multiprocessing4j;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can travel to a child and whose value comes back: the target of a
 * {@link CallableProcess}.
 *
 * @param <T> the type of the value
 */
@FunctionalInterface
public interface SerializableCallable<T> extends Callable<T>, Serializable {
}
