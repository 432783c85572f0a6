package io.github.multiprocessing4j.internal.shared;

import io.github.multiprocessing4j.internal.channel.CallRouter;
import java.io.EOFException;
import java.util.ArrayDeque;
import java.util.HashSet;
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

    /** The first byte of a message sent with {@code send}. */
    public static final byte OBJECT = 1;
    /** The first byte of a message sent with {@code sendBytes}. */
    public static final byte BYTES = 0;

    private final End[] ends = {new End(), new End()};

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
        return (op == RECV || op == POLL) && (Long) args[1] != 0 || op == PACED_SEND;
    }

    @Override
    public synchronized Object tryInvoke(int op, Object[] args, String caller) throws Exception {
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
    public synchronized Object invoke(int op, Object[] args, String caller) throws Exception {
        int end = (Integer) args[0];
        if (end != 0 && end != 1) {
            throw new IllegalArgumentException("a pipe has ends 0 and 1, not " + end);
        }
        if (op != CLOSE) {
            if (SharedObjects.LOCAL_CALLER.equals(caller)) {
                ends[end].usedByCreator = true;
            } else {
                ends[end].holders.add(caller);
                ends[end].handedToChild = true;
            }
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
        notifyAll();
    }

    @Override
    public synchronized void callerGone(String caller, boolean killed) {
        boolean released = false;
        for (End end : ends) {
            released |= end.holders.removeIf(key -> SharedObjects.isWithin(key, caller)) && end.silent();
        }
        if (released) {
            notifyAll();
        }
    }
}
