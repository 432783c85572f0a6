package io.github.multiprocessing4j.internal.process;

import java.io.Serializable;
import java.util.List;

/**
 * What crosses to a child at {@code start()} and what the child runtime runs there (SPEC L1,
 * L12, L14): the process object, seen only through what running it needs. The public API
 * supplies the implementation, so the runtime never depends on it; Python's {@code spawn}
 * likewise only calls {@code process_obj._bootstrap()}.
 */
public interface ProcessBody extends Serializable {

    /**
     * The name the process has now; in the child, the name it had at {@code start()} until user
     * code renames it (SPEC L3).
     *
     * @return the name, never null
     */
    String name();

    /**
     * The daemon flag.
     *
     * @return whether the process is a daemon
     */
    boolean isDaemon();

    /**
     * The identity numbers (SPEC L2).
     *
     * @return the identity, never null
     */
    List<Integer> identity();

    /**
     * Runs the process's code: the target, or a subclass's {@code run()}.
     *
     * @throws Exception what that code throws
     */
    void run() throws Exception;

    /**
     * Whether this body belongs to {@code processObject}, the object user code holds.
     *
     * @param processObject a process object
     * @return true if it is the object this body runs
     */
    boolean represents(Object processObject);

    /**
     * The object to search when the body cannot be serialized, so that the error names the path
     * from the user's object to what is not serializable (SPEC L10).
     *
     * @return the user's process object, never null
     */
    Object processObject();
}
