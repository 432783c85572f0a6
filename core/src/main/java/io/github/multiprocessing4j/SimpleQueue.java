package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.ring.RingQueue;
import io.github.multiprocessing4j.internal.shared.HostedQueue;
import io.github.multiprocessing4j.internal.shared.QueueRings;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import java.io.Serial;
import java.io.Serializable;

/**
 * An unbounded FIFO queue with the smallest API: Python's {@code multiprocessing.SimpleQueue}.
 * Shared, copied and closed like {@link Queue}, and like it carried in a ring of shared memory
 * where the session has one.
 *
 * @param <T> the type of the messages
 */
public final class SimpleQueue<T> implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The id of the queue's state in its hosting process. */
    private final String id;
    /** The queue in its ring as this process uses it, or null for calls; valid once {@link #routed}. */
    private transient volatile RingQueue ring;
    /** Whether {@link #ring} was learnt in this process. */
    private transient volatile boolean routed;

    /** A new, empty queue hosted in this process. */
    // the cleaner keeps only a phantom reference to this handle: nothing of it is used before it is whole
    @SuppressWarnings("this-escape")
    public SimpleQueue() {
        HostedQueue state = Queue.state(0, true);
        this.id = SharedObjects.hostCounted(state);
        this.ring = state.local();
        this.routed = true;
        if (ring != null) {
            QueueRings.created(id, ring);
        }
        SharedObjects.track(this, id);
    }

    private RingQueue ring() {
        if (!routed) {
            ring = QueueRings.of(id, 0);
            routed = true;
        }
        return ring;
    }

    /**
     * Adds a message.
     *
     * @param message a serializable object, or null
     * @throws IllegalArgumentException if it cannot be serialized or is too large
     * @throws IllegalStateException if the queue is closed
     */
    public void put(T message) {
        RingQueue inRing = ring();
        if (inRing == null) {
            Shared.quickCall(id, HostedQueue.PUT, Payloads.serialize(message), 0L);
            return;
        }
        byte[] bytes = Payloads.serialize(message);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    // an unbounded queue takes every message; only a wait for the ring's lock or for
                    // the buffer to drain can be interrupted, and this put has no way to say so
                    inRing.put(bytes, Timeouts.FOREVER);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Takes the oldest message, waiting for one.
     *
     * @return the message (a copy)
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the queue is closed and empty
     */
    public T get() throws InterruptedException {
        RingQueue inRing = ring();
        if (inRing == null) {
            return Queue.receive(Shared.call(id, HostedQueue.GET, Timeouts.FOREVER));
        }
        return Queue.receive(inRing.get(Timeouts.FOREVER));
    }

    /**
     * Whether the queue is empty now.
     *
     * @return the approximate emptiness
     */
    public boolean isEmpty() {
        RingQueue inRing = ring();
        return (inRing != null ? inRing.size() : (Integer) Shared.quickCall(id, HostedQueue.SIZE)) == 0;
    }

    /** Closes the queue for every process; closing twice is fine. */
    public void close() {
        RingQueue inRing = ring();
        if (inRing != null) {
            inRing.close();
        } else {
            Shared.quickCall(id, HostedQueue.CLOSE);
        }
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
