package io.github.multiprocessing4j.internal.connection;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.Objects;

/**
 * A stream socket that carries CPython's messages ({@code Connection._send_bytes} and
 * {@code _recv_bytes} in {@code connection.py}): each message is a 4-byte big-endian signed
 * length and that many bytes; a length of -1 is followed by an 8-byte big-endian length, which
 * CPython writes for messages over 2 GiB - 1 and which is read here (and then refused by any limit
 * below 2 GiB). Nothing else is on the wire: the bytes of a message are the user's.
 *
 * <p>The channel is non-blocking, with one selector for reading and one for writing, so that a
 * wait for a message ends on {@link Thread#interrupt()} without closing the socket (a blocking NIO
 * channel closes itself when its reader is interrupted), and on {@link #close()} from another
 * thread. A message is read incrementally: an interrupted or timed-out receive keeps what it has
 * read, and the next call goes on from there, so the stream never loses its framing. A write is
 * never abandoned halfway, for the same reason: an interrupt during a send is kept for later.
 *
 * <p>One thread at a time receives and one at a time sends (each direction has its lock), as on a
 * CPython connection, which is not safe for concurrent use at all.
 */
public final class MessageSocket implements Closeable {

    /** Wait without a limit. */
    public static final long FOREVER = -1;
    /** Up to this size header and bytes go out in one write, as CPython does (its Nagle note). */
    private static final int ONE_WRITE_BYTES = 16 * 1024;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int HEADER_BYTES = 4;
    private static final int LONG_HEADER_BYTES = 12;

    private final SocketChannel channel;
    private final Selector readSelector;
    private final Selector writeSelector;
    private final String peer;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private volatile boolean closed;

