package io.github.multiprocessing4j.spi;

import java.util.concurrent.CompletableFuture;

/**
 * A process started by a {@link Launcher}. Implementations must be thread safe.
 */
public interface LaunchedProcess {

    /**
     * The process id as the parent sees it (the host pid for containers).
     *
     * @return the pid, positive
     */
    long pid();

    /**
     * Completes once the process has ended and its resources (container, ...) are released,
     * with its raw exit status as the operating system or engine reports it: the value passed
     * to {@code exit}, or {@code 128 + N} when it was ended by signal N. Never completes
     * exceptionally unless the launcher lost track of the process, in which case the exception
     * says why.
     *
     * @return the future raw exit status, never null
     */
    CompletableFuture<Integer> onExit();

    /**
     * Delivers SIGTERM to the process (not to its descendants). Does nothing if it has ended.
     * Returns at once.
     */
    void terminate();

    /**
     * Delivers SIGKILL to the process (not to its descendants). Does nothing if it has ended.
     * Returns at once.
     */
    void kill();

    /**
     * Delivers SIGINT to the process (not to its descendants), as Ctrl-C in a terminal does.
     * Does nothing if it has ended. Returns once the signal is on its way. The default throws: a
     * launcher that cannot deliver SIGINT says so, and {@code ChildProcess.interrupt()} passes
     * that on to its caller.
     *
     * @throws UnsupportedOperationException if this launcher cannot deliver SIGINT
     */
    default void interrupt() {
        throw new UnsupportedOperationException(getClass().getName() + " cannot deliver SIGINT");
    }
}
