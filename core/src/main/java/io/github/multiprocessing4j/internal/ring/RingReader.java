package io.github.multiprocessing4j.internal.ring;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The reading end of a {@link MappedRing}: returns each committed message once, in the order it
 * was written. For one thread at a time (see the ring's concurrency contract).
 */
public final class RingReader implements AutoCloseable {

    private final MappedRing ring;
    private final ByteBuffer buffer;
    private final BooleanSupplier writerAlive;
    private final int capacity;
    private final int mask;
    /** Only this reader changes the read index: a copy of what it last published. */
    private long readIndex;
    /** The writer's index as last seen: every record before it is committed. */
    private long writeIndex;
    private boolean closed;

    RingReader(MappedRing ring, ByteBuffer buffer, BooleanSupplier writerAlive) {
        this.ring = ring;
        this.buffer = buffer;
        this.writerAlive = Objects.requireNonNull(writerAlive, "writerAlive");
        this.capacity = ring.capacity();
        this.mask = capacity - 1;
        this.readIndex = (long) MappedRing.LONGS.getAcquire(buffer, MappedRing.READ_INDEX_AT);
        this.writeIndex = readIndex;
    }

    /**
     * Reads the next message, waiting for up to {@code timeout} for one to be committed.
     *
     * @param timeout how long to wait; zero or negative: do not wait
     * @return the message, or null if none was committed within the timeout
     * @throws EOFException if the writer closed its end and every message has been read
     * @throws PeerGoneException if the writer's process died and every message it committed has
     *     been read; what it was still writing is discarded (SPEC M4)
     * @throws InterruptedException if the thread was interrupted while it waited; nothing was read
     * @throws IllegalStateException if this reader is closed, or the ring holds a record that
     *     cannot be (its content was corrupted by something other than a writer): the ring is broken
     */
    public byte[] read(Duration timeout) throws EOFException, PeerGoneException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("the reader of " + ring.path() + " is closed");
        }
        if (!await(timeout)) {
            return null;
        }
        long committed = writeIndex - readIndex;
        if (committed < MappedRing.recordBytes(0) || committed > capacity) {
            throw corrupted("write index " + writeIndex + ", read index " + readIndex);
        }
        int at = (int) (readIndex & mask);
        int length = buffer.getInt(MappedRing.DATA_AT + at);
        if (length < 0 || length > ring.maxMessageBytes() || MappedRing.recordBytes(length) > committed) {
            throw corrupted("a record of " + length + " bytes at index " + readIndex + ", " + committed
                    + " bytes committed");
        }
        byte[] message = new byte[length];
        int start = at + MappedRing.LENGTH_BYTES;
        int first = Math.min(length, capacity - start);
        buffer.get(MappedRing.DATA_AT + start, message, 0, first);
        if (first < length) {
            buffer.get(MappedRing.DATA_AT, message, first, length - first);
        }
        readIndex += MappedRing.recordBytes(length);
        MappedRing.LONGS.setRelease(buffer, MappedRing.READ_INDEX_AT, readIndex);
        return message;
    }

    /**
     * Waits for up to {@code timeout} until a record is committed, without reading it.
     *
     * @param timeout how long to wait; zero or negative: do not wait
     * @return true if a record is there to read, false if none came within the timeout
     * @throws EOFException if the writer closed its end and every message has been read
     * @throws PeerGoneException if the writer's process died and every message it committed has been read
     * @throws InterruptedException if the thread was interrupted while it waited
     * @throws IllegalStateException if this reader is closed
     */
    public boolean await(Duration timeout) throws EOFException, PeerGoneException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("the reader of " + ring.path() + " is closed");
        }
        // another process that shares this end (under a lock of theirs) may have read since
        readIndex = (long) MappedRing.LONGS.getAcquire(buffer, MappedRing.READ_INDEX_AT);
        return committed() || awaitRecord(timeout);
    }

    /**
     * A byte of the next message, which stays unread: call after {@link #await} returned true.
     *
     * @param offset the byte's index in the message
     * @return the byte (0 to 255), or -1 if the message is shorter
     * @throws IllegalStateException if no record is committed, or the ring is corrupted
     */
    public int peek(int offset) {
        long committed = writeIndex - readIndex;
        if (committed < MappedRing.recordBytes(0) || committed > capacity) {
            throw new IllegalStateException("no record to peek at in " + ring.path() + ": write index " + writeIndex
                    + ", read index " + readIndex);
        }
        int at = (int) (readIndex & mask);
        int length = buffer.getInt(MappedRing.DATA_AT + at);
        if (offset < 0 || offset >= length) {
            return -1;
        }
        return buffer.get(MappedRing.DATA_AT + ((at + MappedRing.LENGTH_BYTES + offset) & mask)) & 0xFF;
    }

    private IllegalStateException corrupted(String what) {
        return new IllegalStateException("the ring " + ring.path() + " is corrupted: " + what);
    }

    /** Waits until the writer has committed a record after {@link #readIndex}; false on timeout. */
    private boolean awaitRecord(Duration timeout) throws EOFException, PeerGoneException, InterruptedException {
        Waiter waiter = new Waiter(timeout);
        while (true) {
            if (committed()) {
                return true;
            }
            if ((long) MappedRing.LONGS.getAcquire(buffer, MappedRing.WRITER_CLOSED_AT) != 0) {
                // the writer publishes its last record before it closes: look once more
                if (committed()) {
                    return true;
                }
                throw new EOFException("the writer of " + ring.path() + " closed it");
            }
            if (waiter.dueForCheck() && !writerAlive.getAsBoolean()) {
                if (committed()) {
                    return true;
                }
                throw new PeerGoneException("the writer of " + ring.path() + " died; every message it committed was read");
            }
            if (!waiter.pause()) {
                return false;
            }
        }
    }

    private boolean committed() {
        writeIndex = (long) MappedRing.LONGS.getAcquire(buffer, MappedRing.WRITE_INDEX_AT);
        return writeIndex != readIndex;
    }

    /**
     * Marks the reading end closed: the writer's next write fails with
     * {@link PeerGoneException}. Messages not read are lost. Closing twice does nothing.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            MappedRing.LONGS.setRelease(buffer, MappedRing.READER_CLOSED_AT, 1L);
        }
    }
}
