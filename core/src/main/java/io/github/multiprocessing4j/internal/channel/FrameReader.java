package io.github.multiprocessing4j.internal.channel;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Reads the frames of one control channel once the handshake is done, on the channel's reader
 * thread. It switches the channel to non-blocking mode, which lets callers write their own
 * frames without risking the channel to an interrupt ({@link ChannelWriter}), and waits for
 * data with a {@link Selector} of its own.
 *
 * <p>A channel that another thread closes while this one waits is noticed at the next
 * {@link #wakeup()}, or within {@link #CLOSE_CHECK_MILLIS} at the latest; reading it then
 * throws {@link ClosedChannelException}. A reader thread that is interrupted closes the channel
 * and throws {@link ClosedByInterruptException}, as a blocking read does.
 */
public final class FrameReader implements Closeable {

    /** How often a reader that waits checks that its channel is still open. */
    static final long CLOSE_CHECK_MILLIS = 100;
    /** How much one read takes at most. */
    static final int BUFFER_BYTES = 64 * 1024;

    private final SocketChannel channel;
    private final int maxSize;
    private final Selector selector;
    /** What was read and not yet returned, in read mode. */
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).flip();

    /**
     * Creates the reader of an authenticated channel and switches the channel to non-blocking
     * mode: from now on only this reader reads it, and {@link Frames#write} may not be used on it.
     *
     * @param channel the channel
     * @param maxSize the largest frame accepted
     * @throws IOException if the channel is closed or cannot be switched
     */
    public FrameReader(SocketChannel channel, int maxSize) throws IOException {
        this.channel = channel;
        this.maxSize = maxSize;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        try {
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
    }

    /**
     * Reads the next frame, waiting for it. Frames are read in bulk into a buffer of
     * {@link #BUFFER_BYTES}: a burst of small frames costs one system call, not two a frame.
     *
     * @return the frame, or null at a clean end of stream before its first byte
     * @throws ClosedChannelException if the channel was closed
     * @throws ProtocolException if the frame is empty or larger than the limit
     * @throws EOFException if the stream ends inside a frame
     */
    public Frames.Frame next() throws IOException {
        if (!fill(4, true)) {
            return null;
        }
        int length = buffer.getInt();
        if (length < 1 || length > maxSize) {
            throw new ProtocolException("frame of " + Integer.toUnsignedString(length)
                    + " bytes, the limit is " + maxSize);
        }
        byte type;
        byte[] payload = new byte[length - 1];
        if (length <= buffer.capacity()) {
            fill(length, false);
            type = buffer.get();
            buffer.get(payload);
        } else {
            // larger than the buffer: what it holds, then straight into the payload
            fill(1, false);
            type = buffer.get();
            int buffered = Math.min(buffer.remaining(), payload.length);
            buffer.get(payload, 0, buffered);
            ByteBuffer rest = ByteBuffer.wrap(payload, buffered, payload.length - buffered);
            while (rest.hasRemaining()) {
                if (read(rest) < 0) {
                    throw new EOFException("the peer closed the channel inside a frame");
                }
            }
        }
        return new Frames.Frame(type, payload);
    }

    /**
     * Makes {@link #buffer} hold at least {@code bytes} unread bytes.
     *
     * @return false at a clean end of stream, if {@code endAllowed} and nothing is buffered
     */
    private boolean fill(int bytes, boolean endAllowed) throws IOException {
        while (buffer.remaining() < bytes) {
            buffer.compact();
            int read;
            try {
                read = read(buffer);
            } finally {
                buffer.flip();
            }
            if (read < 0) {
                if (endAllowed && !buffer.hasRemaining()) {
                    return false;
                }
                throw new EOFException("the peer closed the channel inside a frame");
            }
        }
        return true;
    }

    /** Reads what is there into {@code target}, waiting until something is: the count, or -1 at the end. */
    private int read(ByteBuffer target) throws IOException {
        while (true) {
            int read = channel.read(target);
            if (read != 0) {
                return read;
            }
            awaitReadable();
        }
    }

    /** Waits until the channel has something to read, or it was closed. */
    private void awaitReadable() throws IOException {
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
        selector.select(CLOSE_CHECK_MILLIS);
        selector.selectedKeys().clear();
        if (Thread.currentThread().isInterrupted()) {
            // as a blocking read would: the interrupted reader's channel is closed (shutdown)
            ControlServer.closeQuietly(channel);
            throw new ClosedByInterruptException();
        }
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /** Makes a waiting {@link #next()} look at its channel again: call it after closing the channel. */
    public void wakeup() {
        selector.wakeup();
    }

    /** Releases the selector; the channel itself is closed by its owner. */
    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
