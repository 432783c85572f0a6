package io.github.multiprocessing4j.internal.channel;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child's end of the calls it makes on its parent's shared objects: many threads may call at
 * once; replies are matched by id. When the channel ends, every waiting call fails.
 */
public final class ParentLink implements CallRouter {

    private final ChannelWriter writer;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Calls.Reply>> waiting = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * A link over an authenticated channel; its frames are written by a writer thread of its own.
     *
     * @param channel the channel to the parent
     */
    public ParentLink(SocketChannel channel) {
        this.writer = new ChannelWriter(channel, "multiprocessing4j-parent-writer");
    }

    /** The writer of this channel, for the end report and the result. */
    public ChannelWriter writer() {
        return writer;
    }

    @Override
    public Object call(String objectId, int op, Object[] args, String onBehalfOf) throws Exception {
        return call(objectId, op, args, onBehalfOf, true);
    }

    @Override
    public Object callUninterruptibly(String objectId, int op, Object[] args, String onBehalfOf) throws Exception {
        return call(objectId, op, args, onBehalfOf, false);
    }

    private Object call(String objectId, int op, Object[] args, String onBehalfOf, boolean interruptible)
            throws Exception {
        long id = ids.incrementAndGet();
        CompletableFuture<Calls.Reply> reply = new CompletableFuture<>();
        waiting.put(id, reply);
        Calls.Reply answer;
        try {
            if (closed) {
                throw parentGone();
            }
            try {
                writer.send(Frames.CALL, Calls.encodeCall(id, objectId, op, args, onBehalfOf));
            } catch (IOException e) {
                throw parentGone();
            }
            answer = Calls.await(reply, interruptible);
        } catch (InterruptedException e) {
            try {
                writer.send(Frames.CANCEL, Calls.encodeCancel(id));
            } catch (IOException ignored) {
                // the parent is gone: nothing to cancel
            }
            throw e;
        } catch (ExecutionException e) {
            throw parentGone();
        } finally {
            waiting.remove(id);
        }
        if (answer.failure() != null) {
            throw answer.failure();
        }
        return answer.value();
    }

    /**
     * Sends a call without waiting for it: the parent performs it in order with this link's
     * other calls, and answers this process's next call on the object with the failure, if it
     * failed. Waits only while too many posted bytes are not yet written (the channel's bound).
     */
    @Override
    public void post(String objectId, int op, Object[] args, String onBehalfOf) throws Exception {
        if (closed) {
            throw parentGone();
        }
        try {
            writer.post(Frames.CALL, Calls.encodeCall(Calls.POSTED, objectId, op, args, onBehalfOf));
        } catch (IOException e) {
            throw parentGone();
        }
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /** Tells the parent that a process below this one has ended. */
    @Override
    public void callerGone(String caller, boolean killed) {
        try {
            writer.send(Frames.GONE, Calls.encodeGone(caller, killed));
        } catch (IOException e) {
            // the parent is gone too: nothing left to release there
        }
    }

    /** Handles a reply frame read by the channel's reader. */
    public void replied(byte[] payload) throws IOException {
        Calls.Reply reply = Calls.decodeReply(payload);
        CompletableFuture<Calls.Reply> future = waiting.get(reply.id());
        if (future != null) {
            future.complete(reply);
        }
    }

    /** The channel has ended: fail every waiting call. */
    public void closed() {
        closed = true;
        IllegalStateException gone = parentGone();
        waiting.values().forEach(future -> future.completeExceptionally(gone));
    }

    private static IllegalStateException parentGone() {
        return new IllegalStateException("the parent process has ended: shared objects it hosted are gone");
    }
}
