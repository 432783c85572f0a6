package io.github.multiprocessing4j;

import java.io.Serializable;

/**
 * The target of a {@link ChildProcess}: code that can travel to the child and may throw.
 *
 * <p>A lambda or method reference typed as {@code SerializableRunnable} is serializable as long
 * as every value it captures is; the class that declares it must be on the child's class path
 * (by default the child uses the parent's). Python: the {@code target}, {@code args} and
 * {@code kwargs} of {@code multiprocessing.Process}, all three in one closure.
 */
@FunctionalInterface
public interface SerializableRunnable extends Serializable {

    /**
     * Runs the target. Like a Python target, it may throw anything: in a child, an exception that
     * escapes is printed with the process's name and ends the process with exit code 1 (SPEC
     * L14), so a target that uses a {@link Queue}, {@link Lock} or {@link Connection} needs no
     * {@code try}/{@code catch} for their {@link InterruptedException}. Unlike
     * {@link java.lang.Runnable}, whose {@code run()} throws no checked exception, so this is not
     * a {@code Runnable}.
     *
     * @throws Exception whatever the target throws
     */
    void run() throws Exception;
}
