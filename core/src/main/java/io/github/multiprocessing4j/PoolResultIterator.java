package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.pool.PoolIteratorJob;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The {@link ResultIterator} of {@link Pool#imap} and {@link Pool#imapUnordered}: a typed view
 * of the pool engine's job.
 *
 * @param <R> the results' type
 */
final class PoolResultIterator<R> implements ResultIterator<R> {

    private final PoolIteratorJob job;

    PoolResultIterator(PoolIteratorJob job) {
        this.job = job;
    }

    @Override
    public boolean hasNext() {
        return job.hasNext();
    }

    @Override
    public R next() {
        return cast(job.next());
    }

    @Override
    public R next(Duration timeout) throws TimeoutException, InterruptedException {
        return cast(job.next(timeout));
    }

    @SuppressWarnings("unchecked")
    private static <R> R cast(Object value) {
        return (R) value;
    }

    @Override
    public String toString() {
        return job.toString();
    }
}
