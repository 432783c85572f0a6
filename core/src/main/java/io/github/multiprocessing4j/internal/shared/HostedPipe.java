package io.github.multiprocessing4j.internal.shared;

import io.github.multiprocessing4j.internal.channel.CallRouter;
import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.ring.PeerGoneException;
import io.github.multiprocessing4j.internal.ring.RingPipeEnd;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The state of a {@code Pipe} in the JVM that created it: one FIFO of messages towards each end,
 * whether each end is closed, and who holds it.
 *
 * <p>An end is closed by {@code close()}, for every process. Beyond that, an end is
 * <em>released</em> once it was handed to children, every child that held it (got it in its
 * task, or used it) has ended, and the creating process never used it itself: nobody can send
 * on it any more, so a reader of the other end gets end of stream, once it has read everything,
 * instead of waiting for ever (Python gets the same from the kernel closing a dead process's
 * descriptors, when the creator has closed its own copy). A released end is not closed: the
 * creator may hand it to another child, which uses it as before, and nothing sent on it is
 * dropped. An end the creator used itself stays open while the creator runs, as in Python.
 *
 * <p>Every message starts with one byte: 1 for an object sent with {@code send}, 0 for bytes sent
 * with {@code sendBytes}.
 *
 * <h2>Two ways to carry messages</h2>
 * A pipe made where the session has shared memory ({@code /dev/shm}) carries its messages in
 * two {@link MappedRing}s, one towards each end ({@link RingPipeEnd}): every process of the host
 * that holds an end maps them and sends and receives without calling this process, which then
 * only keeps the books (who holds an end, which end is closed or released) and writes them into
 * the rings' flags, releases the rings' locks held by processes that ended, and performs the
 * sends and receives of processes that cannot map the rings (a remote child) on their behalf.
 * {@link #ATTACH} tells a process which way its pipe works. Without shared memory the messages
 * wait here, in one FIFO per end.
 */
public final class HostedPipe implements SharedObjects.Hosted {

    /** send(end, bytes): a message from {@code end} towards the other end. */
    public static final int SEND = 1;
    /**
     * recv(end, timeoutNanos[, objectsOnly]) returns the next message, or fails with
     * EOFException; with objectsOnly, a next message of bytes stays unread and the call fails.
     */
    public static final int RECV = 2;
    /** poll(end, timeoutNanos) returns whether recv would not wait. */
    public static final int POLL = 3;
    /** close(end). */
    public static final int CLOSE = 4;
    /** attach(end): the caller holds this end (sent in its task), whether it has used it or not. */
    public static final int ATTACH = 5;
    /**
     * send(end, bytes) from another process, made synchronous every few posted MiB
     * ({@link SharedObjects#pacedPost(String, int, int, Object...)}): waits while the other end holds
     * more than {@link SharedObjects#MAX_UNREAD_BYTES} unread, then sends. Python's sender waits
     * on a full OS pipe alike.
     */
    public static final int PACED_SEND = 6;

    /** Where the pipe's rings are: "token|ring towards end 0|ring towards end 1" (an empty path for none). */
    private static final String SEPARATOR = "|";

    /** The first byte of a message sent with {@code send}. */
    public static final byte OBJECT = 1;
    /** The first byte of a message sent with {@code sendBytes}. */
    public static final byte BYTES = 0;

    private final End[] ends = {new End(), new End()};
    /** The rings towards each end (null for none: a one-way pipe's sending end), or null without rings. */
    private final MappedRing[] rings;
    /** Each process's token for the rings' locks; this one's is 1. */
    private final Map<String, Integer> tokens = new HashMap<>();
    /** The last token given out; never reused, so a lock is never freed for a process that lives. */
    private int lastToken = 1;
    /** This process's own ends, for the sends and receives it performs on behalf of others; made when first needed. */
    private final RingPipeEnd[] proxies = new RingPipeEnd[2];

    /** What frees the rings' files, or null. */
    private final Runnable deleteRings;

    /** A pipe whose messages wait here. */
    public HostedPipe() {
        this.rings = null;
        this.deleteRings = null;
    }

    /**
     * A pipe whose messages travel in rings.
     *
     * @param towardsLeft the ring towards end 0
     * @param towardsRight the ring towards end 1, or null for a one-way pipe
     * @param deleteRings deletes the rings' files, once the pipe is freed
     */
    public HostedPipe(MappedRing towardsLeft, MappedRing towardsRight, Runnable deleteRings) {
        this.rings = new MappedRing[] {towardsLeft, towardsRight};
        this.deleteRings = deleteRings;
    }

    /** The pipe is freed (SPEC M9): its rings' files are deleted; what maps them keeps its mapping until it drops it. */
    @Override
    public void freed() {
        if (deleteRings != null) {
            deleteRings.run();
        }
    }

    /**
     * Parses the answer to {@link #ATTACH}.
     *
     * @param answer what attach returned
     * @return null if the pipe has no rings, else the token and the two paths (null for none)
     */
    public static Object[] parseRings(Object answer) {
        if (!(answer instanceof String text)) {
            return null;
        }
        String[] parts = text.split("\\|", -1);
        return new Object[] {Integer.parseInt(parts[0]), parts[1].isEmpty() ? null : Path.of(parts[1]),
                parts[2].isEmpty() ? null : Path.of(parts[2])};
    }

    /** One end: what was sent towards it, whether it is closed, who holds it. */
    private static final class End {
        final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
        /** The bytes of {@link #inbox}. */
        long bytes;
        /** The live children that hold this end. */
        final Set<String> holders = new HashSet<>();
        boolean handedToChild;
        boolean usedByCreator;
        boolean closed;

        /** Whether nobody can send on this end any more: closed, or released (class comment). */
        boolean silent() {
            return closed || (handedToChild && !usedByCreator && holders.isEmpty());
        }
    }

    @Override
    public boolean mayBlock(int op, Object[] args) {
        if (rings != null && (op == SEND || op == PACED_SEND || op == RECV)) {
            // performed in the rings: a full ring, or the readers' lock, may make it wait
            return true;
        }
        return (op == RECV || op == POLL) && (Long) args[1] != 0 || op == PACED_SEND;
    }

    @Override
    public synchronized Object tryInvoke(int op, Object[] args, String caller) throws Exception {
        if (rings != null) {
            return CallRouter.WOULD_WAIT;
        }
        int end = (Integer) args[0];
        boolean atOnce;
        if (end != 0 && end != 1) {
            atOnce = true; // invoke fails at once, naming the end
        } else if (op == PACED_SEND) {
            atOnce = !mustPace(end);
        } else {
            // a message is there, or none can come: the call returns without waiting
            atOnce = ends[end].inbox.size() > 0 || ends[end].closed || ends[1 - end].silent();
        }
        return mayBlock(op, args) && atOnce ? invoke(op, args, caller) : CallRouter.WOULD_WAIT;
    }

    @Override
    public Object invoke(int op, Object[] args, String caller) throws Exception {
        if (rings == null || op == CLOSE || op == ATTACH) {
            return invokeHere(op, args, caller);
        }
        // a process that cannot map the rings: its send or receive is performed here, outside
        // this object's lock (it may wait for room or for a message)
        int end = (Integer) args[0];
        RingPipeEnd proxy = proxy(end, caller);
        try {
            switch (op) {
                case SEND, PACED_SEND -> {
                    byte[] framed = (byte[]) args[1];
                    proxy.send(framed[0], framed, 1, framed.length - 1);
                    return null;
                }
                case RECV -> {
                    boolean objectsOnly = args.length > 2 && (Boolean) args[2];
                    byte[] message = proxy.receive(objectsOnly, OBJECT, ringTimeout((Long) args[1]));
                    if (message == null) {
                        throw new IllegalStateException("nothing arrived in time");
                    }
                    return message;
                }
                case POLL -> {
                    return proxy.poll(ringTimeout((Long) args[1]));
                }
                default -> throw new IllegalArgumentException("unknown pipe operation " + op);
            }
        } catch (PeerGoneException e) {
            throw new IllegalStateException("the pipe's rings are gone: " + e.getMessage(), e);
        }
    }

    /**
     * A call's timeout as the rings take it: {@link Timeouts#FOREVER} (-1 on the wire) is a wait
     * without end, not a negative one, which would give up at once.
     */
    private static Duration ringTimeout(long timeoutNanos) {
        return Duration.ofNanos(timeoutNanos == Timeouts.FOREVER ? Long.MAX_VALUE : timeoutNanos);
    }

    /** This process's end {@code end} for a caller's send or receive, after the books are kept. */
    private RingPipeEnd proxy(int end, String caller) throws Exception {
        synchronized (this) {
            checkEnd(end);
            hold(end, caller);
            if (proxies[end] == null) {
                try {
                    proxies[end] = new RingPipeEnd(open(rings[end]), open(rings[1 - end]), 1, () -> true);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot map the pipe's rings again", e);
                }
            }
            return proxies[end];
        }
    }

    /** A second mapping of a ring: a mapping gives out one reader and one writer, and this process's ends have them. */
    private static MappedRing open(MappedRing ring) throws IOException {
        return ring == null ? null : MappedRing.open(ring.path());
    }

    private static void checkEnd(int end) {
        if (end != 0 && end != 1) {
            throw new IllegalArgumentException("a pipe has ends 0 and 1, not " + end);
        }
    }

    /** The caller holds {@code end}: the creator used it, or a child has it. */
    private void hold(int end, String caller) {
        if (SharedObjects.LOCAL_CALLER.equals(caller)) {
            ends[end].usedByCreator = true;
        } else {
            ends[end].holders.add(caller);
            ends[end].handedToChild = true;
        }
        flag(end);
    }

    /**
     * Writes an end's state into the flag of the ring it sends into, for every process: closed,
     * released (nobody can send on it any more) or open.
     */
    private void flag(int end) {
        if (rings == null || rings[1 - end] == null) {
            return;
        }
        rings[1 - end].setWriterClosed(ends[end].closed ? RingPipeEnd.CLOSED
                : ends[end].silent() ? RingPipeEnd.RELEASED : RingPipeEnd.OPEN);
    }

    private synchronized Object invokeHere(int op, Object[] args, String caller) throws Exception {
        int end = (Integer) args[0];
        checkEnd(end);
        if (rings != null) {
            if (op == CLOSE) {
                close(end);
                return null;
            }
            hold(end, caller);
            int token = SharedObjects.LOCAL_CALLER.equals(caller) ? 1
                    : tokens.computeIfAbsent(caller, key -> ++lastToken);
            return token + SEPARATOR + path(rings[0]) + SEPARATOR + path(rings[1]);
        }
        if (op != CLOSE) {
            hold(end, caller);
        }
        switch (op) {
            case PACED_SEND:
                while (mustPace(end)) {
                    // a cancelled call (its sender was interrupted or ended) sends nothing
                    wait();
                }
                send(end, (byte[]) args[1]);
                return null;
            case SEND:
                send(end, (byte[]) args[1]);
                return null;
            case RECV:
                return receive(end, (Long) args[1], args.length > 2 && (Boolean) args[2]);
            case POLL:
                return poll(end, (Long) args[1]);
            case CLOSE:
                close(end);
                return null;
            case ATTACH:
                return null;
            default:
                throw new IllegalArgumentException("unknown pipe operation " + op);
        }
    }

    private void send(int end, byte[] message) {
        if (ends[end].closed) {
            throw new IllegalStateException("this end of the pipe is closed");
        }
        if (ends[1 - end].closed) {
            throw new IllegalStateException("the other end of the pipe is closed (broken pipe)");
        }
        ends[1 - end].inbox.addLast(message);
        ends[1 - end].bytes += message.length;
        notifyAll();
    }

    private byte[] receive(int end, long timeoutNanos, boolean objectsOnly) throws InterruptedException, EOFException {
        if (!poll(end, timeoutNanos)) {
            throw new IllegalStateException("nothing arrived in time");
        }
        ArrayDeque<byte[]> inbox = ends[end].inbox;
        if (inbox.isEmpty()) {
            throw new EOFException(ends[end].closed ? "this end of the pipe is closed"
                    : ends[1 - end].closed ? "the other end of the pipe is closed"
                    : "the other end of the pipe is held by no process any more: every child that had it has ended");
        }
        if (objectsOnly && inbox.peekFirst()[0] != OBJECT) {
            // left unread: recvBytes() can still take it
            throw new IllegalStateException("the next message was sent with sendBytes: receive it with recvBytes");
        }
        byte[] message = inbox.removeFirst();
        boolean full = ends[end].bytes > SharedObjects.MAX_UNREAD_BYTES;
        ends[end].bytes -= message.length;
        if (full && ends[end].bytes <= SharedObjects.MAX_UNREAD_BYTES) {
            // a paced sender may wait for this room (and only then are the waiters woken)
            notifyAll();
        }
        return message;
    }

    /** Whether a paced send from {@code end} waits: the other end holds too much, and both are open. */
    private boolean mustPace(int end) {
        return ends[1 - end].bytes > SharedObjects.MAX_UNREAD_BYTES && !ends[end].closed && !ends[1 - end].closed
                && !ends[1 - end].silent();
    }

    /** Waits until a message is there or no more can come; false if the time ran out. */
    private boolean poll(int end, long timeoutNanos) throws InterruptedException {
        long deadline = Waits.deadline(timeoutNanos);
        while (ends[end].inbox.isEmpty() && !ends[end].closed && !ends[1 - end].silent()) {
            if (!Waits.await(this, timeoutNanos, deadline)) {
                return false;
            }
        }
        return true;
    }

    private void close(int end) {
        ends[end].closed = true;
        ends[end].inbox.clear();
        ends[end].bytes = 0;
        if (rings != null) {
            if (rings[end] != null) {
                rings[end].closeReader();
            }
            flag(end);
        }
        notifyAll();
    }

    private static String path(MappedRing ring) {
        return ring == null ? "" : ring.path().toString();
    }

    @Override
    public synchronized void callerGone(String caller, boolean killed) {
        boolean released = false;
        for (End end : ends) {
            released |= end.holders.removeIf(key -> SharedObjects.isWithin(key, caller)) && end.silent();
        }
        if (rings != null) {
            flag(0);
            flag(1);
            // a lock that the process held when it ended (a thread of it was sending or
            // receiving) is freed; a message it was writing is dropped by the readers (SPEC M4)
            Set<Integer> gone = new HashSet<>();
            tokens.forEach((key, token) -> {
                if (SharedObjects.isWithin(key, caller)) {
                    gone.add(token);
                }
            });
            tokens.keySet().removeIf(key -> SharedObjects.isWithin(key, caller));
            for (MappedRing ring : rings) {
                if (ring != null && !gone.isEmpty()) {
                    ring.writerLock().releaseOwnersWhere(token -> gone.contains((int) token));
                    ring.readerLock().releaseOwnersWhere(token -> gone.contains((int) token));
                }
            }
        }
        if (released) {
            notifyAll();
        }
    }
}
