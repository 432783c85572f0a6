package io.github.multiprocessing4j.spi;

import java.util.concurrent.CompletableFuture;

/**
 * A process started by a {@link Launcher}. Implementations must be thread safe.
 */
public interface LaunchedProcess {

    /**
     * The process id as the parent sees it (the host pid for containers). A process that ended
     * before its launcher could read its pid has none left to report: a container whose JVM fails
     * at once (a JVM option the image's {@code java} rejects) may be gone before the engine is
     * asked. Its pid is then 0, and {@link #onExit()} still reports how it ended.
     *
     * @return the pid, positive, or 0 if the process ended before its pid could be read
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
