package io.github.multiprocessing4j.internal.manager;

import io.github.multiprocessing4j.AuthenticationException;
import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.connection.Challenge;
import io.github.multiprocessing4j.internal.connection.MessageSocket;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * One connection between a manager server and a client, on {@code multiprocessing.connection}'s
 * wire (SPEC M7, M8): CPython's message framing, and CPython's mutual HMAC challenge before any
 * data (the server challenges first, as a {@code Listener}; the client answers, then challenges
 * it). After it, every message is one byte of type and its payload: the calls and replies of the
 * control channel ({@code Calls}), so a client calls the server's shared objects as a child
 * calls its parent's.
 */
final class ManagerWire implements Closeable {

    /** A call: the payload of {@code Calls.encodeCall}. */
    static final byte CALL = 1;
    /** A reply: the payload of {@code Calls.encodeReply}. */
    static final byte REPLY = 2;
    /** The cancellation of a call whose caller stopped waiting. */
    static final byte CANCEL = 3;
    /** A caller below the client has ended: the payload of {@code Calls.encodeGone}. */
    static final byte GONE = 4;
    /** The server's first message after the challenge: its manager's id, UTF-8. */
    static final byte HELLO = 5;

    /** The longest message: the largest value and the call around it. */
    static final int MAX_MESSAGE = Payloads.MAX_BYTES + 64 * 1024;
    /** How long a connect, the challenge, and the server's greeting may take. */
    static final long HANDSHAKE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final MessageSocket socket;

    private ManagerWire(MessageSocket socket) {
        this.socket = socket;
    }

    /**
     * Server side: a connection just accepted.
     *
     * @throws IOException if the channel cannot be set up (it is closed then)
     */
    static ManagerWire accepted(SocketChannel channel, String peer) throws IOException {
        return new ManagerWire(MessageSocket.accepted(channel, peer));
    }

    /**
     * Client side: connects to a server.
     *
     * @throws java.net.ConnectException naming the address, if nothing listens there
     * @throws IOException if the connection cannot be made
     * @throws InterruptedException if interrupted while connecting
     */
    static ManagerWire connect(SocketAddress address) throws IOException, InterruptedException {
        return new ManagerWire(MessageSocket.connect(address, HANDSHAKE_NANOS));
    }

    /** Who is at the other end, for messages. */
    String peer() {
        return socket.peer();
    }

    /**
     * Server side: challenges the client, then answers its challenge.
     *
     * @throws AuthenticationException if the keys differ, or the client does not speak the
     *     protocol or does not answer in time
     * @throws InterruptedException if interrupted while waiting
     */
    void authenticateClient(byte[] key) throws AuthenticationException, InterruptedException {
        Challenge.asListener(socket, key, HANDSHAKE_NANOS);
    }

    /**
     * Client side: answers the server's challenge, then challenges it.
     *
     * @throws AuthenticationException if the server refused the key, does not know it, does not
     *     speak the protocol or does not answer in time
     * @throws InterruptedException if interrupted while waiting
     */
    void authenticateServer(byte[] key) throws AuthenticationException, InterruptedException {
        Challenge.asClient(socket, key, HANDSHAKE_NANOS);
    }

    /**
     * Sends a message of a type.
     *
     * @throws IOException if the connection failed
     * @throws IllegalStateException if this side closed it
     */
    void send(byte type, byte[] payload) throws IOException {
        byte[] message = new byte[payload.length + 1];
        message[0] = type;
        System.arraycopy(payload, 0, message, 1, payload.length);
        socket.send(message, 0, message.length);
    }

    /**
     * Receives one message.
     *
     * @param limit the longest message accepted
     * @param timeoutNanos how long to wait, or {@link MessageSocket#FOREVER}
     * @return its bytes, type first
     * @throws java.io.EOFException if the peer closed the connection
     * @throws java.net.SocketTimeoutException if nothing came in time
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if this side closed the connection, or the message is longer
     *     than {@code limit}
     */
    byte[] receive(int limit, long timeoutNanos) throws IOException, InterruptedException {
        byte[] message = socket.receive(limit, timeoutNanos);
        if (message.length == 0) {
            throw new IOException("an empty message from " + peer());
        }
        return message;
    }

    @Override
    public void close() {
        socket.close();
    }
}
