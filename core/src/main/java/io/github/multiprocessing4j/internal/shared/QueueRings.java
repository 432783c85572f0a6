package io.github.multiprocessing4j.internal.shared;

import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.ring.RingQueue;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues in shared memory: tells each process how it reaches a queue: through the ring, mapped here once per queue and
 * process ({@link RingQueue}), or through calls to the queue's process (a queue without a ring,
 * or one whose ring this process cannot map). Learnt from {@link HostedQueue#ATTACH} at the
 * queue's first use in this process.
 */
public final class QueueRings {

    /**
     * The queues of this process in rings, by id; weakly, so that a queue's mapping goes with its
     * last handle here (each handle holds its {@link RingQueue}).
     */
    static final WeakValues<String, RingQueue> QUEUES = new WeakValues<>();
    private static final AtomicBoolean MAP_FAILURE_LOGGED = new AtomicBoolean();

    private QueueRings() {
    }

    /**
     * Notes the queue of a state that this process created, so that its other handles here use it.
     *
     * @param id the queue's id
     * @param queue the queue in its ring
     */
    public static void created(String id, RingQueue queue) {
        QUEUES.put(id, queue);
    }

    /**
     * How this process reaches a queue: its ring, or null for calls to the queue's process. The
     * first call for a queue asks that process; the caller keeps the result for as long as it uses
     * the queue.
     *
     * @param id the queue's id
     * @param maxSize the queue's bound
     * @return the queue in its ring, or null
     */
    public static RingQueue of(String id, int maxSize) {
        RingQueue queue = get(id);
        if (queue != null) {
            return queue;
        }
        synchronized (QUEUES) {
            queue = get(id);
            if (queue != null) {
                return queue;
            }
            // a thread interrupted before or during this call learns the route all the same: the
            // interrupt is for the put or get it makes, which sees it
            Object[] ring = HostedQueue.parseRing(Shared.quickCall(id, HostedQueue.ATTACH));
            if (ring == null) {
                return null;
            }
            try {
                queue = new RingQueue(MappedRing.open((Path) ring[1]), (Integer) ring[0], maxSize,
                        () -> SharedObjects.isReachable(id));
            } catch (IOException | RuntimeException e) {
                // a ring whose file is not here (another host: a pod) is the expected case, which the
                // README states; logging it would bind the logging backend in every such child
                if (!(e instanceof NoSuchFileException) && MAP_FAILURE_LOGGED.compareAndSet(false, true)) {
                    Log.LOGGER.info("cannot map a queue's ring here ({}): this process puts and gets through calls"
                            + " to the queue's process instead, which is slower", e.toString());
                }
                return null;
            }
            QUEUES.put(id, queue);
            return queue;
        }
    }

    private static RingQueue get(String id) {
        return QUEUES.get(id);
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(QueueRings.class);
    }
}
