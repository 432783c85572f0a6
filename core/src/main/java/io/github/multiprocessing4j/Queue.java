package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.memory.SessionMemory;
import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.ring.RingQueue;
import io.github.multiprocessing4j.internal.shared.HostedQueue;
import io.github.multiprocessing4j.internal.shared.QueueRings;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A FIFO queue shared by processes: Python's {@code multiprocessing.Queue}. Create it in a
 * parent and hand it to children by capturing it in their targets (or as a field of a
 * {@link ChildProcess} subclass); any number of producers and consumers, in any of those
 * processes, may use it at once.
 *
 * <p>Messages are copied: {@link #put(Object)} serializes in the sender (a message that cannot
 * be serialized, or is larger than 64 MiB, fails there with {@link IllegalArgumentException}
 * and the queue keeps working) and {@link #get()} deserializes in the receiver. A consumer
 * killed while it takes a message may lose that message, as in Python.
 *
 * <p>Where the session has shared memory ({@code /dev/shm}; the local launcher, and Docker with
 * the session's directory mounted), the messages travel in a ring buffer in a mapped file that
 * every process of the host holding the queue maps: producers and consumers put and get with no
 * call to another process. A put writes its message into the ring in the caller's thread, or,
 * when that cannot be done at once, buffers it and lets a feeder thread write it, as Python's
 * {@code Queue} does: it returns once the message is buffered, messages from one thread keep
 * their order, a message that cannot be delivered fails the next put, and a process that ends
 * normally first writes what it buffered. Elsewhere (a remote child, or
 * {@code -Dmultiprocessing4j.queue.sharedMemory=false}) the queue lives in the JVM that created
 * it, and the others reach it over their authenticated control channel (SPEC C1–C3).
 *
 * <p>With {@code import java.util.*} in the same file, import this class by its name
 * ({@code import io.github.multiprocessing4j.Queue;}) so it wins over {@code java.util.Queue}.
 *
 * <p>Difference from Python: {@link #close()} closes the queue for every process. Puts then
 * fail, and gets take what is left and then fail instead of waiting for ever. Python 3.13's
 * {@code shutdown(immediate)}, which does the same for {@code queue.Queue} with its own
 * exception, is {@link #shutdown(boolean)}.
 *
 * @param <T> the type of the messages
 */
public class Queue<T> implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The id of the queue's state in its hosting process. */
    private final String id;
    /** The bound: Python's {@code maxsize}; zero or less for none. */
    private final int maxSize;
    /**
     * Whether this process closed the queue, or had it closed when it received this handle: a
     * put that is posted without waiting checks here first, so that such a put fails at once.
     */
    private volatile boolean closed;
    /** The queue in its ring as this process uses it, or null for calls; valid once {@link #routed}. */
    private transient volatile RingQueue ring;
    /** Whether {@link #ring} was learnt in this process. */
    private transient volatile boolean routed;

    /** An unbounded queue. */
    public Queue() {
        this(0);
    }

    /**
     * A queue that holds at most {@code maxSize} messages; puts wait while it is full.
     *
     * @param maxSize the bound; 0 or less means unbounded
     */
    // the cleaner keeps only a phantom reference to this handle: nothing of it is used before it is whole
    @SuppressWarnings("this-escape")
    public Queue(int maxSize) {
        this(maxSize, true);
    }

    /**
     * A queue whose messages travel in a ring where possible ({@code rings}), or always wait in
     * this process (a manager's queue, which its users reach through calls to the manager).
     */
    // the cleaner keeps only a phantom reference to this handle: nothing of it is used before it is whole
    @SuppressWarnings("this-escape")
    Queue(int maxSize, boolean rings) {
        this.maxSize = Math.max(0, maxSize);
        HostedQueue state = state(this.maxSize, rings);
        this.id = SharedObjects.hostCounted(state);
        this.ring = state.local();
        this.routed = true;
        if (ring != null) {
            QueueRings.created(id, ring);
        }
        SharedObjects.track(this, id);
    }

    /** The bytes of a queue's ring. */
    static final int RING_BYTES = 1 << 20;
    /** The system property that, set to {@code false}, makes queues keep their messages in their process. */
    static final String SHARED_MEMORY_PROPERTY = "multiprocessing4j.queue.sharedMemory";

    /**
     * The state of a new queue: in a ring when this process has the session's shared memory and
     * the property does not turn rings off, else one whose messages wait in this process.
     */
    static HostedQueue state(int maxSize, boolean rings) {
        if (!rings || "false".equalsIgnoreCase(System.getProperty(SHARED_MEMORY_PROPERTY))) {
            return new HostedQueue(maxSize);
        }
        Optional<List<MappedRing>> made = SessionMemory.createRings("queue", 1, RING_BYTES);
        if (made.isEmpty()) {
            return new HostedQueue(maxSize);
        }
        MappedRing ring = made.get().get(0);
        // once the queue is freed (SPEC M9), its file goes: mappings that remain go with their handles
        return new HostedQueue(maxSize, ring, () -> SessionMemory.delete(ring.path()));
    }

    /** The queue in its ring, or null when this process reaches it through calls. */
    final RingQueue ring() {
        if (!routed) {
            ring = QueueRings.of(id, maxSize);
            routed = true;
        }
        return ring;
    }

    /**
     * The bound given at creation; 0 for an unbounded queue.
     *
     * @return the bound
     */
    public final int maxSize() {
        return maxSize;
    }

    /**
     * Adds a message, waiting while the queue is full.
     *
     * @param message a serializable object, or null
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalArgumentException if the message cannot be serialized or is too large
     * @throws QueueShutDownException if the queue is shut down
     * @throws IllegalStateException if the queue is closed; on an unbounded queue used from a
     *     child, whose put returns once the message is on its way, a put that could not be
     *     delivered (closed or shut down meanwhile) throws at the next call on the queue
     */
    public final void put(T message) throws InterruptedException {
        RingQueue inRing = ring();
        if (inRing != null) {
            if (closed) {
                throw new IllegalStateException("the queue is closed");
            }
            try {
                inRing.put(Payloads.serialize(message), Timeouts.FOREVER);
            } catch (RingQueue.ShutDownException e) {
                throw new QueueShutDownException(e.getMessage());
            }
            return;
        }
        if (maxSize == 0) {
            // an unbounded queue's put never waits: Python's feeder thread, without the thread
            if (closed) {
                throw new IllegalStateException("the queue is closed");
            }
            Shared.pacedPost(id, HostedQueue.PUT, HostedQueue.PACED_PUT, Payloads.serialize(message), Timeouts.FOREVER);
            return;
        }
        try {
            Shared.queueCall(id, HostedQueue.PUT, Payloads.serialize(message), Timeouts.FOREVER);
        } catch (QueueEmptyException | QueueFullException e) {
            throw new IllegalStateException("unreachable: an unbounded wait cannot time out", e);
        }
    }

    /**
     * Adds a message, waiting at most {@code timeout} for room.
     *
     * @param message a serializable object, or null
     * @param timeout how long to wait for room; zero or negative does not wait (SPEC L17)
     * @throws QueueFullException if there was no room in time
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalArgumentException if the message cannot be serialized or is too large
     * @throws QueueShutDownException if the queue is shut down
     * @throws IllegalStateException if the queue is closed
     */
    public final void put(T message, Duration timeout) throws QueueFullException, InterruptedException {
        long nanos = Timeouts.nanos(timeout);
        RingQueue inRing = ring();
        if (inRing != null) {
            try {
                if (!inRing.put(Payloads.serialize(message), nanos)) {
                    throw HostedQueue.full(maxSize, nanos);
                }
            } catch (RingQueue.ShutDownException e) {
                throw new QueueShutDownException(e.getMessage());
            }
            return;
        }
        try {
            Shared.queueCall(id, HostedQueue.PUT, Payloads.serialize(message), nanos);
        } catch (QueueEmptyException e) {
            throw new IllegalStateException("unreachable: a put does not report an empty queue", e);
        }
    }

    /**
     * Adds a message if there is room now: Python's {@code put_nowait}.
     *
     * @param message a serializable object, or null
     * @throws QueueFullException if the queue is full
     */
    public final void putNowait(T message) throws QueueFullException {
        try {
            put(message, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Takes the oldest message, waiting for one.
     *
     * @return the message (a copy), possibly null if null was put
     * @throws InterruptedException if interrupted while waiting
     * @throws QueueShutDownException if the queue is shut down and empty, or shut down immediately
     * @throws IllegalStateException if the queue is closed and empty, or the message's class is
     *     missing here
     */
    public final T get() throws InterruptedException {
        RingQueue inRing = ring();
        if (inRing != null) {
            return receive(take(inRing, Timeouts.FOREVER));
        }
        try {
            return receive(Shared.queueCall(id, HostedQueue.GET, Timeouts.FOREVER));
        } catch (QueueEmptyException | QueueFullException e) {
            throw new IllegalStateException("unreachable: an unbounded wait cannot time out", e);
        }
    }

    /**
     * Takes the oldest message, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait; zero or negative does not wait (SPEC L17)
     * @return the message (a copy)
     * @throws QueueEmptyException if none came in time
     * @throws InterruptedException if interrupted while waiting
     * @throws QueueShutDownException if the queue is shut down and empty, or shut down immediately
     * @throws IllegalStateException if the queue is closed and empty
     */
    public final T get(Duration timeout) throws QueueEmptyException, InterruptedException {
        long nanos = Timeouts.nanos(timeout);
        RingQueue inRing = ring();
        if (inRing != null) {
            byte[] message = take(inRing, nanos);
            if (message == null) {
                throw HostedQueue.empty(nanos);
            }
            return receive(message);
        }
        try {
            return receive(Shared.queueCall(id, HostedQueue.GET, nanos));
        } catch (QueueFullException e) {
            throw new IllegalStateException("unreachable: a get does not report a full queue", e);
        }
    }

    /**
     * Takes the oldest message if there is one now: Python's {@code get_nowait}.
     *
     * @return the message
     * @throws QueueEmptyException if the queue is empty
     */
    public final T getNowait() throws QueueEmptyException {
        try {
            return get(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The number of messages now; stale as soon as it returns when others use the queue.
     *
     * @return the approximate size
     */
    public final int qsize() {
        RingQueue inRing = ring();
        return inRing != null ? inRing.size() : (Integer) Shared.quickCall(id, HostedQueue.SIZE);
    }

    private static byte[] take(RingQueue inRing, long nanos) throws InterruptedException {
        try {
            return inRing.get(nanos);
        } catch (RingQueue.ShutDownException e) {
            throw new QueueShutDownException(e.getMessage());
        }
    }

    /**
     * Whether the queue is empty now.
     *
     * @return the approximate emptiness
     */
    public final boolean isEmpty() {
        return qsize() == 0;
    }

    /**
     * Whether a bounded queue is full now.
     *
     * @return the approximate fullness
     */
    public final boolean isFull() {
        return maxSize > 0 && qsize() >= maxSize;
    }

    /**
     * Shuts the queue down for every process, as Python 3.13's {@code queue.Queue.shutdown()}:
     * {@code shutdown(false)}.
     */
    public final void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down for every process: Python 3.13's {@code shutdown(immediate)}. Puts
     * fail with {@link QueueShutDownException} from now on, also those waiting for room. Gets
     * take what is left, then fail with {@link QueueShutDownException} instead of waiting, also
     * those waiting now. With {@code immediate}, what is left is dropped, gets fail at once, and
     * each dropped message counts as a task done for {@link JoinableQueue#join()}. Shutting down
     * twice is fine; {@code shutdown(true)} after {@code shutdown(false)} drops what is left.
     *
     * @param immediate whether to drop the messages not taken yet
     */
    public final void shutdown(boolean immediate) {
        RingQueue inRing = ring();
        if (inRing == null) {
            Shared.quickCall(id, HostedQueue.SHUTDOWN, immediate);
            return;
        }
        try {
            inRing.shutdown(immediate);
        } catch (InterruptedException e) {
            // the bit is set for every process; only the dropping of what is left was cut short
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Closes the queue for every process: puts fail from now on, gets take what is left, then
     * fail instead of waiting. Closing twice is fine.
     */
    public final void close() {
        closed = true;
        RingQueue inRing = ring();
        if (inRing != null) {
            inRing.close();
        } else {
            Shared.quickCall(id, HostedQueue.CLOSE);
        }
    }

    final String id() {
        return id;
    }

    @SuppressWarnings("unchecked")
    static <M> M receive(Object bytes) {
        return (M) Payloads.deserialize((byte[]) bytes);
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " maxsize=" + maxSize + ">";
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
