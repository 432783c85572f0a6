package io.github.multiprocessing4j.internal.manager;

import io.github.multiprocessing4j.internal.channel.Handshake;
import io.github.multiprocessing4j.internal.codec.Payloads;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * One connection between a manager server and a client: messages framed as CPython's
 * {@code multiprocessing.connection} frames them (a 4-byte big-endian length, then the bytes),
 * and the mutual HMAC-SHA256 challenge that precedes any data (SPEC M7, M8, C2): the server
 * challenges the client, then the client the server, each answer bound to its role so that it
 * cannot be reflected. After it, every message is one byte of type and its payload.
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
    private static final int MAX_HANDSHAKE = 256;
    private static final int NONCE_BYTES = 32;
    private static final byte[] CHALLENGE = ascii("#CHALLENGE#");
    private static final byte[] WELCOME = ascii("#WELCOME#");
    private static final byte[] FAILURE = ascii("#FAILURE#");
    private static final byte[] CLIENT_ROLE = ascii("multiprocessing4j manager client");
    private static final byte[] SERVER_ROLE = ascii("multiprocessing4j manager server");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SocketChannel channel;
    private final String peer;
    private final Object writing = new Object();
    private final ByteBuffer header = ByteBuffer.allocate(4);

    /**
     * A connection over a connected channel: TCP, or a Unix domain socket (a child in a container
     * without network reaches its host's server through a socket file in a shared directory).
     */
    ManagerWire(SocketChannel channel, String peer) throws IOException {
        this.channel = channel;
        this.peer = peer;
        if (channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        }
    }

    /** Who is at the other end, for messages. */
    String peer() {
        return peer;
    }

    /**
     * Server side: challenges the client, then answers its challenge.
     *
     * @throws AuthenticationFailure if the client does not know the key
     * @throws IOException if the connection fails or the peer does not speak the protocol
     */
    void authenticateClient(byte[] key) throws IOException {
        byte[] nonce = nonce();
        send(concat(CHALLENGE, nonce));
        byte[] response = receive(MAX_HANDSHAKE);
        if (!MessageDigest.isEqual(response, Handshake.hmac(key, CLIENT_ROLE, nonce))) {
            send(FAILURE);
            throw new AuthenticationFailure("the client's answer to the challenge does not match: wrong key");
        }
        send(WELCOME);
        byte[] theirs = challengeOf(receive(MAX_HANDSHAKE));
        send(Handshake.hmac(key, SERVER_ROLE, theirs));
        if (!Arrays.equals(receive(MAX_HANDSHAKE), WELCOME)) {
            throw new AuthenticationFailure("the client refused this server's answer to its challenge");
        }
    }

    /**
     * Client side: answers the server's challenge, then challenges it.
     *
     * @throws AuthenticationFailure if the server refused the key, or does not know it
     * @throws IOException if the connection fails or the peer does not speak the protocol
     */
    void authenticateServer(byte[] key) throws IOException {
        byte[] challenge = challengeOf(receive(MAX_HANDSHAKE));
        send(Handshake.hmac(key, CLIENT_ROLE, challenge));
        byte[] verdict = receive(MAX_HANDSHAKE);
        if (Arrays.equals(verdict, FAILURE)) {
            throw new AuthenticationFailure("the manager server at " + peer() + " refused the key: wrong authkey");
        }
        if (!Arrays.equals(verdict, WELCOME)) {
            throw new IOException("the peer at " + peer() + " is not a manager server");
        }
        byte[] nonce = nonce();
        send(concat(CHALLENGE, nonce));
        if (!MessageDigest.isEqual(receive(MAX_HANDSHAKE), Handshake.hmac(key, SERVER_ROLE, nonce))) {
            send(FAILURE);
            throw new AuthenticationFailure("the manager server at " + peer()
                    + " does not know the key: its answer to the challenge does not match");
        }
        send(WELCOME);
    }

    private byte[] challengeOf(byte[] message) throws IOException {
        if (message.length != CHALLENGE.length + NONCE_BYTES
                || !Arrays.equals(Arrays.copyOf(message, CHALLENGE.length), CHALLENGE)) {
            throw new IOException("the peer at " + peer() + " does not speak the manager protocol (no challenge)");
        }
        return Arrays.copyOfRange(message, CHALLENGE.length, message.length);
    }

    /** Sends one message, of the handshake. */
    void send(byte[] message) throws IOException {
        write(ByteBuffer.allocate(4).putInt(0, message.length), ByteBuffer.wrap(message));
    }

    /** Sends a message of a type. */
    void send(byte type, byte[] payload) throws IOException {
        write(ByteBuffer.allocate(5).putInt(0, payload.length + 1).put(4, type), ByteBuffer.wrap(payload));
    }

    private void write(ByteBuffer head, ByteBuffer body) throws IOException {
        ByteBuffer[] both = {head, body};
        synchronized (writing) {
            while (body.hasRemaining()) {
                channel.write(both);
            }
        }
    }

    /**
     * Receives one message.
     *
     * @param limit the longest message accepted
     * @return its bytes
     * @throws EOFException if the peer closed the connection
     * @throws IOException if the message is longer than {@code limit}, or reading fails
     */
    byte[] receive(int limit) throws IOException {
        header.clear();
        readFully(header);
        int length = header.getInt(0);
        if (length < 0 || length > limit) {
            throw new IOException("a message of " + length + " bytes from " + peer + ", the limit is " + limit);
        }
        ByteBuffer message = ByteBuffer.allocate(length);
        readFully(message);
        return message.array();
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("the connection with " + peer + " has ended");
            }
        }
    }

    /**
     * Closes the connection unless {@code done} completes within {@code millis}: a peer that
     * never answers the challenge holds no thread for ever.
     */
    void closeUnlessDoneWithin(int millis, java.util.concurrent.CompletableFuture<?> done) {
        java.util.concurrent.CompletableFuture.delayedExecutor(millis, java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(() -> {
                    if (!done.isDone()) {
                        close();
                    }
                });
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing to do about it
        }
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The peer does not know the key, or refused ours. */
    static final class AuthenticationFailure extends IOException {
        private static final long serialVersionUID = 1L;

        AuthenticationFailure(String message) {
            super(message);
        }
    }
}
