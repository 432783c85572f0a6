package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.connection.Challenge;
import io.github.multiprocessing4j.internal.connection.MessageSocket;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;

/**
 * Connects to a {@link Listener}, of this library or of CPython, and runs the mutual HMAC
 * challenge with it before any data: Python's
 * {@code multiprocessing.connection.Client(address, family, authkey)} (SPEC M8). The family
 * follows from the address: an {@link InetSocketAddress} is {@code AF_INET}, a
 * {@link UnixDomainSocketAddress} {@code AF_UNIX}.
 *
 * <pre>{@code
 * try (Connection conn = Client.connect(new InetSocketAddress("localhost", 6000), key)) {
 *     conn.sendBytes(request);
 *     byte[] reply = conn.recvBytes();
 * }
 * }</pre>
 *
 * <p>The key is required, as for {@link Listener} (Python's {@code authkey=None}, no
 * authentication, has no counterpart). Against a CPython 3.12+ listener the challenge is
 * HMAC-SHA256; against CPython 3.11 and older, HMAC-MD5, the only one they speak.
 */
public final class Client {

    private Client() {
    }

    /**
     * Connects and authenticates, waiting as long as the listener takes to accept: Python's
     * {@code Client(address, authkey=key)}.
     *
     * @param address where the listener listens
     * @param authkey the key the listener has; not empty
     * @return the connection, authenticated, never null (the same type as a {@link Pipe}'s ends)
     * @throws ConnectException naming the address, if nothing listens there
     * @throws AuthenticationException if the keys differ (the listener refused our answer, or
     *     answered ours wrongly) or the peer does not speak the protocol; nothing stays open
     * @throws IOException if the connection failed otherwise
     * @throws InterruptedException if interrupted while connecting or waiting for the listener
     * @throws IllegalArgumentException if the address is of another kind, or the key is empty
     * @throws NullPointerException if the address or the key is null
     */
    public static Connection connect(SocketAddress address, byte[] authkey) throws IOException, InterruptedException {
        return connect(address, authkey, MessageSocket.FOREVER);
    }

    /**
     * Connects and authenticates within {@code timeout} (Python has no such limit: a listener that
     * never calls {@code accept()} keeps its client waiting).
     *
     * @param address where the listener listens
     * @param authkey the key the listener has; not empty
     * @param timeout how long connecting and the challenge may take together
     * @return the connection, authenticated, never null
     * @throws ConnectException naming the address, if nothing listens there or it does not answer
     *     in time
     * @throws AuthenticationException if the keys differ, the peer does not speak the protocol, or
     *     the listener did not complete the challenge in time; nothing stays open
     * @throws IOException if the connection failed otherwise
     * @throws InterruptedException if interrupted while connecting or waiting for the listener
     * @throws IllegalArgumentException if the address is of another kind, or the key is empty
     * @throws NullPointerException if an argument is null
     */
    public static Connection connect(SocketAddress address, byte[] authkey, Duration timeout)
            throws IOException, InterruptedException {
        return connect(address, authkey, Math.max(1, Timeouts.nanos(timeout)));
    }

    private static Connection connect(SocketAddress address, byte[] authkey, long timeoutNanos)
            throws IOException, InterruptedException {
        byte[] key = Listener.checkedKey(authkey);
        long start = System.nanoTime();
        MessageSocket socket = MessageSocket.connect(address, timeoutNanos);
        try {
            long left = timeoutNanos == MessageSocket.FOREVER ? MessageSocket.FOREVER
                    : Math.max(1, timeoutNanos - (System.nanoTime() - start));
            Challenge.asClient(socket, key, left);
        } catch (IOException | InterruptedException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return new Connection(socket);
    }
}
