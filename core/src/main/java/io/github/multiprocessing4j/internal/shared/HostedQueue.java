package io.github.multiprocessing4j.internal.shared;

import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.QueueFullException;
import io.github.multiprocessing4j.QueueShutDownException;
import io.github.multiprocessing4j.internal.channel.CallRouter;
import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.ring.RingQueue;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The state of a {@code Queue}, {@code SimpleQueue} or {@code JoinableQueue} in the JVM that
 * created it: serialized messages in FIFO order, a bound, a closed flag, a shut-down flag
 * (Python 3.13's {@code shutdown}) and the count of unfinished tasks. Blocking operations wait on this monitor; interruption (a cancelled call)
 * aborts them without taking anything.
 *
 * <h2>Two ways to carry messages</h2>
 * A {@code Queue} made where the session has shared memory keeps its messages, its count and its
 * state in a {@link MappedRing} ({@link RingQueue}): every process of the host that holds the
 * queue maps it and puts and gets without calling this process, which then only gives each
 * process its token for the ring's locks ({@link #ATTACH}), frees the locks held by processes
 * that ended, performs the calls of processes that cannot map the ring (a remote child) in the
 * ring on their behalf, and deletes the ring's file once the queue is freed (SPEC M9). Without
 * shared memory, and for a manager's queues, the messages wait here.
 */
public final class HostedQueue implements SharedObjects.Hosted {

    /** put(bytes, timeoutNanos): -1 waits for ever, 0 does not wait. */
    public static final int PUT = 1;
    /** get(timeoutNanos) returns bytes. */
    public static final int GET = 2;
    /** size() returns an int. */
    public static final int SIZE = 3;
    /** close(). */
    public static final int CLOSE = 4;
    /** taskDone(). */
    public static final int TASK_DONE = 5;
    /** join(timeoutNanos) returns whether every task is done. */
    public static final int JOIN = 6;
    /** shutdown(immediate): puts fail, gets fail once empty (at once if immediate). */
    public static final int SHUTDOWN = 7;
    /**
     * put(bytes, timeoutNanos) of an unbounded queue's producer in another process, made
     * synchronous every few posted MiB ({@link SharedObjects#pacedPost(String, int, int, Object...)}):
     * waits while the queue holds more than {@link SharedObjects#MAX_UNREAD_BYTES}, then puts.
     */
    public static final int PACED_PUT = 8;
    /**
     * attach() returns "token|ring file" for a queue in a ring, which the caller maps (see
     * {@link #parseRing}), or null for a queue whose messages wait here.
     */
    public static final int ATTACH = 9;

    private final int maxSize;
    private final ArrayDeque<byte[]> messages = new ArrayDeque<>();
    /** The bytes of {@link #messages}. */
    private long bytes;
    private boolean closed;
    private boolean shutDown;
    private long unfinished;

    /** The queue's ring, or null for a queue whose messages wait here. */
    private final MappedRing ring;
    /** The queue as this process uses it, for its own handles and for callers that cannot map the ring. */
    private final RingQueue local;
    /** What deletes the ring's file, or null. */
    private final Runnable deleteRing;
    /** Each process's token for the ring's locks (guarded by this); this one's is 1. */
    private final Map<String, Integer> tokens = new HashMap<>();
    /** The last token given out; never reused, so a lock is never freed for a process that lives. */
    private int lastToken = 1;

    /**
     * Creates the state of a queue whose messages wait here.
     *
     * @param maxSize the bound; 0 or less means unbounded
     */
    public HostedQueue(int maxSize) {
        this.maxSize = maxSize;
        this.ring = null;
        this.local = null;
        this.deleteRing = null;
    }

    /**
     * Creates the state of a queue whose messages travel in a ring.
     *
     * @param maxSize the bound; 0 or less means unbounded
     * @param ring the queue's ring, new, mapped by this process
     * @param deleteRing deletes the ring's file, once the queue is freed
     */
    public HostedQueue(int maxSize, MappedRing ring, Runnable deleteRing) {
        this.maxSize = Math.max(0, maxSize);
        this.ring = ring;
        this.local = new RingQueue(ring, 1, this.maxSize, () -> true);
        this.deleteRing = deleteRing;
    }

    /**
     * The queue as this process uses it, when its messages travel in a ring.
     *
     * @return the queue in its ring, or null
     */
    public RingQueue local() {
        return local;
    }

    /**
     * Parses the answer to {@link #ATTACH}.
     *
     * @param answer what attach returned
     * @return null for a queue without a ring, else the token and the ring's file
     */
    public static Object[] parseRing(Object answer) {
        if (!(answer instanceof String text)) {
            return null;
        }
        int bar = text.indexOf('|');
        return new Object[] {Integer.parseInt(text.substring(0, bar)), java.nio.file.Path.of(text.substring(bar + 1))};
    }

    /** The queue is freed (SPEC M9): its ring's file is deleted; what maps it keeps its mapping until it drops it. */
    @Override
    public void freed() {
        if (deleteRing != null) {
            deleteRing.run();
        }
    }

    @Override
    public synchronized void callerGone(String caller, boolean killed) {
        if (ring == null) {
            return;
        }
        // a lock that the process held when it ended (a thread of it was putting or getting) is
        // freed; a message it was writing is dropped by the readers (SPEC M4)
        Set<Integer> gone = new HashSet<>();
        tokens.forEach((key, token) -> {
            if (SharedObjects.isWithin(key, caller)) {
                gone.add(token);
            }
        });
        if (!gone.isEmpty()) {
            tokens.keySet().removeIf(key -> SharedObjects.isWithin(key, caller));
            ring.writerLock().releaseOwnersWhere(token -> gone.contains((int) token));
            ring.readerLock().releaseOwnersWhere(token -> gone.contains((int) token));
        }
    }

    @Override
    public boolean mayBlock(int op, Object[] args) {
        if (ring != null) {
            // performed in the ring: the bound, the locks or an empty ring may make it wait
            return op == PUT || op == PACED_PUT || op == GET || op == SHUTDOWN || op == JOIN;
        }
        switch (op) {
            case PUT:
                return maxSize > 0 && (Long) args[1] != 0;
            case PACED_PUT:
                return true;
            case GET:
            case JOIN:
                return (Long) args[0] != 0;
            default:
                return false;
        }
    }

    @Override
    public synchronized Object tryInvoke(int op, Object[] args, String caller) throws Exception {
        if (ring != null) {
            return CallRouter.WOULD_WAIT;
        }
        if (op == GET && (!messages.isEmpty() || closed)
                || op == PACED_PUT && !mustPace()) {
            return invoke(op, args, caller);
        }
        return CallRouter.WOULD_WAIT;
    }

    @Override
    public Object invoke(int op, Object[] args, String caller) throws Exception {
        return ring == null ? invokeHere(op, args) : invokeInRing(op, args, caller);
    }

    /** An operation of a caller, performed in the ring by this process (outside this monitor: it may wait). */
    private Object invokeInRing(int op, Object[] args, String caller) throws Exception {
        try {
            switch (op) {
                case ATTACH:
                    synchronized (this) {
                        int token = SharedObjects.LOCAL_CALLER.equals(caller) ? 1
                                : tokens.computeIfAbsent(caller, key -> ++lastToken);
                        return token + "|" + ring.path();
                    }
                case PUT:
                    if (!local.put((byte[]) args[0], (Long) args[1])) {
                        throw full(maxSize, (Long) args[1]);
                    }
                    return null;
                case PACED_PUT:
                    local.put((byte[]) args[0], Timeouts.FOREVER);
                    return null;
                case GET:
                    byte[] message = local.get((Long) args[0]);
                    if (message == null) {
                        throw empty((Long) args[0]);
                    }
                    return message;
                case SIZE:
                    return local.size();
                case CLOSE:
                    local.close();
                    return null;
                case SHUTDOWN:
                    local.shutdown((Boolean) args[0]);
                    return null;
                case TASK_DONE:
                    local.taskDone();
                    return null;
                case JOIN:
                    return local.join((Long) args[0]);
                default:
                    throw new IllegalArgumentException("operation " + op + " is not one of a queue in a ring");
            }
        } catch (RingQueue.ShutDownException e) {
            throw new QueueShutDownException(e.getMessage());
        }
    }

    /**
     * The failure of a put that found no room in time.
     *
     * @param maxSize the queue's bound
     * @param timeoutNanos how long the put waited
     * @return the exception
     */
    public static QueueFullException full(int maxSize, long timeoutNanos) {
        return new QueueFullException("the queue stayed full (" + maxSize + " messages)" + waited(timeoutNanos));
    }

    /**
     * The failure of a get that found no message in time.
     *
     * @param timeoutNanos how long the get waited
     * @return the exception
     */
    public static QueueEmptyException empty(long timeoutNanos) {
        return new QueueEmptyException("the queue stayed empty" + waited(timeoutNanos));
    }

    private synchronized Object invokeHere(int op, Object[] args) throws Exception {
        switch (op) {
            case PUT:
                put((byte[]) args[0], (Long) args[1]);
                return null;
            case PACED_PUT:
                while (mustPace()) {
                    // a cancelled call (its producer was interrupted or ended) puts nothing
                    wait();
                }
                put((byte[]) args[0], (Long) args[1]);
                return null;
            case GET:
                return get((Long) args[0]);
            case SIZE:
                return messages.size();
            case CLOSE:
                closed = true;
                notifyAll();
                return null;
            case TASK_DONE:
                if (unfinished <= 0) {
                    throw new IllegalStateException("taskDone() called too many times");
                }
                if (--unfinished == 0) {
                    notifyAll();
                }
                return null;
            case JOIN:
                return awaitAllDone((Long) args[0]);
            case SHUTDOWN:
                shutDown((Boolean) args[0]);
                return null;
            case ATTACH:
                return null;
            default:
                throw new IllegalArgumentException("unknown queue operation " + op);
        }
    }

    private void put(byte[] message, long timeoutNanos) throws InterruptedException, QueueFullException {
        long deadline = Waits.deadline(timeoutNanos);
        while (!closed && !shutDown && maxSize > 0 && messages.size() >= maxSize) {
            if (!Waits.await(this, timeoutNanos, deadline)) {
                throw full(maxSize, timeoutNanos);
            }
        }
        if (shutDown) {
            throw new QueueShutDownException("the queue is shut down: it takes no more messages");
        }
        if (closed) {
            throw new IllegalStateException("the queue is closed");
        }
        messages.addLast(message);
        bytes += message.length;
        unfinished++;
        notifyAll();
    }

    /** Whether a paced put waits: too many unread bytes, and the queue still takes messages. */
    private boolean mustPace() {
        return bytes > SharedObjects.MAX_UNREAD_BYTES && !closed && !shutDown;
    }

    private byte[] get(long timeoutNanos) throws InterruptedException, QueueEmptyException {
        long deadline = Waits.deadline(timeoutNanos);
        while (messages.isEmpty()) {
            if (shutDown) {
                throw new QueueShutDownException("the queue is shut down and empty");
            }
            if (closed) {
                throw new IllegalStateException("the queue is closed and empty");
            }
            if (!Waits.await(this, timeoutNanos, deadline)) {
                throw empty(timeoutNanos);
            }
        }
        byte[] message = messages.removeFirst();
        boolean full = bytes > SharedObjects.MAX_UNREAD_BYTES;
        bytes -= message.length;
        if (maxSize > 0 || full && bytes <= SharedObjects.MAX_UNREAD_BYTES) {
            // a bounded put, or a paced one, may wait for this room; other waiters (gets, joins)
            // cannot go on because of a get, and are not woken for nothing
            notifyAll();
        }
        return message;
    }

    /**
     * Python 3.13's {@code Queue.shutdown(immediate)}: wakes every waiter; puts fail from now on;
     * gets take what is left, unless {@code immediate}, which drops it and counts each dropped
     * message's task as done (so {@code join} may return).
     */
    private void shutDown(boolean immediate) {
        shutDown = true;
        if (immediate) {
            unfinished = Math.max(0, unfinished - messages.size());
            messages.clear();
            bytes = 0;
        }
        notifyAll();
    }

    private boolean awaitAllDone(long timeoutNanos) throws InterruptedException {
        long deadline = Waits.deadline(timeoutNanos);
        while (unfinished > 0) {
            if (!Waits.await(this, timeoutNanos, deadline)) {
                return false;
            }
        }
        return true;
    }

    private static String waited(long timeoutNanos) {
        return timeoutNanos == 0 ? "" : " for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms";
    }
}
