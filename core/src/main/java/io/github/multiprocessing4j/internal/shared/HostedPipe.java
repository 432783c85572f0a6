package io.github.multiprocessing4j.internal.shared;

import java.io.EOFException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The state of a {@code Pipe} in the JVM that created it: one FIFO of messages towards each end,
 * and whether each end is closed. An end is closed by {@code close()}, or when every child that
 * used it has ended (Python gets the same from the kernel closing a dead process's descriptors),
 * so a reader whose peer died sees end of stream instead of waiting for ever.
 */
public final class HostedPipe implements SharedObjects.Hosted {

    /** send(end, bytes): a message from {@code end} towards the other end. */
    public static final int SEND = 1;
    /** recv(end, timeoutNanos) returns bytes, or fails with EOFException. */
    public static final int RECV = 2;
    /** poll(end, timeoutNanos) returns whether recv would not wait. */
    public static final int POLL = 3;
    /** close(end). */
    public static final int CLOSE = 4;
    /** attach(end): the caller holds this end (sent in its task), whether it has used it or not. */
    public static final int ATTACH = 5;

    private final End[] ends = {new End(), new End()};

    /** One end: what was sent towards it, whether it is closed, which children used it. */
    private static final class End {
        final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
        final Set<String> users = new HashSet<>();
        boolean closed;
    }

    @Override
    public boolean mayBlock(int op, Object[] args) {
        return (op == RECV || op == POLL) && (Long) args[1] != 0;
    }

    @Override
    public synchronized Object invoke(int op, Object[] args, String caller) throws Exception {
        int end = (Integer) args[0];
        if (end != 0 && end != 1) {
            throw new IllegalArgumentException("a pipe has ends 0 and 1, not " + end);
        }
        if (!SharedObjects.LOCAL_CALLER.equals(caller) && op != CLOSE) {
            ends[end].users.add(caller);
        }
        switch (op) {
            case SEND:
                if (ends[end].closed) {
                    throw new IllegalStateException("this end of the pipe is closed");
                }
                if (ends[1 - end].closed) {
                    throw new IllegalStateException("the other end of the pipe is closed (broken pipe)");
                }
                ends[1 - end].inbox.addLast((byte[]) args[1]);
                notifyAll();
                return null;
            case RECV:
                return receive(end, (Long) args[1]);
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

    private byte[] receive(int end, long timeoutNanos) throws InterruptedException, EOFException {
        if (!poll(end, timeoutNanos)) {
            throw new IllegalStateException("nothing arrived in time");
        }
        if (ends[end].inbox.isEmpty()) {
            throw new EOFException(ends[end].closed ? "this end of the pipe is closed" : "the other end of the pipe is closed");
        }
        return ends[end].inbox.removeFirst();
    }

    /** Waits until a message is there or no more can come; false if the time ran out. */
    private boolean poll(int end, long timeoutNanos) throws InterruptedException {
        long deadline = Waits.deadline(timeoutNanos);
        while (ends[end].inbox.isEmpty() && !ends[end].closed && !ends[1 - end].closed) {
            if (!Waits.await(this, timeoutNanos, deadline)) {
                return false;
            }
        }
        return true;
    }

    private void close(int end) {
        ends[end].closed = true;
        ends[end].inbox.clear();
        notifyAll();
    }

    @Override
    public synchronized void callerGone(String caller, boolean killed) {
        for (int end = 0; end < 2; end++) {
            if (ends[end].users.removeIf(key -> SharedObjects.isWithin(key, caller)) && ends[end].users.isEmpty()) {
                close(end);
            }
        }
    }
}
