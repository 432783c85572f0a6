package io.github.multiprocessing4j;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * The results of {@link Pool#imap(SerializableFunction, Iterable)} or
 * {@link Pool#imapUnordered(SerializableFunction, Iterable)}, as they come: Python's
 * {@code IMapIterator}. It is its own {@link Iterable}, so it can be used once in a for-each
 * loop, as in Python.
 *
 * <p>{@link #hasNext()} and {@link #next()} wait until the next result has arrived (or the
 * items are known to be exhausted). An item whose task failed throws its exception from
 * {@code next()} at that item's turn, and the iteration goes on with the following items
 * (Python parity for {@code chunksize=1}; here for every chunk size). A thread interrupted while
 * waiting in {@code hasNext()} or {@code next()} gets an {@link IllegalStateException} with its
 * interrupt flag set again. Instances are safe for use by several threads.
 *
 * @param <R> the type of the results
 */
public interface ResultIterator<R> extends Iterator<R>, Iterable<R> {

    /**
     * Whether there is another result, waiting until that is known.
     *
     * @return false once every result has been returned (or after the pool was terminated)
     * @throws IllegalStateException if the calling thread is interrupted while waiting
     */
    @Override
    boolean hasNext();

    /**
     * The next result, waiting for it.
     *
     * @return the result, possibly null if the function returned null
     * @throws ChildProcessException if this item's task failed in its worker (the cause is the
     *     worker's exception) or its worker died while running it
     * @throws CancellationException if the pool was terminated before this item's result came
     * @throws NoSuchElementException if every result has been returned
     * @throws IllegalStateException if the calling thread is interrupted while waiting
     */
    @Override
    R next();

    /**
     * The next result, waiting at most {@code timeout}: Python's {@code next(timeout)}.
     *
     * @param timeout how long to wait; zero or negative does not wait (SPEC L17)
     * @return the result
     * @throws TimeoutException if it did not come in time
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws ChildProcessException if this item's task failed, as for {@link #next()}
     * @throws CancellationException if the pool was terminated before this item's result came
     * @throws NoSuchElementException if every result has been returned
     */
    R next(Duration timeout) throws TimeoutException, InterruptedException;

    /**
     * This iterator: the results can be iterated once.
     *
     * @return this
     */
    @Override
    default Iterator<R> iterator() {
        return this;
    }
}