    /** Bytes read and not yet parsed, in read mode. Guarded by {@link #readLock}, as the rest of the read state. */
    private final ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES).flip();
    /** The message being read, once its header is complete; null before. */
    private byte[] body;
    private int bodyFill;
    /** A whole message, read and not yet taken. */
    private byte[] ready;
    /** Why the stream ended (end of file, a reset, a bad length): every later receive fails with it. */
    private String endReason;
    private boolean endIsEof;
    private IOException endCause;

    private MessageSocket(SocketChannel channel, String peer) throws IOException {
        this.channel = channel;
        this.peer = peer;
        Selector reads = null;
        Selector writes = null;
        try {
            channel.configureBlocking(false);
            if (!(channel.getRemoteAddress() instanceof UnixDomainSocketAddress)) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            reads = Selector.open();
            writes = Selector.open();
            channel.register(reads, SelectionKey.OP_READ);
            channel.register(writes, SelectionKey.OP_WRITE);
        } catch (IOException | RuntimeException e) {
            closeQuietly(reads);
            closeQuietly(writes);
            throw e;
        }
        this.readSelector = reads;
        this.writeSelector = writes;
    }

    /**
     * Wraps a socket a server accepted.
     *
     * @param channel the accepted channel, connected; owned by the result from now on (closed if
     *     this fails)
     * @param peer how messages name the other side
     * @return the socket, never null
     * @throws IOException if the channel cannot be set up
     */
    public static MessageSocket accepted(SocketChannel channel, String peer) throws IOException {
        try {
            return new MessageSocket(channel, peer);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Connects to a listening socket: TCP ({@link InetSocketAddress}) or Unix-domain
     * ({@link UnixDomainSocketAddress}).
     *
     * @param address where to connect
     * @param timeoutNanos how long a TCP connect may take, or {@link #FOREVER} (the system's own
     *     limit then applies); a Unix-domain connect never waits
     * @return the socket, connected, never null
     * @throws ConnectException naming the address, if nothing listens there or it cannot be
     *     reached in time
     * @throws UnknownHostException if the host name does not resolve
     * @throws IOException if the socket cannot be set up
     * @throws InterruptedException if interrupted while connecting; nothing is left open
     */
    public static MessageSocket connect(SocketAddress address, long timeoutNanos)
            throws IOException, InterruptedException {
        Objects.requireNonNull(address, "address");
        boolean unix = address instanceof UnixDomainSocketAddress;
        if (!unix && !(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("an address is an InetSocketAddress (AF_INET) or a"
                    + " UnixDomainSocketAddress (AF_UNIX), not a " + address.getClass().getName());
        }
        SocketChannel channel = SocketChannel.open(unix ? StandardProtocolFamily.UNIX : protocolOf(address));
        try {
            if (unix || timeoutNanos == FOREVER) {
                channel.connect(address);
            } else {
                connectWithin(channel, address, timeoutNanos);
            }
            return new MessageSocket(channel, describe(address));
        } catch (ClosedByInterruptException e) {
            closeQuietly(channel);
            Thread.interrupted();
            throw new InterruptedException("interrupted while connecting to " + describe(address));
        } catch (UnresolvedAddressException e) {
            closeQuietly(channel);
            throw new UnknownHostException("cannot connect to " + describe(address) + ": unknown host");
        } catch (SocketTimeoutException e) {
            closeQuietly(channel);
            throw connectFailure(address, e);
        } catch (SocketException e) {
            closeQuietly(channel);
            throw connectFailure(address, e);
        } catch (IOException | RuntimeException | InterruptedException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static ConnectException connectFailure(SocketAddress address, IOException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        boolean nobody = e instanceof ConnectException || reason.contains("No such file")
                || reason.contains("refused");
        ConnectException failure = new ConnectException("cannot connect to " + describe(address) + ": "
                + (nobody ? "nothing listens there (" + reason + ")" : reason));
        failure.initCause(e);
        return failure;
    }

    private static StandardProtocolFamily protocolOf(SocketAddress address) {
        InetSocketAddress inet = (InetSocketAddress) address;
        return inet.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
    }

    private static void connectWithin(SocketChannel channel, SocketAddress address, long timeoutNanos)
            throws IOException, InterruptedException {
        channel.configureBlocking(false);
        if (channel.connect(address)) {
            return;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_CONNECT);
            while (!channel.finishConnect()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("no answer within " + millis(timeoutNanos) + " ms");
                }
                selector.select(millis(left));
                selector.selectedKeys().clear();
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while connecting to " + describe(address));
                }
            }
        }
    }

    /**
     * How messages name an address: {@code host:port} or the socket's path.
     *
     * @param address the address
     * @return its description, never null
     */
    public static String describe(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            String path = ((UnixDomainSocketAddress) address).getPath().toString();
            return path.isEmpty() ? "an unnamed Unix-domain socket" : path;
        }
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            return inet.getHostString() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    /**
     * The other side, as messages name it.
     *
     * @return its description, never null
     */
    public String peer() {
        return peer;
    }

    /**
     * Sends one message.
     *
     * @param bytes holds the message
     * @param offset where it starts
     * @param length how many bytes it has
     * @throws IOException if the socket failed, or the peer closed it
     * @throws IllegalStateException if this socket was closed
     */
    public void send(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        synchronized (writeLock) {
            checkOpen();
            if (length <= ONE_WRITE_BYTES) {
                ByteBuffer whole = ByteBuffer.allocate(HEADER_BYTES + length).putInt(length).put(bytes, offset, length);
                writeFully(whole.flip());
            } else {
                writeFully(ByteBuffer.allocate(HEADER_BYTES).putInt(length).flip(),
                        ByteBuffer.wrap(bytes, offset, length));
            }
        }
    }

    private void writeFully(ByteBuffer... buffers) throws IOException {
        // a message half written would break the stream for good: an interrupt waits until it is whole
        boolean interrupted = Thread.interrupted();
        try {
            ByteBuffer last = buffers[buffers.length - 1];
            while (last.hasRemaining()) {
                if (channel.write(buffers) == 0) {
                    writeSelector.select();
                    writeSelector.selectedKeys().clear();
                    interrupted |= Thread.interrupted();
                    checkOpen();
                }
            }
        } catch (ClosedSelectorException e) {
            checkOpen();
            throw e;
        } catch (IOException e) {
            checkOpen();
            throw new IOException("the connection to " + peer + " failed: " + e.getMessage(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Receives the next message, waiting for it.
     *
     * @param maxBytes the largest message accepted; a longer one ends the stream for good
     *     (Python's "bad message length")
     * @param timeoutNanos how long to wait, or {@link #FOREVER}
     * @return the message, never null
     * @throws EOFException if the peer closed the socket (naming whether it did so within a
     *     message), or it failed (reset); every later receive fails alike
     * @throws SocketTimeoutException if no whole message arrived in time; what arrived is kept
     * @throws InterruptedException if interrupted while waiting; what arrived is kept
     * @throws IllegalStateException if this socket was closed, or the peer announced a message
     *     over {@code maxBytes}
     */
    public byte[] receive(int maxBytes, long timeoutNanos) throws EOFException, SocketTimeoutException,
            InterruptedException {
        synchronized (readLock) {
            if (!await(maxBytes, timeoutNanos)) {
                throw new SocketTimeoutException("no message from " + peer + " within "
                        + millis(timeoutNanos) + " ms");
            }
            if (ready == null) {
                throw endOfStream();
            }
            byte[] message = ready;
            ready = null;
            return message;
        }
    }

    /**
     * Whether {@link #receive} would not wait: a whole message is here, or the stream ended.
     * Unlike CPython, whose {@code poll} says a byte is there, this waits for the whole message.
     *
     * @param maxBytes as for {@link #receive}
     * @param timeoutNanos how long to wait, 0 for not at all, or {@link #FOREVER}
     * @return true if a message or the stream's end is there
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if this socket was closed
     */
    public boolean poll(int maxBytes, long timeoutNanos) throws InterruptedException {
        synchronized (readLock) {
            return await(maxBytes, timeoutNanos);
        }
    }

    private EOFException endOfStream() {
        if (!endIsEof) {
            throw new IllegalStateException(endReason);
        }
        EOFException eof = new EOFException(endReason);
        if (endCause != null) {
            eof.initCause(endCause);
        }
        return eof;
    }

    /** Reads until a whole message (or the end) is here; false if the time ran out first. */
    private boolean await(int maxBytes, long timeoutNanos) throws InterruptedException {
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        while (true) {
            checkOpen();
            if (ready != null || endReason != null || parse(maxBytes)) {
                return true;
            }
            if (fill() != 0) {
                continue;
            }
            try {
                if (timeoutNanos == FOREVER) {
                    readSelector.select();
                } else {
                    long left = deadline - System.nanoTime();
                    if (timeoutNanos == 0 || left <= 0) {
                        return false;
                    }
                    readSelector.select(millis(left));
                }
                readSelector.selectedKeys().clear();
            } catch (ClosedSelectorException e) {
                checkOpen();
                throw e;
            } catch (IOException e) {
                checkOpen();
                end(true, "the connection to " + peer + " failed: " + e.getMessage(), e);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for a message from " + peer);
            }
        }
    }

    /** Takes what is buffered towards the current message; true once it is whole (or the stream ended). */
    private boolean parse(int maxBytes) {
        if (body == null) {
            if (in.remaining() < HEADER_BYTES) {
                return false;
            }
            long length = in.getInt(in.position());
            int headerBytes = HEADER_BYTES;
            if (length == -1) {
                if (in.remaining() < LONG_HEADER_BYTES) {
                    return false;
                }
                length = in.getLong(in.position() + HEADER_BYTES);
                headerBytes = LONG_HEADER_BYTES;
            }
            if (length < 0 || length > maxBytes) {
                String size = length < 0 ? Long.toUnsignedString(length) : Long.toString(length);
                end(false, "bad message length: " + peer + " sent a message of " + size
                        + " bytes, larger than the limit of " + maxBytes + " bytes; the connection cannot be"
                        + " read any more", null);
                return true;
            }
            in.position(in.position() + headerBytes);
            body = new byte[(int) length];
            bodyFill = 0;
        }
        int take = Math.min(in.remaining(), body.length - bodyFill);
        in.get(body, bodyFill, take);
        bodyFill += take;
        if (bodyFill < body.length) {
            return false;
        }
        ready = body;
        body = null;
        return true;
    }

    /** One non-blocking read: the number of bytes read (0 if none were there), or -1 at the end. */
    private int fill() {
        try {
            int n;
            if (body != null && !in.hasRemaining() && body.length - bodyFill >= BUFFER_BYTES) {
                // a large message goes straight into its array
                n = channel.read(ByteBuffer.wrap(body, bodyFill, body.length - bodyFill));
                if (n > 0) {
                    bodyFill += n;
                    if (bodyFill == body.length) {
                        ready = body;
                        body = null;
                    }
                }
            } else {
                in.compact();
                try {
                    n = channel.read(in);
                } finally {
                    in.flip();
                }
            }
            if (n < 0) {
                end(true, midMessage() ? peer + " closed the connection in the middle of a message ("
                        + progress() + ")" : peer + " closed the connection", null);
            }
            return n;
        } catch (IOException e) {
            checkOpen();
            end(true, "the connection to " + peer + " failed" + (midMessage() ? " in the middle of a message ("
                    + progress() + ")" : "") + ": " + e.getMessage(), e);
            return -1;
        }
    }

    private boolean midMessage() {
        return body != null || in.hasRemaining();
    }

    private String progress() {
        return body == null ? in.remaining() + " bytes of its header received"
                : bodyFill + " of " + body.length + " bytes received";
    }

    private void end(boolean eof, String reason, IOException cause) {
        if (endReason == null) {
            endIsEof = eof;
            endReason = reason;
            endCause = cause;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the connection to " + peer + " is closed");
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the socket; a receive or send waiting in another thread ends with
     * {@link IllegalStateException}. The peer gets end of stream. Closing twice is fine.
     */
    @Override
    public void close() {
        closed = true;
        closeQuietly(readSelector);
        closeQuietly(writeSelector);
        closeQuietly(channel);
    }

    private static long millis(long nanos) {
        return Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // closing: nothing to do about it
        }
    }

    @Override
    public String toString() {
        return "<socket to " + peer + (closed ? ", closed>" : ">");
    }
}
