package io.github.multiprocessing4j.internal.ring;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * One end of a pipe whose messages travel through two {@link MappedRing}s of one host, as this
 * process sees it: it sends into the ring towards the other end and receives from the ring
 * towards this one, with no call to another process (SPEC M1-M4 over shared memory).
 *
 * <h2>Messages and fragments</h2>
 * A message is one record when it fits ({@link #WHOLE}); a larger one is cut into fragments,
 * {@link #FIRST} (with the message's whole size), {@link #MORE} and {@link #LAST}, that its
 * sender writes under the writers' lock, so that no other message comes between them. A reader
 * returns whole messages only: fragments whose message was not finished (the sender died, or
 * was interrupted between two fragments) are dropped when the next message starts, or at end
 * of stream, so a reader never sees a torn message (SPEC M4). The byte after a record's header
 * is the message's first byte, its type, which a receive for objects only looks at without
 * taking the message.
 *
 * <h2>Who may use an end</h2>
 * Any number of processes and threads: senders of one end hold the outgoing ring's writers'
 * {@link LockWord} around each message, receivers the incoming ring's readers' lock. A lock
 * held by a process that ended is released by the process that manages the pipe, which also
 * sets the rings' closed flags ({@link #CLOSED}, {@link #RELEASED}) for every process.
 *
 * <h2>Waiting</h2>
 * A receiver spins, then parks for growing times (see {@code Waiter}); it asks {@code managerAlive}
 * now and then, since nothing else tells it that the pipe's manager is gone.
 */
public final class RingPipeEnd {

    /** A record that is a whole message. */
    public static final byte WHOLE = 0;
    /** The first fragment of a message, followed by the message's size (an int). */
    public static final byte FIRST = 1;
    /** A fragment that is neither first nor last. */
    public static final byte MORE = 2;
    /** The last fragment. */
    public static final byte LAST = 3;

    /** The writing end's flag of a ring: open. */
    public static final long OPEN = 0;
    /** The writing end's flag of a ring: that end was closed. */
    public static final long CLOSED = 1;
    /** The writing end's flag of a ring: nobody holds that end any more (it was released). */
    public static final long RELEASED = 2;

    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    private final MappedRing inbound;
    private final MappedRing outbound;
    private final RingReader reader;
    private final RingWriter writer;
    private final LockWord readers;
    private final LockWord writers;
    private final int token;
    private final int fragment;

    /**
     * One end as this process uses it.
     *
     * @param inbound the ring towards this end, or null if this end only sends
     * @param outbound the ring towards the other end, or null if this end only receives
     * @param token this process's token for the rings' locks, not 0
     * @param managerAlive whether the process that manages the pipe is still there
     */
    public RingPipeEnd(MappedRing inbound, MappedRing outbound, int token, BooleanSupplier managerAlive) {
        this.inbound = inbound;
        this.outbound = outbound;
        this.token = token;
        this.reader = inbound == null ? null : inbound.reader(() -> managerAlive.getAsBoolean() && !inbound.readerClosed());
        this.writer = outbound == null ? null : outbound.writer(managerAlive);
        this.readers = inbound == null ? null : inbound.readerLock();
        this.writers = outbound == null ? null : outbound.writerLock();
        this.fragment = outbound == null ? 0 : Math.min(outbound.maxMessageBytes() - 8, outbound.capacity() / 4);
    }

    private long me() {
        return LockWord.owner(token, LockWord.threadNumber());
    }

    /**
     * Sends a message, waiting while the other end's ring is full (SPEC M3).
     *
     * @param type the message's first byte
     * @param body holds the rest of the message
     * @param offset where the rest starts
     * @param length how many bytes it has
     * @throws IllegalStateException if either end is closed
     * @throws PeerGoneException if the pipe's manager is gone
     * @throws InterruptedException if interrupted while waiting for the lock or for room; a
     *     message interrupted between two of its fragments is dropped by its readers
     */
    public void send(byte type, byte[] body, int offset, int length) throws PeerGoneException, InterruptedException {
        long me = me();
        writers.acquire(me, -1);
        try {
            checkSendable();
            int size = 1 + length;
            try {
                if (size <= fragment) {
                    writer.write(new byte[] {WHOLE, type}, body, offset, length, FOREVER);
                    return;
                }
                int part = fragment - 5;
                byte[] first = ByteBuffer.allocate(6).put(FIRST).putInt(size).put(type).array();
                writer.write(first, body, offset, part, FOREVER);
                for (int at = part; at < length; at += part) {
                    int count = Math.min(part, length - at);
                    writer.write(new byte[] {at + count == length ? LAST : MORE}, body, offset + at, count, FOREVER);
                }
            } catch (PeerGoneException e) {
                checkSendable();
                throw e;
            }
        } finally {
            writers.release(me);
        }
    }

    private void checkSendable() {
        if (outbound.writerClosed() == CLOSED) {
            throw new IllegalStateException("this end of the pipe is closed");
        }
        if (outbound.readerClosed()) {
            throw new IllegalStateException("the other end of the pipe is closed (broken pipe)");
        }
    }

    /**
     * Receives the next message: its type byte, then the rest.
     *
     * @param objectsOnly whether a message whose type is not {@code objectType} stays unread and
     *     the call fails
     * @param objectType the type of an object message
     * @param timeout how long to wait
     * @return the message, or null if none came in time
     * @throws EOFException if nothing is left and no more can come
     * @throws IllegalStateException if {@code objectsOnly} and the next message is not an object
     * @throws PeerGoneException if the pipe's manager is gone
     * @throws InterruptedException if interrupted while waiting for a message (never once a
     *     message's first fragment was taken: then the rest is read and the interrupt kept)
     */
    public byte[] receive(boolean objectsOnly, byte objectType, Duration timeout)
            throws EOFException, PeerGoneException, InterruptedException {
        long me = me();
        if (!readers.acquire(me, nanos(timeout))) {
            return null;
        }
        try {
            while (true) {
                if (!awaitRecord(timeout)) {
                    return null;
                }
                int kind = reader.peek(0);
                if (kind != WHOLE && kind != FIRST) {
                    // a fragment of a message whose first part was not read here: its sender or
                    // reader died (or was interrupted) in the middle of it
                    takeCommitted();
                    continue;
                }
                if (objectsOnly && reader.peek(kind == WHOLE ? 1 : 5) != (objectType & 0xFF)) {
                    throw new IllegalStateException("the next message was sent with sendBytes: receive it with recvBytes");
                }
                byte[] record = takeCommitted();
                if (kind == WHOLE) {
                    return java.util.Arrays.copyOfRange(record, 1, record.length);
                }
                byte[] message = assemble(record);
                if (message != null) {
                    return message;
                }
            }
        } finally {
            readers.release(me);
        }
    }

    /**
     * Reads the fragments after a first one; null if the message was abandoned (a new message
     * starts first), and then nothing of it is returned.
     */
    private byte[] assemble(byte[] first) throws EOFException, PeerGoneException {
        int size = ByteBuffer.wrap(first, 1, 4).getInt();
        if (size < first.length - 5) {
            throw new IllegalStateException("the ring " + inbound.path() + " holds a message of " + size
                    + " bytes whose first part has " + (first.length - 5));
        }
        byte[] message = new byte[size];
        int filled = first.length - 5;
        System.arraycopy(first, 5, message, 0, filled);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (!reader.await(FOREVER)) {
                        continue;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    continue;
                } catch (EOFException e) {
                    // what was read of the message is dropped with it
                    throw endOfStream();
                }
                int kind = reader.peek(0);
                if (kind == WHOLE || kind == FIRST) {
                    return null;
                }
                byte[] part = takeCommitted();
                int count = part.length - 1;
                if (count > size - filled) {
                    throw new IllegalStateException("the ring " + inbound.path() + " holds more fragments than the "
                            + size + " bytes of their message");
                }
                System.arraycopy(part, 1, message, filled, count);
                filled += count;
                if (kind == LAST) {
                    if (filled != size) {
                        return null;
                    }
                    return message;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads the record that {@link RingReader#await} found committed: it never waits. */
    private byte[] takeCommitted() {
        try {
            return reader.read(Duration.ZERO);
        } catch (InterruptedException | IOException e) {
            throw new IllegalStateException("a committed record of " + inbound.path() + " could not be read", e);
        }
    }

    /** Waits for a record; false on timeout; end of stream as the flags say. */
    private boolean awaitRecord(Duration timeout) throws EOFException, PeerGoneException, InterruptedException {
        if (inbound.readerClosed()) {
            throw new EOFException("this end of the pipe is closed");
        }
        try {
            return reader.await(timeout);
        } catch (EOFException e) {
            throw endOfStream();
        } catch (PeerGoneException e) {
            if (inbound.readerClosed()) {
                throw new EOFException("this end of the pipe is closed");
            }
            throw e;
        }
    }

    private EOFException endOfStream() {
        return new EOFException(inbound.readerClosed() ? "this end of the pipe is closed"
                : inbound.writerClosed() == CLOSED ? "the other end of the pipe is closed"
                : "the other end of the pipe is held by no process any more: every child that had it has ended");
    }

    /**
     * Whether a receive would not wait: a message is there, or no more can come.
     *
     * @param timeout how long to wait for that
     * @return true if so
     * @throws PeerGoneException if the pipe's manager is gone
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean poll(Duration timeout) throws PeerGoneException, InterruptedException {
        long me = me();
        long start = System.nanoTime();
        if (!readers.acquire(me, nanos(timeout))) {
            return false;
        }
        try {
            Duration left = timeout.minusNanos(System.nanoTime() - start);
            return awaitRecord(left.isNegative() ? Duration.ZERO : left);
        } catch (EOFException e) {
            return true;
        } finally {
            readers.release(me);
        }
    }

    /** A lock wait: negative for ever, 0 not at all. */
    private static long nanos(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return "RingPipeEnd[in=" + inbound + ", out=" + outbound + ", token=" + token + "]";
    }
}
