package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.shared.HostedPipe;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import io.github.multiprocessing4j.internal.shared.Waits;
import java.io.EOFException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * One end of a {@link Pipe}: Python's {@code multiprocessing.connection.Connection}. Hand it
 * to a child by capturing it in the child's target.
 *
 * <p>Objects are copied: {@link #send(Object)} serializes in the sender and {@link #recv()}
 * deserializes in the receiver. Bytes travel as they are ({@link #sendBytes(byte[])},
 * {@link #recvBytes()}). {@link #recvBytes()} receives any message, as in Python: one sent with
 * {@code send} arrives as its Java serialization, as CPython's {@code recv_bytes} returns the
 * pickle. {@link #recv()} receives only what was sent with {@code send}: a message of bytes stays
 * unread and {@code recv()} says to use {@code recvBytes()} (CPython would try to unpickle it).
 *
 * <p>When the stream ends: {@link #recv()} ends with {@link EOFException}, once everything sent
 * before has been received, when the other end was closed ({@link #close()}, by any process), or
 * when nobody holds it any more: it was handed to children, every one of them has ended, and the
 * process that created the pipe never used that end itself. Until then an end stays open for the
 * creator, which may hand it to one child after another; nothing sent is dropped because a child
 * ended. (Python gets end of stream from the kernel once every process, the creator included,
 * has closed its descriptor of the other end.)
 *
 * <p>{@code try (Connection c = pipe.left()) { .. }} closes the end at the block's end, as
 * Python's {@code with conn:} does.
 */
public final class Connection implements Serializable, AutoCloseable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The id of the pipe's state in its hosting process. */
    private final String pipeId;
    /** Which end of the pipe this is: 0 or 1. */
    private final int end;
    /** Whether this end can receive. */
    private final boolean readable;
    /** Whether this end can send. */
    private final boolean writable;
    /**
     * Whether this process closed this end: sends that are posted without waiting check here
     * first, so that a send on an end this process closed fails at once, as in Python.
     */
    private volatile boolean closedHere;

    Connection(String pipeId, int end, boolean readable, boolean writable) {
        this.pipeId = pipeId;
        this.end = end;
        this.readable = readable;
        this.writable = writable;
    }

    /**
     * Sends an object to the other end.
     *
     * @param message a serializable object, or null
     * @throws IllegalArgumentException if it cannot be serialized or is larger than 64 MiB
     * @throws IllegalStateException if either end is closed, or this end is receive-only; from a
     *     child, whose send returns once the message is on its way, a send that could not be
     *     delivered throws at the next call on this end
     */
    public void send(Object message) {
        sendBytes(Payloads.serialize(message), true);
    }

    /**
     * Sends bytes to the other end: Python's {@code send_bytes}.
     *
     * @param bytes the bytes, copied
     * @throws IllegalArgumentException if larger than 64 MiB
     * @throws IllegalStateException if either end is closed, or this end is receive-only
     */
    public void sendBytes(byte[] bytes) {
        sendBytes(bytes, 0, bytes.length);
    }

    /**
     * Sends {@code size} bytes of {@code buffer} from {@code offset}: Python's
     * {@code send_bytes(buf, offset, size)}.
     *
     * @param buffer the bytes, copied
     * @param offset where the message starts in {@code buffer}
     * @param size how many bytes it has
     * @throws IndexOutOfBoundsException if the range is not within {@code buffer} (Python's
     *     {@code ValueError})
     * @throws IllegalArgumentException if larger than 64 MiB
     * @throws IllegalStateException if either end is closed, or this end is receive-only
     */
    public void sendBytes(byte[] buffer, int offset, int size) {
        Objects.checkFromIndexSize(offset, size, buffer.length);
        Payloads.checkSize(size);
        sendBytes(buffer, offset, size, false);
    }

    private void sendBytes(byte[] bytes, boolean object) {
        sendBytes(bytes, 0, bytes.length, object);
    }

    private void sendBytes(byte[] bytes, int offset, int size, boolean object) {
        if (!writable) {
            throw new IllegalStateException("connection is read-only");
        }
        if (closedHere) {
            throw new IllegalStateException("this end of the pipe is closed");
        }
        byte[] framed = new byte[size + 1];
        framed[0] = object ? HostedPipe.OBJECT : HostedPipe.BYTES;
        System.arraycopy(bytes, offset, framed, 1, size);
        try {
            // posted: the parent performs it in order and reports a failure at the next call
            Shared.pacedPost(pipeId, HostedPipe.SEND, HostedPipe.PACED_SEND, end, framed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the channel to the pipe's process was full;"
                    + " the message was not sent", e);
        }
    }

    /**
     * Receives the next object, waiting for it.
     *
     * @param <T> the type the caller expects
     * @return the object (a copy)
     * @throws EOFException if the other end is closed and nothing is left
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the next message was sent with {@link #sendBytes(byte[])}:
     *     it stays unread, for {@link #recvBytes()}
     */
    public <T> T recv() throws EOFException, InterruptedException {
        return Queue.receive(unframe(receive(true)));
    }

    /**
     * Receives the next message as bytes, waiting for it: Python's {@code recv_bytes}. A
     * message sent with {@link #send(Object)} arrives as its Java serialization (CPython returns
     * the pickle), which {@link java.io.ObjectInputStream} reads back: such a message travels in
     * the library's compact form, and this process decodes it and serializes it again.
     *
     * @return the bytes, never null
     * @throws EOFException if the other end is closed and nothing is left
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the message is an object whose class is missing here (it
     *     is received all the same)
     */
    public byte[] recvBytes() throws EOFException, InterruptedException {
        byte[] framed = receive(false);
        if (framed[0] == HostedPipe.OBJECT) {
            return Payloads.javaSerialization(Payloads.deserialize(unframe(framed)));
        }
        return unframe(framed);
    }

    /**
     * Receives the next message into {@code buffer}: Python's {@code recv_bytes_into(buf)}.
     *
     * @param buffer where the message goes, from index 0
     * @return the message's size
     * @throws BufferTooShortException if the message does not fit; it carries the whole message
     *     ({@link BufferTooShortException#message()}), which is received
     * @throws EOFException if the other end is closed and nothing is left
     * @throws InterruptedException if interrupted while waiting
     */
    public int recvBytesInto(byte[] buffer) throws EOFException, InterruptedException {
        return recvBytesInto(buffer, 0);
    }

    /**
     * Receives the next message into {@code buffer} from {@code offset}: Python's
     * {@code recv_bytes_into(buf, offset)}.
     *
     * @param buffer where the message goes
     * @param offset where in {@code buffer}
     * @return the message's size
     * @throws IndexOutOfBoundsException if {@code offset} is negative or beyond the buffer's end
     *     (Python's {@code ValueError}); nothing is received
     * @throws BufferTooShortException if the message does not fit; it carries the whole message
     *     ({@link BufferTooShortException#message()}), which is received
     * @throws EOFException if the other end is closed and nothing is left
     * @throws InterruptedException if interrupted while waiting
     */
    public int recvBytesInto(byte[] buffer, int offset) throws EOFException, InterruptedException {
        Objects.checkFromToIndex(offset, buffer.length, buffer.length);
        byte[] message = recvBytes();
        if (message.length > buffer.length - offset) {
            throw new BufferTooShortException(message, buffer.length - offset);
        }
        System.arraycopy(message, 0, buffer, offset, message.length);
        return message.length;
    }

    private byte[] receive(boolean objectsOnly) throws EOFException, InterruptedException {
        checkReadable();
        return (byte[]) Shared.streamCall(pipeId, HostedPipe.RECV, end, Timeouts.FOREVER, objectsOnly);
    }

    private void checkReadable() {
        if (!readable) {
            throw new IllegalStateException("connection is write-only");
        }
    }

    private static byte[] unframe(byte[] framed) {
        return Arrays.copyOfRange(framed, 1, framed.length);
    }

    /**
     * Whether a message (or the end of the stream) is there now: Python's {@code poll()}.
     *
     * @return true if {@link #recv()} would not wait
     * @throws IllegalStateException "connection is write-only" for the sending end of a one-way pipe
     */
    public boolean poll() {
        checkReadable();
        return (Boolean) Shared.quickCall(pipeId, HostedPipe.POLL, end, 0L);
    }

    /**
     * Waits at most {@code timeout} for a message (or the end of the stream).
     *
     * @param timeout how long to wait; zero or negative does not wait (SPEC L17)
     * @return true if {@link #recv()} would not wait
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean poll(Duration timeout) throws InterruptedException {
        checkReadable();
        return (Boolean) Shared.call(pipeId, HostedPipe.POLL, end, Timeouts.nanos(timeout));
    }

    /**
     * Closes this end, for every process: the other end's {@code recv} gets end of stream once
     * it has received what was sent before, and what was sent towards this end and not received
     * is dropped. Closing twice is fine.
     */
    @Override
    public void close() {
        closedHere = true;
        Shared.quickCall(pipeId, HostedPipe.CLOSE, end);
    }

    /**
     * Whether this end can receive.
     *
     * @return true unless it is the sending end of a one-way pipe
     */
    public boolean isReadable() {
        return readable;
    }

    /**
     * Whether this end can send.
     *
     * @return true unless it is the receiving end of a one-way pipe
     */
    public boolean isWritable() {
        return writable;
    }

    /**
     * Serialized into a child's task: the child holds this end from its start, so the end stays
     * open while it runs even before it uses it.
     *
     * @param out the stream
     * @throws java.io.IOException if the stream fails
     */
    @Serial
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        SharedObjects.sentToChild(pipeId, HostedPipe.ATTACH, end);
        out.defaultWriteObject();
    }

    @Override
    public String toString() {
        return "<Connection end=" + end + (readable ? " readable" : "") + (writable ? " writable" : "") + ">";
    }
}
