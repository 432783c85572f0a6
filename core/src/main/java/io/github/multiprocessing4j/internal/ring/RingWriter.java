package io.github.multiprocessing4j.internal.ring;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The writing end of a {@link MappedRing}: copies each message into the ring and commits it
 * whole, or not at all. For one thread at a time (see the ring's concurrency contract).
 */
public final class RingWriter implements AutoCloseable {

    private static final byte[] NO_HEAD = new byte[0];

    private final MappedRing ring;
    private final ByteBuffer buffer;
    private final BooleanSupplier readerAlive;
    private final int capacity;
    private final int mask;
    /** Only this writer changes the write index: a copy of what it last published. */
    private long writeIndex;
    /** The reader's index as last seen: there is at least this much room. */
    private long readIndex;
    private boolean closed;

    RingWriter(MappedRing ring, ByteBuffer buffer, BooleanSupplier readerAlive) {
        this.ring = ring;
        this.buffer = buffer;
        this.readerAlive = Objects.requireNonNull(readerAlive, "readerAlive");
        this.capacity = ring.capacity();
        this.mask = capacity - 1;
        this.writeIndex = (long) MappedRing.LONGS.getAcquire(buffer, MappedRing.WRITE_INDEX_AT);
        this.readIndex = (long) MappedRing.LONGS.getAcquire(buffer, MappedRing.READ_INDEX_AT);
    }

    /**
     * Writes a whole message, waiting for room for up to {@code timeout}: a full ring blocks its
     * producer (SPEC M3). The message is committed whole or not at all, whatever happens to
     * this process (SPEC M4).
     *
     * @param message the message
     * @param timeout how long to wait for room; zero or negative: do not wait
     * @return true if the message was committed, false if there was no room within the timeout
     *     (nothing was written)
     * @throws IllegalArgumentException if the message is larger than
     *     {@link MappedRing#maxMessageBytes()}, naming both sizes; the ring stays usable
     * @throws PeerGoneException if the reader closed the ring, or its process died while this
     *     writer waited for room
     * @throws InterruptedException if the thread was interrupted while it waited; nothing was written
     * @throws IllegalStateException if this writer is closed, or the ring's indexes are corrupted
     */
    public boolean write(byte[] message, Duration timeout) throws PeerGoneException, InterruptedException {
        return write(message, 0, message.length, timeout);
    }

    /**
     * Writes a whole message that sits in part of an array; otherwise as {@link #write(byte[], Duration)}.
     *
     * @param message holds the message
     * @param offset where the message starts
     * @param length how many bytes it takes
     * @param timeout how long to wait for room; zero or negative: do not wait
     * @return true if the message was committed, false if there was no room within the timeout
     * @throws IllegalArgumentException if the message is larger than {@link MappedRing#maxMessageBytes()}
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} are not inside {@code message}
     * @throws PeerGoneException if the reader closed the ring, or its process died while this writer waited
     * @throws InterruptedException if the thread was interrupted while it waited; nothing was written
     * @throws IllegalStateException if this writer is closed, or the ring's indexes are corrupted
     */
    public boolean write(byte[] message, int offset, int length, Duration timeout)
            throws PeerGoneException, InterruptedException {
        return write(NO_HEAD, message, offset, length, timeout);
    }

    /**
     * Writes one message made of two parts, {@code head} then part of {@code body}, copied into
     * the ring once; otherwise as {@link #write(byte[], Duration)}.
     *
     * @param head the message's first bytes
     * @param body holds the rest of the message
     * @param offset where the rest starts in {@code body}
     * @param length how many bytes of {@code body} follow the head
     * @param timeout how long to wait for room; zero or negative: do not wait
     * @return true if the message was committed, false if there was no room within the timeout
     * @throws IllegalArgumentException if the message is larger than {@link MappedRing#maxMessageBytes()}
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} are not inside {@code body}
     * @throws PeerGoneException if the reader closed the ring, or its process died while this writer waited
     * @throws InterruptedException if the thread was interrupted while it waited; nothing was written
     * @throws IllegalStateException if this writer is closed, or the ring's indexes are corrupted
     */
    public boolean write(byte[] head, byte[] body, int offset, int length, Duration timeout)
            throws PeerGoneException, InterruptedException {
        Objects.checkFromIndexSize(offset, length, body.length);
        if (closed) {
            throw new IllegalStateException("the writer of " + ring.path() + " is closed");
        }
        int size = head.length + length;
        if (size > ring.maxMessageBytes()) {
            throw new IllegalArgumentException("a message of " + size + " bytes is larger than the largest this ring"
                    + " carries, " + ring.maxMessageBytes() + " bytes (a ring of " + capacity + " bytes)");
        }
        if ((long) MappedRing.LONGS.getAcquire(buffer, MappedRing.READER_CLOSED_AT) != 0) {
            throw new PeerGoneException("the reader of " + ring.path() + " closed it");
        }
        // another process that shares this end (under a lock of theirs) may have written since
        writeIndex = (long) MappedRing.LONGS.getAcquire(buffer, MappedRing.WRITE_INDEX_AT);
        int record = MappedRing.recordBytes(size);
        if (capacity - (writeIndex - readIndex) < record && !awaitRoom(record, timeout)) {
            return false;
        }
        int at = (int) (writeIndex & mask);
        buffer.putInt(MappedRing.DATA_AT + at, size);
        // records are 8-aligned, so the length never wraps; the message may
        int start = at + MappedRing.LENGTH_BYTES;
        start = copy(start, head, 0, head.length);
        copy(start, body, offset, length);
        writeIndex += record;
        MappedRing.LONGS.setRelease(buffer, MappedRing.WRITE_INDEX_AT, writeIndex);
        return true;
    }

    /** Copies bytes into the data area from {@code start} (an index in it), wrapping; returns where they end. */
    private int copy(int start, byte[] bytes, int offset, int length) {
        int first = Math.min(length, capacity - start);
        buffer.put(MappedRing.DATA_AT + start, bytes, offset, first);
        if (first < length) {
            buffer.put(MappedRing.DATA_AT, bytes, offset + first, length - first);
        }
        return (start + length) & mask;
    }

    private boolean awaitRoom(int record, Duration timeout) throws PeerGoneException, InterruptedException {
        Waiter waiter = new Waiter(timeout);
        while (true) {
            readIndex = (long) MappedRing.LONGS.getAcquire(buffer, MappedRing.READ_INDEX_AT);
            long used = writeIndex - readIndex;
            if (used < 0 || used > capacity) {
                throw new IllegalStateException("the ring " + ring.path() + " is corrupted: write index " + writeIndex
                        + ", read index " + readIndex);
            }
            if (capacity - used >= record) {
                return true;
            }
            if ((long) MappedRing.LONGS.getAcquire(buffer, MappedRing.READER_CLOSED_AT) != 0) {
                throw new PeerGoneException("the reader of " + ring.path() + " closed it");
            }
            if (waiter.dueForCheck() && !readerAlive.getAsBoolean()) {
                throw new PeerGoneException("the reader of " + ring.path() + " died; the ring is full");
            }
            if (!waiter.pause()) {
                return false;
            }
        }
    }

    /**
     * Marks the writing end closed: once the reader has read every committed record, its next
     * read ends with {@link java.io.EOFException}. Closing twice does nothing.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            MappedRing.LONGS.setRelease(buffer, MappedRing.WRITER_CLOSED_AT, 1L);
        }
    }
}
