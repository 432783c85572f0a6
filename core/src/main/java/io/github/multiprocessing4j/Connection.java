package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.HostedPipe;
import io.github.multiprocessing4j.internal.Payloads;
import io.github.multiprocessing4j.internal.Shared;
import io.github.multiprocessing4j.internal.SharedObjects;
import io.github.multiprocessing4j.internal.Timeouts;
import java.io.EOFException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;

/**
 * One end of a {@link Pipe}: Python's {@code multiprocessing.connection.Connection}. Hand it
 * to a child by capturing it in the child's target.
 *
 * <p>Objects are copied: {@link #send(Object)} serializes in the sender and {@link #recv()}
 * deserializes in the receiver. {@link #recv()} ends with {@link EOFException} once the other
 * end is closed and everything sent before has been received: the other end's
 * {@link #close()}, or the end of every child that used it.
 */
public final class Connection implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String pipeId;
    private final int end;
    private final boolean readable;
    private final boolean writable;

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
     * @throws IllegalStateException if either end is closed, or this end is receive-only
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
        Payloads.checkSize(bytes.length);
        sendBytes(bytes.clone(), false);
    }

    private void sendBytes(byte[] bytes, boolean object) {
        if (!writable) {
            throw new IllegalStateException("connection is read-only");
        }
        byte[] framed = new byte[bytes.length + 1];
        framed[0] = (byte) (object ? 1 : 0);
        System.arraycopy(bytes, 0, framed, 1, bytes.length);
        Shared.quickCall(pipeId, HostedPipe.SEND, end, framed);
    }

    /**
     * Receives the next object, waiting for it.
     *
     * @param <T> the type the caller expects
     * @return the object (a copy)
     * @throws EOFException if the other end is closed and nothing is left
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the next message was sent with {@link #sendBytes(byte[])}
     */
    public <T> T recv() throws EOFException, InterruptedException {
        return Queue.receive(unframe(receive(Timeouts.FOREVER), true));
    }

    /**
     * Receives the next bytes, waiting for them: Python's {@code recv_bytes}.
     *
     * @return the bytes
     * @throws EOFException if the other end is closed and nothing is left
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the next message was sent with {@link #send(Object)}
     */
    public byte[] recvBytes() throws EOFException, InterruptedException {
        return unframe(receive(Timeouts.FOREVER), false);
    }

    private byte[] receive(long timeoutNanos) throws EOFException, InterruptedException {
        checkReadable();
        return (byte[]) Shared.streamCall(pipeId, HostedPipe.RECV, end, timeoutNanos);
    }

    private void checkReadable() {
        if (!readable) {
            throw new IllegalStateException("connection is write-only");
        }
    }

    private static byte[] unframe(byte[] framed, boolean object) {
        if ((framed[0] == 1) != object) {
            throw new IllegalStateException(object
                    ? "the next message was sent with sendBytes: receive it with recvBytes"
                    : "the next message was sent with send: receive it with recv");
        }
        byte[] bytes = new byte[framed.length - 1];
        System.arraycopy(framed, 1, bytes, 0, bytes.length);
        return bytes;
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
     * it has received what was sent before. Closing twice is fine.
     */
    public void close() {
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
