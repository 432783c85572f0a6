package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shared.HostedPipe;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.util.Objects;

/**
 * A pair of connected {@link Connection}s: Python's {@code multiprocessing.Pipe()}, which
 * returns {@code (conn1, conn2)}. Keep one end, hand the other to a child.
 *
 * <p>The pipe lives in the process that opened it. An end stays open until some process calls
 * its {@link Connection#close()}; the creator may hand the same end to one child after another.
 * A reader also gets end of stream, once it has received everything, when the other end was
 * handed to children, every one of them has ended, and the creator never used that end itself:
 * nobody can send on it any more (see {@link Connection}). No message is dropped when a child
 * ends.
 *
 * @param left Python's {@code conn1}: receive-only for a one-way pipe
 * @param right Python's {@code conn2}: send-only for a one-way pipe
 * @serial exclude a pair of two {@link Connection}s, whose own serialized form is documented
 */
public record Pipe(Connection left, Connection right) implements java.io.Serializable {

    /**
     * Validates the ends.
     *
     * @param left the first end
     * @param right the second end
     */
    public Pipe {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
    }

    /**
     * A two-way pipe: both ends send and receive.
     *
     * @return the pipe, hosted in this process
     */
    public static Pipe open() {
        return open(true);
    }

    /**
     * A pipe: two-way, or one-way from {@link #right()} to {@link #left()}.
     *
     * @param duplex whether both ends send and receive
     * @return the pipe, hosted in this process
     */
    public static Pipe open(boolean duplex) {
        String id = SharedObjects.hostCounted(new HostedPipe());
        return new Pipe(new Connection(id, 0, true, duplex), new Connection(id, 1, duplex, true));
    }
}
