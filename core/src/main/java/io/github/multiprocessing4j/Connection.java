package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.codec.MessageCodec;
import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.connection.MessageSocket;
import io.github.multiprocessing4j.internal.shared.HostedPipe;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import io.github.multiprocessing4j.internal.shared.Waits;
import java.io.EOFException;
import java.io.IOException;
import java.io.NotSerializableException;
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
 *
 * <h2>A connection over a socket</h2>
 * {@link Listener#accept()} and {@link Client#connect(java.net.SocketAddress, byte[])} return a
 * {@code Connection} too, as Python's do: the same methods, with a socket of this process
 * underneath instead of a pipe hosted by its creator, and CPython's wire format on it (SPEC M8).
 * It is one type so that code written against a pipe end works over a socket, as in Python. What
 * differs with the socket:
 * <ul>
 * <li>Bytes travel as they are, framed as CPython frames them: {@link #sendBytes(byte[])} and
 *     {@link #recvBytes()} talk to a CPython {@code Connection}'s {@code recv_bytes} and
 *     {@code send_bytes}.</li>
 * <li>{@link #send(Object)} writes this library's own encoding (the compact codec for common
 *     types, Java serialization behind an {@link java.io.ObjectInputFilter} for the rest), not a
 *     pickle: objects travel between two Java peers only. {@link #recv()} reads a message of that
 *     encoding whatever call sent it, and fails with {@link IllegalStateException} for other
 *     bytes, such as a CPython pickle (the message is consumed: read such messages with
 *     {@link #recvBytes()}). {@link #recvBytes()} returns a message sent with {@code send} in that
 *     encoding, as it travelled (CPython returns the pickle alike).</li>
 * <li>The connection belongs to this process: it cannot be handed to a child (serializing it
 *     fails, naming why); give the child the address and key and let it connect.</li>
 * <li>{@link #close()} closes this process's socket, and the peer gets end of stream; a message
 *     over 64 MiB from the peer ends the stream for good (Python's "bad message length").</li>
 * <li>{@link #poll(Duration)} is true once a whole message is there (Python: once a byte is), so
 *     a receive after it never waits.</li>
 * </ul>
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
    /**
     * The socket of a connection from a {@link Listener} or {@link Client}; null for a pipe end.
     * Never serialized: {@link #writeObject} refuses such a connection.
     */
    private final transient MessageSocket socket;

    Connection(String pipeId, int end, boolean readable, boolean writable) {
        this.pipeId = pipeId;
        this.end = end;
        this.readable = readable;
        this.writable = writable;
        this.socket = null;
        SharedObjects.track(this, pipeId);
    }

    /** A connection over a socket that passed the challenge. */
    Connection(MessageSocket socket) {
        this.pipeId = null;
        this.end = -1;
        this.readable = true;
        this.writable = true;
        this.socket = socket;
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
        if (socket != null) {
            try {
                socket.send(bytes, offset, size);
            } catch (IOException e) {
                throw new IllegalStateException("cannot send: " + e.getMessage(), e);
            }
            return;
        }
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
        if (socket != null) {
            return Queue.receive(ourEncoding(receiveFromSocket()));
        }
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
        if (socket != null) {
            return receiveFromSocket();
        }
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

    private byte[] receiveFromSocket() throws EOFException, InterruptedException {
        try {
            return socket.receive(Payloads.MAX_BYTES, MessageSocket.FOREVER);
        } catch (java.net.SocketTimeoutException e) {
            throw new IllegalStateException("a receive without a timeout timed out", e);
        }
    }

    /** A message for {@code recv()} over a socket: refused with a pointer to recvBytes unless in our encoding. */
    private byte[] ourEncoding(byte[] message) {
        if (message.length == 0 || message[0] != MessageCodec.VERSION) {
            throw new IllegalStateException("received from " + socket.peer() + " a message of " + message.length
                    + " bytes that was not sent with send() by multiprocessing4j" + (message.length == 0 ? ""
                    : " (its first byte is " + (message[0] & 0xFF) + "; a CPython pickle starts with 128)")
                    + ": read messages of other programs with recvBytes()");
        }
        return message;
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
        if (socket != null) {
            try {
                return socket.poll(Payloads.MAX_BYTES, 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
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
        if (socket != null) {
            return socket.poll(Payloads.MAX_BYTES, Timeouts.nanos(timeout));
        }
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
        if (socket != null) {
            socket.close();
            return;
        }
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
    private void writeObject(java.io.ObjectOutputStream out) throws IOException {
        if (socket != null) {
            throw new NotSerializableException("a Connection from Listener.accept() or Client.connect() (to "
                    + socket.peer() + ") is a socket of this process and cannot be sent to another process:"
                    + " give the other process the address and the authkey, and let it connect");
        }
        SharedObjects.sentToChild(pipeId, HostedPipe.ATTACH, end);
        SharedObjects.sending(pipeId);
        out.defaultWriteObject();
    }

    /**
     * Deserialized: this copy keeps the pipe's state alive until it is unreachable, and the
     * process hosting it learns that this process holds it (SPEC M9).
     *
     * @param in the stream
     * @throws IOException if the stream fails
     * @throws ClassNotFoundException if a class is missing
     */
    @Serial
    private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        SharedObjects.received(this, pipeId, null);
    }

    @Override
    public String toString() {
        if (socket != null) {
            return "<Connection to " + socket.peer() + (closedHere ? " closed>" : ">");
        }
        return "<Connection end=" + end + (readable ? " readable" : "") + (writable ? " writable" : "") + ">";
    }
}
