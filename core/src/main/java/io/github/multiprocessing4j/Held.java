package io.github.multiprocessing4j;

/**
 * A lock (or a semaphore's unit) that the calling thread holds, given back by {@link #close()}:
 * what {@link Semaphore#hold()} and {@link RLock#hold()} return, so that try-with-resources reads
 * as Python's {@code with lock:}.
 *
 * <pre>{@code
 * try (Held held = lock.hold()) {      // Python: with lock:
 *     counter.put(counter.get() + 1);
 * }
 * }</pre>
 */
public interface Held extends AutoCloseable {

    /**
     * Releases what {@code hold()} acquired. A second call does nothing.
     *
     * @throws IllegalStateException as the lock's {@code release()} does, e.g. "cannot release
     *     un-acquired lock" when an {@link RLock} is closed by another thread than its owner
     */
    @Override
    void close();
}
