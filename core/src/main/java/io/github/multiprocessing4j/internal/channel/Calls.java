package io.github.multiprocessing4j.internal.channel;

import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.QueueFullException;
import io.github.multiprocessing4j.QueueShutDownException;
import io.github.multiprocessing4j.internal.codec.Payloads;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The envelopes of calls on shared objects: {@code CALL} (id, object, operation, arguments),
 * {@code REPLY} (id, value or exception) and {@code CANCEL} (id). Exceptions cross as class
 * name and message; only the exceptions a shared object's contract names are recreated as
 * such, anything else arrives as an {@link IllegalStateException} naming the original class.
 */
public final class Calls {

    private static final Map<String, Function<String, Exception>> KNOWN_EXCEPTIONS = Map.of(
            QueueEmptyException.class.getName(), QueueEmptyException::new,
            QueueFullException.class.getName(), QueueFullException::new,
            QueueShutDownException.class.getName(), QueueShutDownException::new,
            IllegalStateException.class.getName(), IllegalStateException::new,
            IllegalArgumentException.class.getName(), IllegalArgumentException::new,
            BrokenBarrierException.class.getName(), BrokenBarrierException::new,
            TimeoutException.class.getName(), TimeoutException::new,
            EOFException.class.getName(), EOFException::new);

    private Calls() {
    }

    /**
     * A decoded call.
     *
     * @param onBehalfOf for a call forwarded from further down the tree, the key of the caller
     *     in the forwarding process; empty for the sender's own calls
     */
    public record Call(long id, String objectId, int op, Object[] args, String onBehalfOf) {
    }

    /** A decoded notice that a descendant has ended. */
    public record Gone(String caller, boolean killed) {
    }

    /** A decoded reply: a value, or an exception to throw in the caller. */
    public record Reply(long id, Object value, Exception failure) {
    }

    /**
     * Encodes a call.
     *
     * @param id the caller's number for it, echoed in the reply
     * @param objectId the shared object's id
     * @param op the operation
     * @param args the arguments, of the types {@link Values} writes
     * @param onBehalfOf the descendant the call is made for, or empty for the caller itself
     * @return the frame's payload, never null
     */
    public static byte[] encodeCall(long id, String objectId, int op, Object[] args, String onBehalfOf) {
        int size = 64 + 3 * (objectId.length() + onBehalfOf.length());
        for (Object arg : args) {
            size += Values.sizeHint(arg);
        }
        // sized up front: a message of megabytes is not copied again and again as the buffer grows
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(id);
            out.writeUTF(onBehalfOf);
            out.writeUTF(objectId);
            out.writeInt(op);
            out.writeInt(args.length);
            for (Object arg : args) {
                Values.write(out, arg);
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes a call; every length is checked before anything is allocated.
     *
     * @param payload a CALL frame's payload
     * @return the call, never null
     * @throws IOException if the payload is not a whole, valid call
     */
    public static Call decodeCall(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        long id = in.readLong();
        String onBehalfOf = in.readUTF();
        String objectId = in.readUTF();
        int op = in.readInt();
        int count = in.readInt();
        if (count < 0 || count > 16) {
            throw new ProtocolException("a call with " + count + " arguments");
        }
        Object[] args = new Object[count];
        for (int i = 0; i < count; i++) {
            // a message of the largest size plus the one-byte marker pipes put in front of it
            args[i] = Values.read(in, Payloads.MAX_BYTES + 16);
        }
        return new Call(id, objectId, op, args, onBehalfOf);
    }

    /**
     * Encodes a reply: a value, or the exception the operation threw (as class name and message).
     *
     * @param id the call's number
     * @param value the result, of the types {@link Values} writes; ignored with a failure
     * @param failure what the operation threw, or null
     * @return the frame's payload, never null
     */
    public static byte[] encodeReply(long id, Object value, Throwable failure) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (failure == null ? Values.sizeHint(value) : 512));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(id);
            out.writeBoolean(failure == null);
            if (failure == null) {
                Values.write(out, value);
            } else {
                out.writeUTF(failure.getClass().getName());
                out.writeUTF(truncated(String.valueOf(failure.getMessage())));
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes a reply, recreating the exceptions a shared object's contract names.
     *
     * @param payload a REPLY frame's payload
     * @return the reply, never null
     * @throws IOException if the payload is not a whole, valid reply
     */
    public static Reply decodeReply(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        long id = in.readLong();
        if (in.readBoolean()) {
            return new Reply(id, Values.read(in, Frames.MAX_FROM_PARENT), null);
        }
        String type = in.readUTF();
        String message = in.readUTF();
        Function<String, Exception> known = KNOWN_EXCEPTIONS.get(type);
        Exception failure = known != null ? known.apply(message) : new IllegalStateException(type + ": " + message);
        return new Reply(id, null, failure);
    }

    /**
     * Waits for a call's reply: interruptibly, or (for an operation that never waits where it is
     * performed) whatever the interrupt status, which is kept.
     *
     * @param reply the reply to come
     * @param interruptible whether an interrupt ends the wait
     * @return the reply
     * @throws InterruptedException only if {@code interruptible}, when interrupted
     * @throws ExecutionException if the reply cannot come (the channel has ended)
     */
    public static Reply await(CompletableFuture<Reply> reply, boolean interruptible)
            throws InterruptedException, ExecutionException {
        if (interruptible) {
            return reply.get();
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return reply.get();
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

    /** The id of a posted call: the caller does not wait, and success is not answered. */
    public static final long POSTED = 0;

    /** A message short enough for {@code writeUTF}, whatever its characters. */
    private static String truncated(String message) {
        return message.length() > 16_000 ? message.substring(0, 16_000) + "..." : message;
    }

    /**
     * Encodes the notice that a descendant has ended.
     *
     * @param caller the descendant's key, relative to the sender
     * @param killed whether it was killed rather than ending by itself
     * @return the frame's payload, never null
     */
    public static byte[] encodeGone(String caller, boolean killed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeBoolean(killed);
            out.writeUTF(caller);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes the notice that a descendant has ended.
     *
     * @param payload a GONE frame's payload
     * @return the notice, never null
     * @throws IOException if the payload is not a whole notice
     */
    public static Gone decodeGone(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        boolean killed = in.readBoolean();
        return new Gone(in.readUTF(), killed);
    }

    /**
     * Encodes the cancellation of a call whose caller stopped waiting.
     *
     * @param id the call's number
     * @return the frame's payload, never null
     */
    public static byte[] encodeCancel(long id) {
        return java.nio.ByteBuffer.allocate(8).putLong(id).array();
    }

    /**
     * Decodes a cancellation.
     *
     * @param payload a CANCEL frame's payload
     * @return the number of the call to cancel
     * @throws ProtocolException if the payload is not 8 bytes
     */
    public static long decodeCancel(byte[] payload) throws ProtocolException {
        if (payload.length != 8) {
            throw new ProtocolException("a cancel of " + payload.length + " bytes");
        }
        return java.nio.ByteBuffer.wrap(payload).getLong();
    }
}
