package io.github.multiprocessing4j.tck;

import io.github.multiprocessing4j.SerializableRunnable;
import java.io.Serializable;

/**
 * A child's target that may throw checked exceptions, as targets that use queues, pipes and locks
 * do ({@code InterruptedException}, {@code EOFException}, {@code QueueEmptyException}, ...).
 * Like a {@link SerializableRunnable}, it is serializable when everything it captures is.
 */
@FunctionalInterface
interface CheckedTarget extends Serializable {

    /**
     * Runs in the child.
     *
     * @throws Exception anything: it fails the child like an uncaught exception
     */
    void run() throws Exception;

    /**
     * The target as a {@link SerializableRunnable}: a checked exception ends the child as an
     * uncaught exception does (SPEC L14: exit code 1, the stack trace on stderr).
     *
     * @param target the target
     * @return a runnable that runs it
     */
    static SerializableRunnable unchecked(CheckedTarget target) {
        return () -> {
            try {
                target.run();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.toString(), e);
            }
        };
    }
}
