package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shared.HostedEvent;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import io.github.multiprocessing4j.internal.shared.Waits;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;

/** A flag shared by processes, which waiters wait for: Python's {@code multiprocessing.Event}. */
public final class Event implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The id of the event's state in its hosting process. */
    private final String id;

    /** A cleared event, hosted in this process. */
    public Event() {
        this.id = SharedObjects.hostCounted(new HostedEvent());
        SharedObjects.track(this, id);
    }

    /** Sets the flag and wakes every waiter. */
    public void set() {
        Shared.quickCall(id, HostedEvent.SET);
    }

    /** Clears the flag. */
    public void clear() {
        Shared.quickCall(id, HostedEvent.CLEAR);
    }

    /**
     * The flag: Python's {@code is_set()}.
     *
     * @return whether it is set
     */
    public boolean isSet() {
        return (Boolean) Shared.quickCall(id, HostedEvent.IS_SET);
    }

    /**
     * Waits until the flag is set.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void await() throws InterruptedException {
        Shared.call(id, HostedEvent.AWAIT, Timeouts.FOREVER);
    }

    /**
     * Waits at most {@code timeout} for the flag: Python's {@code wait(timeout)}.
     *
     * @param timeout how long to wait; zero or negative does not wait (SPEC L17)
     * @return the flag on return
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return (Boolean) Shared.call(id, HostedEvent.AWAIT, Timeouts.nanos(timeout));
    }

    @Override
    public String toString() {
        return "<Event(" + (isSet() ? "set" : "unset") + ")>";
    }

    /**
     * Serialized: the copy in flight keeps the event's state alive until it is deserialized
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
     * Deserialized: this copy keeps the event's state alive until it is unreachable, and the
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
