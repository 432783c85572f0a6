package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.ring.RingQueue;
import io.github.multiprocessing4j.internal.shared.HostedQueue;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import io.github.multiprocessing4j.internal.shared.Waits;
import java.io.Serial;
import java.time.Duration;

/**
 * A {@link Queue} that counts unfinished tasks: Python's {@code multiprocessing.JoinableQueue}.
 * Every {@code put} adds a task; a consumer calls {@link #taskDone()} once per message it has
 * processed; {@link #join()} waits until every task is done.
 *
 * @param <T> the type of the messages
 */
public class JoinableQueue<T> extends Queue<T> {

    @Serial
    private static final long serialVersionUID = 1L;

    /** An unbounded joinable queue. */
    public JoinableQueue() {
        super(0, true);
    }

    /**
     * A bounded joinable queue.
     *
     * @param maxSize the bound; 0 or less means unbounded
     */
    public JoinableQueue(int maxSize) {
        super(maxSize, true);
    }

    /** A joinable queue in a ring where possible ({@code rings}), or one whose messages always wait in this process. */
    JoinableQueue(int maxSize, boolean rings) {
        super(maxSize, rings);
    }

    /**
     * Marks one task done.
     *
     * @throws IllegalStateException "taskDone() called too many times" if more tasks are done
     *     than were put
     */
    public final void taskDone() {
        RingQueue inRing = ring();
        if (inRing != null) {
            inRing.taskDone();
        } else {
            Shared.quickCall(id(), HostedQueue.TASK_DONE);
        }
    }

    /**
     * Waits until every message put so far has been marked done.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public final void join() throws InterruptedException {
        join(Timeouts.FOREVER);
    }

    /**
     * Waits at most {@code timeout} until every message put so far has been marked done.
     *
     * @param timeout how long to wait; zero or negative does not wait (SPEC L17)
     * @return whether every task was done in time
     * @throws InterruptedException if interrupted while waiting
     */
    public final boolean join(Duration timeout) throws InterruptedException {
        return join(Timeouts.nanos(timeout));
    }

    private boolean join(long nanos) throws InterruptedException {
        RingQueue inRing = ring();
        return inRing != null ? inRing.join(nanos) : (Boolean) Shared.call(id(), HostedQueue.JOIN, nanos);
    }
}
