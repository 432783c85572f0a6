package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.shared.HostedQueue;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import java.io.Serial;
import java.io.Serializable;

/**
 * An unbounded FIFO queue with the smallest API: Python's {@code multiprocessing.SimpleQueue}.
 * Shared, copied and closed like {@link Queue}.
 *
 * @param <T> the type of the messages
 */
public final class SimpleQueue<T> implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The id of the queue's state in its hosting process. */
    private final String id;

    /** A new, empty queue hosted in this process. */
    public SimpleQueue() {
        this.id = SharedObjects.hostCounted(new HostedQueue(0));
        SharedObjects.track(this, id);
    }

    /**
     * Adds a message.
     *
     * @param message a serializable object, or null
     * @throws IllegalArgumentException if it cannot be serialized or is too large
     * @throws IllegalStateException if the queue is closed
     */
    public void put(T message) {
        Shared.quickCall(id, HostedQueue.PUT, Payloads.serialize(message), 0L);
    }

    /**
     * Takes the oldest message, waiting for one.
     *
     * @return the message (a copy)
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the queue is closed and empty
     */
    public T get() throws InterruptedException {
        return Queue.receive(Shared.call(id, HostedQueue.GET, Timeouts.FOREVER));
    }

    /**
     * Whether the queue is empty now.
     *
     * @return the approximate emptiness
     */
    public boolean isEmpty() {
        return (Integer) Shared.quickCall(id, HostedQueue.SIZE) == 0;
    }

    /** Closes the queue for every process; closing twice is fine. */
    public void close() {
        Shared.quickCall(id, HostedQueue.CLOSE);
    }

    @Override
    public String toString() {
        return "<SimpleQueue>";
    }

    /**
     * Serialized: the copy in flight keeps the queue's state alive until it is deserialized
     * (SPEC M9).
     *
     * @param out the stream
     * @throws java.io.IOException if the stream fails
     */
    @Serial
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        SharedObjects.sending(id);
        out.defaultWriteObject();
    }

    /**
     * Deserialized: this copy keeps the queue's state alive until it is unreachable, and the
     * process hosting it learns that this process holds it (SPEC M9).
     *
     * @param in the stream
     * @throws java.io.IOException if the stream fails
     * @throws ClassNotFoundException if a class is missing
     */
    @Serial
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        SharedObjects.received(this, id, null);
    }
}
