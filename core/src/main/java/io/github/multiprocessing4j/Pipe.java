package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shared.HostedPipe;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.util.Objects;

/**
 * A pair of connected {@link Connection}s: Python's {@code multiprocessing.Pipe()}, which
 * returns {@code (conn1, conn2)}. Keep one end, hand the other to a child.
 *
 * @param left Python's {@code conn1}: receive-only for a one-way pipe
 * @param right Python's {@code conn2}: send-only for a one-way pipe
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
        String id = SharedObjects.host(new HostedPipe());
        return new Pipe(new Connection(id, 0, true, duplex), new Connection(id, 1, duplex, true));
    }
}
