package io.github.multiprocessing4j.internal.shared;

import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.QueueFullException;
import io.github.multiprocessing4j.QueueShutDownException;
import io.github.multiprocessing4j.internal.channel.CallRouter;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The state of a {@code Queue}, {@code SimpleQueue} or {@code JoinableQueue} in the JVM that
 * created it: serialized messages in FIFO order, a bound, a closed flag, a shut-down flag
 * (Python 3.13's {@code shutdown}) and the count of unfinished tasks. Blocking operations wait on this monitor; interruption (a cancelled call)
 * aborts them without taking anything.
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

    private final int maxSize;
    private final ArrayDeque<byte[]> messages = new ArrayDeque<>();
    /** The bytes of {@link #messages}. */
    private long bytes;
    private boolean closed;
    private boolean shutDown;
    private long unfinished;

    /**
     * Creates the state.
     *
     * @param maxSize the bound; 0 or less means unbounded
     */
    public HostedQueue(int maxSize) {
        this.maxSize = maxSize;
    }

    @Override
    public boolean mayBlock(int op, Object[] args) {
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
        if (op == GET && (!messages.isEmpty() || closed)
                || op == PACED_PUT && !mustPace()) {
            return invoke(op, args, caller);
        }
        return CallRouter.WOULD_WAIT;
    }

    @Override
    public synchronized Object invoke(int op, Object[] args, String caller) throws Exception {
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
            default:
                throw new IllegalArgumentException("unknown queue operation " + op);
        }
    }

    private void put(byte[] message, long timeoutNanos) throws InterruptedException, QueueFullException {
        long deadline = Waits.deadline(timeoutNanos);
        while (!closed && !shutDown && maxSize > 0 && messages.size() >= maxSize) {
            if (!Waits.await(this, timeoutNanos, deadline)) {
                throw new QueueFullException("the queue stayed full (" + maxSize + " messages)"
                        + waited(timeoutNanos));
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
                throw new QueueEmptyException("the queue stayed empty" + waited(timeoutNanos));
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
