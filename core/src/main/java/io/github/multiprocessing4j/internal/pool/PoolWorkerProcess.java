package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.SerializableRunnable;
import java.util.concurrent.CompletableFuture;

/**
 * A pool worker as the pool's engine sees it: a process that runs a {@link PoolWorkerLoop}. In
 * production a daemon {@code ChildProcess} (the public package's {@code PoolChildWorkers}); in core's unit tests, a
 * thread of the test JVM, so that the engine's logic is tested without starting JVMs.
 */
public interface PoolWorkerProcess {

    /**
     * The worker's name, known before it starts: {@code PoolWorker-<identity>}.
     *
     * @return the name, never null
     */
    String name();

    /**
     * Starts the worker.
     *
     * @throws RuntimeException what starting a process throws (for example
     *     {@code ProcessStartException}); the worker did not start
     */
    void start();

    /**
     * The pid, once started.
     *
     * @return the pid
     */
    long pid();

    /**
     * Completes with the exit code (SPEC L16) when the started worker has ended.
     *
     * @return the exit future, never null
     */
    CompletableFuture<Integer> onExit();

    /** Sends SIGTERM; does nothing if the worker has ended or never started. */
    void terminate();

    /** Sends SIGKILL; does nothing if the worker has ended or never started. */
    void kill();

    /** Creates workers. */
    @FunctionalInterface
    interface Factory {

        /**
         * Creates an unstarted worker that will run {@code loop}.
         *
         * @param loop the worker's target
         * @return the worker, never null
         */
        PoolWorkerProcess create(SerializableRunnable loop);

        /**
         * Whether the workers run on this host, where they can map the files of their lanes:
         * false for a launcher whose children reach the parent over the network (a pod), whose
         * workers then get no lane and take every chunk from the board.
         *
         * @return true by default
         */
        default boolean workersShareThisHost() {
            return true;
        }
    }
}
