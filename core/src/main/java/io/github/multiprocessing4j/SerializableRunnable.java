package io.github.multiprocessing4j;

import java.io.Serializable;

/**
 * The target of a {@link ChildProcess}: a {@link Runnable} that can travel to the child.
 *
 * <p>A lambda or method reference typed as {@code SerializableRunnable} is serializable as long
 * as every value it captures is; the class that declares it must be on the child's class path
 * (by default the child uses the parent's). Python: the {@code target}, {@code args} and
 * {@code kwargs} of {@code multiprocessing.Process}, all three in one closure.
 */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {
}
