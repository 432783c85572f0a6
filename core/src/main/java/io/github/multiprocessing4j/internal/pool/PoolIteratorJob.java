package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.internal.shared.Timeouts;
import io.github.multiprocessing4j.internal.shared.Waits;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An imap (results in item order) or an imapUnordered (results in the order they arrive):
 * Python's {@code IMapIterator} and {@code IMapUnorderedIterator}. The number of items is
 * known only once the feeder has reached the end of the input. Results wait here until they are
 * read; a result that has been read is forgotten.
 */
public final class PoolIteratorJob extends PoolJob implements Iterator<Object> {

    private final boolean ordered;
    /** Ordered: outcomes that arrived, by index, not yet read. */
    private final Map<Integer, Object> arrived = new HashMap<>();
    /** Unordered: outcomes in arrival order, not yet read. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private int delivered;
    private int consumed;
    /** The number of items; -1 while unknown. */
    private int length = -1;
    private RuntimeException cancelled;
    private boolean cancellationThrown;

    /** A failed item's outcome, to tell it from a value. */
    private record Failure(RuntimeException exception) {
    }

    /**
     * Creates the job.
     *
     * @param function the serialized function
     * @param handles the ids of the shared objects whose handles the function carries
     * @param ordered whether results come in item order
     */
    PoolIteratorJob(byte[] function, java.util.Set<String> handles, boolean ordered) {
        super(function, handles);
        this.ordered = ordered;
    }

    @Override
    synchronized void deliver(int first, Object[] values, RuntimeException[] failures) {
        if (cancelled != null) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            Object outcome = failures != null && failures[i] != null ? new Failure(failures[i]) : values[i];
            if (ordered) {
                arrived.put(first + i, outcome);
            } else {
                queue.addLast(outcome);
            }
        }
        delivered += values.length;
        notifyAll();
    }

    @Override
    synchronized void setLength(int length) {
        this.length = length;
        notifyAll();
    }

    @Override
    synchronized void cancel(RuntimeException cause) {
        if (!isDone()) {
            cancelled = cause;
            notifyAll();
        }
    }

    @Override
    synchronized boolean isDone() {
        return cancelled != null || (length >= 0 && delivered >= length);
    }

    @Override
    String describe(int index) {
        return "the item at index " + index + " (counting from 0)";
    }

    @Override
    public synchronized boolean hasNext() {
        try {
            while (true) {
                if (available()) {
                    return true;
                }
                if (exhausted()) {
                    return false;
                }
                if (cancelled != null) {
                    return !cancellationThrown;
                }
                wait();
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public Object next() {
        try {
            return take(Timeouts.FOREVER);
        } catch (InterruptedException e) {
            throw interrupted(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("unreachable: an unbounded wait cannot time out", e);
        }
    }

    /**
     * The next result, waiting at most {@code timeout} for it.
     *
     * @param timeout how long to wait
     * @return the next result
     * @throws TimeoutException if none arrived in time
     * @throws InterruptedException if the waiting thread is interrupted
     * @throws NoSuchElementException if every result has been returned
     */
    public Object next(Duration timeout) throws TimeoutException, InterruptedException {
        return take(Timeouts.nanos(timeout));
    }

    private synchronized Object take(long timeoutNanos) throws TimeoutException, InterruptedException {
        long deadline = Waits.deadline(timeoutNanos);
        while (!available()) {
            if (exhausted()) {
                throw new NoSuchElementException("every result has been returned");
            }
            if (cancelled != null) {
                if (cancellationThrown) {
                    throw new NoSuchElementException("the pool was terminated; no more results");
                }
                cancellationThrown = true;
                throw rethrowable(cancelled);
            }
            if (!Waits.await(this, timeoutNanos, deadline)) {
                throw new TimeoutException("no result within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
        }
        Object outcome = ordered ? arrived.remove(consumed) : queue.pollFirst();
        consumed++;
        if (outcome instanceof Failure failure) {
            throw rethrowable(failure.exception());
        }
        return outcome;
    }

    private boolean available() {
        return ordered ? arrived.containsKey(consumed) : !queue.isEmpty();
    }

    private boolean exhausted() {
        return length >= 0 && consumed >= length;
    }

    private static IllegalStateException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IllegalStateException("interrupted while waiting for a result of the pool", e);
    }

    @Override
    public synchronized String toString() {
        return "<ResultIterator " + (ordered ? "ordered" : "unordered") + " returned=" + consumed
                + (length >= 0 ? " of " + length : "") + ">";
    }
}
