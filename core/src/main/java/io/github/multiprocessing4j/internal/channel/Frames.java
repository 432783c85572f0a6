package io.github.multiprocessing4j.internal.channel;

import io.github.multiprocessing4j.internal.codec.Payloads;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The control channel's framing (SPEC C1, C3): a 4-byte big-endian length of what follows, one
 * type byte, then the payload. Reads and writes go straight to the {@link SocketChannel}, never
 * through {@code Channels.newInputStream}, whose blocking lock would stall a writer while a
 * reader waits.
 */
public final class Frames {

    /** The child's first frame: its id, before the handshake. */
    public static final byte HELLO = 1;
    static final byte CHALLENGE = 2;
    static final byte RESPONSE = 3;
    /** The parent's task for an authenticated child. */
    public static final byte TASK = 4;
    /** How the child ended, sent just before it exits (SPEC L16). */
    public static final byte END = 5;
    /** A call on a shared object (queue, pipe, lock, ...), answered by a {@link #REPLY}. */
    public static final byte CALL = 6;
    /** The answer to a {@link #CALL}: a value or an exception. */
    public static final byte REPLY = 7;
    /** The value a child's callable returned, or the exception it threw. */
    public static final byte RESULT = 8;
    /** The caller was interrupted: abort the call if it still waits. */
    public static final byte CANCEL = 9;
    /** A descendant of the sender has ended: what it held in the receiver's objects is released. */
    public static final byte GONE = 10;
    /** The class path a child on the network needs, by content hash (SPEC R2). */
    public static final byte MANIFEST = 11;
    /** The hashes of the manifest's files the child lacks in its cache. */
    public static final byte WANT = 12;
    /** One class path file: its SHA-256, then its bytes. */
    public static final byte FILE = 13;

    /** Largest frame either side accepts before the handshake has succeeded. */
    static final int MAX_HANDSHAKE = 256;
    /** Largest frame a parent accepts from an authenticated child: a message plus its envelope. */
    public static final int MAX_FROM_CHILD = Payloads.MAX_BYTES + 64 * 1024;
    /** Largest frame a child accepts from its parent: the serialized task. */
    public static final int MAX_FROM_PARENT = 256 * 1024 * 1024;

    private Frames() {
    }

    /** One frame. */
    public record Frame(byte type, byte[] payload) {
    }

    /** A frame, ready to write. */
    public static ByteBuffer frame(byte type, byte[] payload) {
        ByteBuffer buffer = ByteBuffer.allocate(5 + payload.length);
        buffer.putInt(payload.length + 1).put(type).put(payload).flip();
        return buffer;
    }

    /**
     * Writes a frame on the calling thread, in blocking mode: only for the handshake and the
     * task, on threads nobody interrupts; later frames go through a {@link ChannelWriter}.
     */
    public static void write(SocketChannel channel, byte type, byte[] payload) throws IOException {
        ByteBuffer buffer = frame(type, payload);
        synchronized (channel) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /**
     * Reads one frame from a channel in blocking mode: the handshake's. After it, a
     * {@link FrameReader} reads the channel.
     *
     * @return the frame, or null at a clean end of stream before its first byte
     * @throws ProtocolException if the frame is empty or larger than {@code maxSize}
     * @throws EOFException if the stream ends inside a frame
     */
    public static Frame read(SocketChannel channel, int maxSize) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        if (!readFully(channel, header, true)) {
            return null;
        }
        int length = header.flip().getInt();
        if (length < 1 || length > maxSize) {
            throw new ProtocolException("frame of " + Integer.toUnsignedString(length)
                    + " bytes, the limit is " + maxSize);
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body, false);
        body.flip();
        byte type = body.get();
        byte[] payload = new byte[length - 1];
        body.get(payload);
        return new Frame(type, payload);
    }

    /** Reads a frame that must be of {@code type}. */
    public static byte[] expect(SocketChannel channel, byte type, int maxSize) throws IOException {
        byte[] payload = expectUnlessClosed(channel, type, maxSize);
        if (payload == null) {
            throw new EOFException("the peer closed the channel, expecting frame type " + type);
        }
        return payload;
    }

    /**
     * Reads a frame that must be of {@code type}, or learns that the peer closed the channel
     * before sending a byte of it.
     *
     * @return the payload, or null if the channel ended before the frame began
     */
    static byte[] expectUnlessClosed(SocketChannel channel, byte type, int maxSize) throws IOException {
        Frame frame = read(channel, maxSize);
        if (frame == null) {
            return null;
        }
        if (frame.type() != type) {
            throw new ProtocolException("frame type " + frame.type() + ", expected " + type);
        }
        return frame.payload();
    }

    private static boolean readFully(SocketChannel channel, ByteBuffer buffer, boolean endAllowed)
            throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (endAllowed && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("the peer closed the channel inside a frame");
            }
        }
        return true;
    }
}
