package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.memory.SessionMemory;
import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.shared.HostedPipe;
import io.github.multiprocessing4j.internal.shared.PipeEnds;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * <p>Where the session has shared memory ({@code /dev/shm}: the local launcher, and Docker with
 * the session's directory mounted), the messages travel in two ring buffers of
 * {@value #RING_BYTES} bytes in mapped files, one towards each end, that every process holding
 * an end maps: a message goes from sender to receiver without passing through another process,
 * and a sender waits while the ring towards the other end is full (a larger message goes in
 * parts). Elsewhere (a remote launcher, no {@code /dev/shm}, or the system property
 * {@value #SHARED_MEMORY_PROPERTY} set to {@code false}) they pass through the process that
 * opened the pipe. Both ways keep the same rules.
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
        String id = SharedObjects.hostCounted(state(duplex));
        return new Pipe(new Connection(id, 0, true, duplex), new Connection(id, 1, duplex, true));
    }

    /** The bytes of each of a pipe's rings. */
    public static final int RING_BYTES = 256 * 1024;

    /** The system property that, set to {@code false}, makes pipes carry messages through their process. */
    public static final String SHARED_MEMORY_PROPERTY = "multiprocessing4j.pipe.sharedMemory";

    private static HostedPipe state(boolean duplex) {
        if ("false".equalsIgnoreCase(System.getProperty(SHARED_MEMORY_PROPERTY))) {
            return new HostedPipe();
        }
        Optional<List<MappedRing>> rings = SessionMemory.createRings("pipe", duplex ? 2 : 1, RING_BYTES);
        if (rings.isEmpty()) {
            return new HostedPipe();
        }
        MappedRing towardsLeft = rings.get().get(0);
        MappedRing towardsRight = duplex ? rings.get().get(1) : null;
        PipeEnds.created(towardsLeft, towardsRight);
        // once the pipe is freed (SPEC M9), its files go: mappings that remain are dropped with their handles
        return new HostedPipe(towardsLeft, towardsRight, () -> rings.get().forEach(ring -> SessionMemory.delete(ring.path())));
    }
}
