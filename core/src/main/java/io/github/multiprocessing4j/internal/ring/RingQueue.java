package io.github.multiprocessing4j.internal.ring;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * A queue whose messages travel through one {@link MappedRing} of one host, as one process uses
 * it: any number of producers and consumers, in any processes of the host, put and get with no
 * call to another process (SPEC M1-M4 over shared memory).
 *
 * <h2>Puts</h2>
 * A put writes its message into the ring in the caller's thread when the ring has room for all
 * of it and this process has nothing buffered for the queue. Otherwise (the consumers are a
 * ring's worth behind) the message is buffered in this process and a feeder thread writes it, as
 * Python's {@code Queue} does with its feeder thread: a put returns once its message is buffered,
 * messages from one thread keep their order, and a buffered message that cannot be delivered (the
 * queue was shut down at once, or its process ended) fails the next put. As in Python, what a
 * process buffered is lost if it is killed.
 * What one process buffers is bounded ({@link #MAX_BUFFERED_BYTES}; SPEC M3); a bounded queue
 * also counts what this process buffered towards its {@code maxsize}. A process ending normally
 * first writes what it buffered ({@link #flushAll()}), as Python's feeder threads are joined at
 * exit.
 *
 * <h2>Gets</h2>
 * Consumers hold the readers' lock around each get; a message larger than a record travels as
 * fragments ({@link RingPipeEnd#FIRST}, {@link RingPipeEnd#MORE}, {@link RingPipeEnd#LAST}) that
 * its writer writes under the writers' lock, and a reader returns whole messages only (SPEC M4).
 * A get takes nothing that it does not return, except when its process dies in the middle: the
 * message it was taking is then lost, as in Python.
 *
 * <h2>The header's words</h2>
 * {@link #COUNT} is the number of messages in the ring: a writer adds one after it committed a
 * message, a reader takes one off before it takes a message's last record. A process killed
 * between the two steps leaves it one too low, never too high, so a bounded queue may hold one
 * message more than its bound after such a kill but never blocks for a message that is not
 * there. {@link #STATE} holds the queue's {@link #CLOSED}, {@link #SHUT_DOWN} and
 * {@link #IMMEDIATE} bits, which any process sets for all. {@link #UNFINISHED} counts, for a
 * {@code JoinableQueue}, the messages put and not yet marked done: a put adds one as it returns
 * (its message written or buffered, as Python counts at {@code put}), {@link #taskDone()} takes
 * one off, and an immediate shutdown takes off those it drops.
 */
public final class RingQueue {

    /** The header word with the number of messages in the ring. */
    public static final int COUNT = 0;
    /** The header word with the queue's state bits. */
    public static final int STATE = 1;
    /** The header word with the number of messages put and not yet marked done (a joinable queue). */
    public static final int UNFINISHED = 2;
    /** State bit: closed; puts fail, gets take what is left, then fail. */
    public static final long CLOSED = 1;
    /** State bit: shut down; puts fail, gets take what is left, then fail. */
    public static final long SHUT_DOWN = 2;
    /** State bit: shut down at once; what is left was dropped and gets fail. */
    public static final long IMMEDIATE = 4;
    /** The most that one process buffers for one queue before its puts wait (SPEC M3). */
    public static final long MAX_BUFFERED_BYTES = 16L * 1024 * 1024;

    private static final byte[] WHOLE = {RingPipeEnd.WHOLE};
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);
    /** The queues of this process whose feeders have something to write. */
    private static final Set<RingQueue> FEEDING = ConcurrentHashMap.newKeySet();

    private final MappedRing ring;
    private final RingReader reader;
    private final RingWriter writer;
    private final LockWord readers;
    private final LockWord writers;
    private final int token;
    private final int maxSize;
    private final int fragment;
    private final BooleanSupplier hostAlive;

    /** Messages put here and not yet written; guarded by this. */
    private final ArrayDeque<byte[]> buffered = new ArrayDeque<>();
    private long bufferedBytes;
    private Thread feeder;
    /** What stopped the feeder, thrown by the next put; guarded by this. */
    private RuntimeException feedFailure;

    /**
     * The queue as this process uses it.
     *
     * @param ring the queue's ring, mapped here once for this queue (this takes its reader and writer)
     * @param token this process's token for the ring's locks, not 0
     * @param maxSize the queue's bound; 0 for none
     * @param hostAlive whether the process that hosts the queue is still there
     */
    public RingQueue(MappedRing ring, int token, int maxSize, BooleanSupplier hostAlive) {
        this.ring = ring;
        this.token = token;
        this.maxSize = Math.max(0, maxSize);
        this.hostAlive = hostAlive;
        this.reader = ring.reader(() -> true);
        this.writer = ring.writer(hostAlive);
        this.readers = ring.readerLock();
        this.writers = ring.writerLock();
        this.fragment = Math.min(ring.maxMessageBytes() - 8, ring.capacity() / 4);
    }

    /** Thrown when the queue is shut down (Python 3.13's {@code ShutDown}): the caller names it. */
    public static final class ShutDownException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ShutDownException(String message) {
            super(message);
        }
    }

    private long me() {
        return LockWord.owner(token, LockWord.threadNumber());
    }

    /**
     * Puts a message, waiting at most {@code timeoutNanos} for room (the bound, or this
     * process's buffer).
     *
     * @param message the serialized message
     * @param timeoutNanos negative waits for ever, 0 does not wait
     * @return true once the message is in the ring or buffered here; false if there was no room in time
     * @throws IllegalStateException if the queue is closed, or its process is gone
     * @throws ShutDownException if the queue is shut down
     * @throws InterruptedException if interrupted while waiting; nothing was put
     */
    public boolean put(byte[] message, long timeoutNanos) throws InterruptedException {
        Waiter waiter = new Waiter(duration(timeoutNanos));
        while (true) {
            checkPuttable(ring.word(STATE));
            synchronized (this) {
                if (feedFailure != null) {
                    RuntimeException failure = feedFailure;
                    feedFailure = null;
                    throw failure;
                }
                boolean room = maxSize == 0 || Math.max(0, ring.word(COUNT)) + buffered.size() < maxSize;
                if (room && buffered.isEmpty()) {
                    int written = writeAtOnce(message);
                    if (written == WRITTEN) {
                        ring.addToWord(UNFINISHED, 1);
                        return true;
                    }
                    // another process filled the bound first: wait, as when it was full
                    room = written == NO_ROOM;
                }
                if (room && (buffered.isEmpty() || bufferedBytes + message.length <= MAX_BUFFERED_BYTES)) {
                    buffered.addLast(message);
                    bufferedBytes += message.length;
                    ring.addToWord(UNFINISHED, 1);
                    if (feeder == null) {
                        FEEDING.add(this);
                        feeder = new Thread(this::feed, "multiprocessing4j-queue-feeder");
                        feeder.setDaemon(true);
                        feeder.start();
                    }
                    return true;
                }
            }
            if (waiter.dueForCheck() && !hostAlive.getAsBoolean()) {
                throw hostGone();
            }
            if (!waiter.pause()) {
                return false;
            }
        }
    }

    private static void checkPuttable(long state) {
        if ((state & SHUT_DOWN) != 0) {
            throw new ShutDownException("the queue is shut down: it takes no more messages");
        }
        if ((state & CLOSED) != 0) {
            throw new IllegalStateException("the queue is closed");
        }
    }

    /** {@link #writeAtOnce}: the message is in the ring. */
    private static final int WRITTEN = 1;
    /** {@link #writeAtOnce}: the ring has no room for it now; the caller buffers it. */
    private static final int NO_ROOM = 0;
    /** {@link #writeAtOnce}: the queue holds its bound; the caller waits. */
    private static final int AT_BOUND = -1;

    /**
     * Writes a message now if the ring has room for all of it and the queue is below its bound
     * (checked again under the writers' lock, under which the count grows, so that producers in
     * several processes never pass the bound together). Waits for the lock while there is room (a
     * holder with room is done within microseconds), and gives up once there is none: the holder
     * may be a feeder waiting for room. So a put buffers only when the consumers are a ring's
     * worth behind.
     */
    private int writeAtOnce(byte[] message) throws InterruptedException {
        int needed = bytesFor(message.length);
        if (needed > ring.capacity()) {
            return NO_ROOM;
        }
        long me = me();
        Waiter waiter = new Waiter(FOREVER);
        while (!writers.tryAcquire(me)) {
            if (ring.free() < needed) {
                return NO_ROOM;
            }
            waiter.pause();
        }
        try {
            if (maxSize > 0 && ring.word(COUNT) >= maxSize) {
                return AT_BOUND;
            }
            if (ring.free() < needed) {
                return NO_ROOM;
            }
            writeRecords(message);
            return WRITTEN;
        } catch (PeerGoneException e) {
            throw hostGone();
        } finally {
            writers.release(me);
        }
    }

    /** The bytes of the records that carry a message of {@code length} bytes. */
    private int bytesFor(int length) {
        if (1 + length <= fragment) {
            return MappedRing.recordBytes(1 + length);
        }
        int part = fragment - 5;
        long total = MappedRing.recordBytes(5 + part);
        for (int at = part; at < length; at += part) {
            total += MappedRing.recordBytes(1 + Math.min(part, length - at));
        }
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    /** The feeder thread: writes what was buffered, in order, waiting for room. */
    private void feed() {
        while (true) {
            byte[] next;
            synchronized (this) {
                next = buffered.peekFirst();
                if (next == null) {
                    feeder = null;
                    FEEDING.remove(this);
                    notifyAll();
                    return;
                }
            }
            RuntimeException failure = null;
            try {
                if ((ring.word(STATE) & IMMEDIATE) != 0) {
                    failure = new ShutDownException("the queue was shut down at once: messages buffered by a put"
                            + " were dropped");
                } else {
                    writeWaiting(next);
                }
            } catch (InterruptedException e) {
                failure = new IllegalStateException("the queue's feeder was interrupted: messages buffered by a put"
                        + " were dropped", e);
            } catch (RuntimeException e) {
                failure = e;
            }
            synchronized (this) {
                if (failure != null) {
                    feedFailure = failure;
                    // the dropped messages are done, as an immediate shutdown counts those it drops
                    done(buffered.size());
                    buffered.clear();
                    bufferedBytes = 0;
                } else {
                    buffered.removeFirst();
                    bufferedBytes -= next.length;
                }
                notifyAll();
            }
        }
    }

    /** Writes a message, as one record or as fragments, waiting for the lock and for room. */
    private void writeWaiting(byte[] message) throws InterruptedException {
        long me = me();
        writers.acquire(me, -1);
        try {
            writeRecords(message);
        } catch (PeerGoneException e) {
            throw hostGone();
        } finally {
            writers.release(me);
        }
    }

    /**
     * Writes a message under the writers' lock, as one record or as fragments, waiting for room,
     * and counts it once it is whole in the ring.
     */
    private void writeRecords(byte[] message) throws PeerGoneException, InterruptedException {
        int size = message.length;
        if (1 + size <= fragment) {
            writer.write(WHOLE, message, 0, size, FOREVER);
        } else {
            int part = fragment - 5;
            writer.write(ByteBuffer.allocate(5).put(RingPipeEnd.FIRST).putInt(size).array(), message, 0, part, FOREVER);
            for (int at = part; at < size; at += part) {
                int count = Math.min(part, size - at);
                // once the first fragment is out, the rest follows whatever the interrupt status:
                // readers would drop an abandoned message, and this one was put already
                writeUninterruptibly(new byte[] {at + count == size ? RingPipeEnd.LAST : RingPipeEnd.MORE},
                        message, at, count);
            }
        }
        ring.addToWord(COUNT, 1);
    }

    private void writeUninterruptibly(byte[] head, byte[] body, int offset, int length) throws PeerGoneException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    writer.write(head, body, offset, length, FOREVER);
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
     * Takes the oldest message, waiting at most {@code timeoutNanos}.
     *
     * @param timeoutNanos negative waits for ever, 0 does not wait
     * @return the message, or null if none came in time
     * @throws IllegalStateException if the queue is closed and empty, or its process is gone
     * @throws ShutDownException if the queue is shut down and empty, or shut down at once
     * @throws InterruptedException if interrupted while waiting; nothing was taken
     */
    public byte[] get(long timeoutNanos) throws InterruptedException {
        long start = System.nanoTime();
        long me = me();
        if (!readers.acquire(me, timeoutNanos)) {
            return null;
        }
        try {
            long left = timeoutNanos < 0 ? -1 : Math.max(0, timeoutNanos - (System.nanoTime() - start));
            Waiter waiter = new Waiter(duration(left));
            while (true) {
                long state = ring.word(STATE);
                if ((state & IMMEDIATE) != 0) {
                    throw new ShutDownException("the queue is shut down");
                }
                if (committed()) {
                    int kind = reader.peek(0);
                    if (kind == RingPipeEnd.WHOLE) {
                        ring.addToWord(COUNT, -1);
                        byte[] record = takeCommitted();
                        return Arrays.copyOfRange(record, 1, record.length);
                    }
                    if (kind == RingPipeEnd.FIRST) {
                        byte[] message = assemble(takeCommitted());
                        if (message != null) {
                            return message;
                        }
                        continue;
                    }
                    if (kind == RingPipeEnd.LAST) {
                        // the rest of a message whose reader died while it took it: the message was
                        // counted, and is lost with that reader
                        ring.addToWord(COUNT, -1);
                    }
                    takeCommitted();
                    continue;
                }
                if ((state & SHUT_DOWN) != 0) {
                    throw new ShutDownException("the queue is shut down and empty");
                }
                if ((state & CLOSED) != 0) {
                    throw new IllegalStateException("the queue is closed and empty");
                }
                if (waiter.dueForCheck() && !hostAlive.getAsBoolean()) {
                    throw hostGone();
                }
                if (!waiter.pause()) {
                    return null;
                }
            }
        } finally {
            readers.release(me);
        }
    }

    private boolean committed() throws InterruptedException {
        try {
            return reader.await(Duration.ZERO);
        } catch (EOFException | PeerGoneException e) {
            throw new IllegalStateException("the ring of a queue reported an end it cannot have", e);
        }
    }

    /** Whether a record is committed now; a look that never waits, and so never sees an interrupt. */
    private boolean committedNow() {
        try {
            return reader.await(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (EOFException | PeerGoneException e) {
            throw new IllegalStateException("the ring of a queue reported an end it cannot have", e);
        }
    }

    /**
     * Reads the fragments after a first one; null if the message was abandoned (its writer died:
     * another message starts first, or the writers' lock is free with no fragment to come), and
     * then nothing of it is returned. The rest of a message is
     * read whatever the interrupt status, which is kept.
     */
    private byte[] assemble(byte[] first) {
        int size = ByteBuffer.wrap(first, 1, 4).getInt();
        if (size < first.length - 5) {
            throw new IllegalStateException("the ring " + ring.path() + " holds a message of " + size
                    + " bytes whose first part has " + (first.length - 5));
        }
        byte[] message = new byte[size];
        int filled = first.length - 5;
        System.arraycopy(first, 5, message, 0, filled);
        boolean interrupted = false;
        Waiter waiter = new Waiter(FOREVER);
        try {
            while (true) {
                if (!committedNow()) {
                    // a writer holds the writers' lock from a message's first fragment to its last:
                    // free with no fragment to come, the message's writer died (its lock was freed
                    // by the queue's process) and the message is abandoned
                    if (!writers.isHeld() && !committedNow()) {
                        return null;
                    }
                    if ((ring.word(STATE) & IMMEDIATE) != 0) {
                        throw new ShutDownException("the queue is shut down");
                    }
                    if (waiter.dueForCheck() && !hostAlive.getAsBoolean()) {
                        throw hostGone();
                    }
                    try {
                        waiter.pause();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                    continue;
                }
                int kind = reader.peek(0);
                if (kind == RingPipeEnd.WHOLE || kind == RingPipeEnd.FIRST) {
                    return null;
                }
                if (kind == RingPipeEnd.LAST) {
                    ring.addToWord(COUNT, -1);
                }
                byte[] part = takeCommitted();
                int count = part.length - 1;
                if (count > size - filled) {
                    throw new IllegalStateException("the ring " + ring.path() + " holds more fragments than the "
                            + size + " bytes of their message");
                }
                System.arraycopy(part, 1, message, filled, count);
                filled += count;
                if (kind == RingPipeEnd.LAST) {
                    return filled == size ? message : null;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads the record that {@link #committed()} found: it never waits. */
    private byte[] takeCommitted() {
        try {
            return reader.read(Duration.ZERO);
        } catch (InterruptedException | IOException e) {
            throw new IllegalStateException("a committed record of " + ring.path() + " could not be read", e);
        }
    }

    /**
     * The number of messages now: those in the ring and those this process buffered; stale as
     * soon as it returns.
     *
     * @return the approximate size
     */
    public int size() {
        synchronized (this) {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, ring.word(COUNT)) + buffered.size());
        }
    }

    /** Closes the queue for every process: puts fail, gets take what is left, then fail. */
    public void close() {
        ring.setBits(STATE, CLOSED);
    }

    /**
     * Shuts the queue down for every process (Python 3.13's {@code shutdown(immediate)}); with
     * {@code immediate}, what the ring holds is dropped.
     *
     * @param immediate whether to drop the messages not taken yet
     * @throws InterruptedException if interrupted while waiting for the readers' lock to drop messages
     */
    public void shutdown(boolean immediate) throws InterruptedException {
        ring.setBits(STATE, immediate ? SHUT_DOWN | IMMEDIATE : SHUT_DOWN);
        if (!immediate) {
            return;
        }
        // readers that hold the lock see the bit within a park and let go
        long me = me();
        readers.acquire(me, -1);
        try {
            while (committed()) {
                int kind = reader.peek(0);
                if (kind == RingPipeEnd.WHOLE || kind == RingPipeEnd.LAST) {
                    ring.addToWord(COUNT, -1);
                    done(1);
                }
                takeCommitted();
            }
        } finally {
            readers.release(me);
        }
    }

    /**
     * Marks one message done: Python's {@code task_done()}.
     *
     * @throws IllegalStateException "taskDone() called too many times" if more messages are done
     *     than were put
     */
    public void taskDone() {
        while (true) {
            long unfinished = ring.word(UNFINISHED);
            if (unfinished <= 0) {
                throw new IllegalStateException("taskDone() called too many times");
            }
            if (ring.compareAndSetWord(UNFINISHED, unfinished, unfinished - 1)) {
                return;
            }
        }
    }

    /** Takes {@code count} off the unfinished messages, never below zero. */
    private void done(long count) {
        for (long left = count; left > 0; ) {
            long unfinished = ring.word(UNFINISHED);
            long taken = Math.min(left, Math.max(0, unfinished));
            if (taken == 0 || ring.compareAndSetWord(UNFINISHED, unfinished, unfinished - taken)) {
                return;
            }
        }
    }

    /**
     * Waits until every message put so far has been marked done: Python's {@code join()}.
     *
     * @param timeoutNanos negative waits for ever, 0 does not wait
     * @return whether every message was done in time
     * @throws IllegalStateException if the queue's process is gone
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean join(long timeoutNanos) throws InterruptedException {
        Waiter waiter = new Waiter(duration(timeoutNanos));
        while (ring.word(UNFINISHED) > 0) {
            if (waiter.dueForCheck() && !hostAlive.getAsBoolean()) {
                throw hostGone();
            }
            if (!waiter.pause()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until what this process buffered for the queue is written, or cannot be.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void flush() throws InterruptedException {
        synchronized (this) {
            while (feeder != null) {
                wait();
            }
        }
    }

    /**
     * Waits until every queue of this process has written what it buffered, or cannot: a process
     * that ends normally calls it after its target returned, as Python joins its queues' feeder
     * threads at exit.
     */
    public static void flushAll() {
        boolean interrupted = false;
        for (RingQueue queue : FEEDING) {
            while (true) {
                try {
                    queue.flush();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private IllegalStateException hostGone() {
        return new IllegalStateException("the process that created the queue has ended: the queue is gone");
    }

    private static Duration duration(long nanos) {
        return nanos < 0 ? FOREVER : Duration.ofNanos(nanos);
    }

    @Override
    public String toString() {
        return "RingQueue[" + ring + ", token=" + token + ", maxsize=" + maxSize + "]";
    }
}
