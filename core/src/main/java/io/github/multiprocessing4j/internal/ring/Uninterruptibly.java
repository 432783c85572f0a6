package io.github.multiprocessing4j.internal.ring;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;

/**
 * Work on the files of shared memory whatever the caller's interrupt status. Creating, filling
 * and mapping a file in {@code /dev/shm} is not a wait, yet a {@code FileChannel} used by a thread
 * whose interrupt is pending, or comes meanwhile, is closed ({@link ClosedByInterruptException}):
 * a queue, pipe or {@code Value} first used by such a thread would go through calls for good,
 * and a {@code SharedMemory} block could not be made. The work runs with the interrupt cleared,
 * again if an interrupt closed its channel on the way, and the interrupt is pending again when it
 * returns or throws, for the next call that waits.
 */
public final class Uninterruptibly {

    /**
     * Work on files that an interrupt must not abort.
     *
     * @param <T> what it makes
     */
    @FunctionalInterface
    public interface FileWork<T> {
        /**
         * Does the work; each try starts afresh (what a failed try made is undone by it).
         *
         * @return what it made
         * @throws IOException if it failed
         */
        T run() throws IOException;
    }

    private Uninterruptibly() {
    }

    /**
     * Runs file work with the caller's interrupt held back.
     *
     * @param work the work
     * @param <T> what it makes
     * @return what it made
     * @throws IOException what it failed with, other than an interrupt
     */
    public static <T> T run(FileWork<T> work) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return work.run();
                } catch (ClosedByInterruptException e) {
                    // an interrupt came meanwhile: kept for later, and the work done again
                    interrupted |= Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
