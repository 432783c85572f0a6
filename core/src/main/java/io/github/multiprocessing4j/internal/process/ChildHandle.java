package io.github.multiprocessing4j.internal.process;

import java.time.Duration;

/**
 * A started child as this process's internals see it: what ending children needs when this
 * process ends (SPEC L15, L22, L23), without the public process object. Python's
 * {@code process.py} reaches its children the same way, through {@code _children}.
 */
public interface ChildHandle {

    /**
     * The child's name, for log lines.
     *
     * @return the name, never null
     */
    String name();

    /**
     * Whether the child is a daemon, which is terminated rather than joined.
     *
     * @return the daemon flag
     */
    boolean isDaemon();

    /** Sends SIGTERM; does nothing once the child has ended. */
    void terminate();

    /** Sends SIGKILL; does nothing once the child has ended. */
    void kill();

    /**
     * Waits until the child has ended.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    void join() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for the child to end.
     *
     * @param timeout how long to wait; zero or negative does not wait
     * @return whether the child has ended
     * @throws InterruptedException if the waiting thread is interrupted
     */
    boolean join(Duration timeout) throws InterruptedException;
}
