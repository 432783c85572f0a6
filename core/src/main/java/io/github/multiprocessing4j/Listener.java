package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.connection.Challenge;
import io.github.multiprocessing4j.internal.connection.MessageSocket;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A socket that accepts connections from unrelated processes, each after a mutual HMAC challenge:
 * Python's {@code multiprocessing.connection.Listener(address, family, backlog, authkey)} (SPEC
 * M8). The other side is a {@link Client} of this library or of CPython, whose wire protocol this
 * speaks byte for byte: CPython 3.12+ (the {@code {sha256}} challenge) and CPython 3.11 and older
 * (the legacy HMAC-MD5 answer).
 *
 * <pre>{@code
 * byte[] key = "secret".getBytes(StandardCharsets.UTF_8);
 * try (Listener listener = new Listener(new InetSocketAddress("localhost", 6000), key);
 *      Connection conn = listener.accept()) {
 *     conn.sendBytes("hello".getBytes(StandardCharsets.UTF_8));
 *     byte[] answer = conn.recvBytes();
 * }
 * }</pre>
 *
 * <p>Addresses: an {@link InetSocketAddress} (Python's {@code AF_INET}; port 0 picks a free port,
 * which {@link #address()} tells) or a {@link UnixDomainSocketAddress} (Python's {@code AF_UNIX};
 * the socket file is created by the listener and deleted by {@link #close()}).
 *
 * <p>Where this differs from Python:
 * <ul>
 * <li>The authkey is required: Python's {@code authkey=None} accepts anyone without a challenge,
 *     which this library never does (SPEC C2, "never unauthenticated"); nor does it take the
 *     current process's key by default, as there is no process-wide key to share with an unrelated
 *     process. Both sides must be given the same bytes.</li>
 * <li>The backlog defaults to 50, Java's default (Python's is 1).</li>
 * <li>{@link #accept()} gives a client {@link #HANDSHAKE_TIMEOUT} to complete the challenge, so
 *     that a client that connects and says nothing cannot hold the listener for ever (Python waits
 *     without a limit); {@link #accept(Duration)} also bounds the wait for a client.</li>
 * </ul>
 */
public final class Listener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

    /**
     * How long a client that connected has to complete the challenge: 20 s, CPython's
     * {@code CONNECTION_TIMEOUT}.
     */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);
    private static final int DEFAULT_BACKLOG = 50;

    /** An address family, for a listener on an address it picks: Python's {@code family}. */
    public enum Family {
        /** TCP on the loopback interface, on a free port: Python's {@code ('localhost', 0)}. */
        AF_INET,
        /** A Unix-domain socket in a new private temporary directory: Python's {@code AF_UNIX}. */
        AF_UNIX
    }

    private final ServerSocketChannel server;
    private final Selector acceptable;
    private final byte[] authkey;
    private final SocketAddress address;
    /** The socket file of a Unix-domain listener, deleted on close; null for TCP. */
    private final Path socketFile;
    /** The directory the listener made for its socket file, deleted on close; null otherwise. */
    private final Path ownDirectory;
    private volatile SocketAddress lastAccepted;
    private volatile boolean closed;

    /**
     * Listens on an address.
     *
     * @param address an {@link InetSocketAddress} (port 0 for a free one) or a
     *     {@link UnixDomainSocketAddress} whose file does not exist yet
     * @param authkey the key both sides share; copied; not empty
     * @throws java.net.BindException naming the address, if it is in use or cannot be bound
     * @throws IOException if the socket cannot be created
     * @throws IllegalArgumentException if the address is of another kind, or the key is empty
     * @throws NullPointerException if the address or the key is null (Python's {@code authkey=None}
     *     has no counterpart: see the class comment)
     */
    public Listener(SocketAddress address, byte[] authkey) throws IOException {
        this(address, DEFAULT_BACKLOG, authkey);
    }

    /**
     * Listens on an address with a backlog of pending connections.
     *
     * @param address an {@link InetSocketAddress} (port 0 for a free one) or a
     *     {@link UnixDomainSocketAddress} whose file does not exist yet
     * @param backlog how many connections may wait for {@link #accept()}; at least 1
     * @param authkey the key both sides share; copied; not empty
     * @throws java.net.BindException naming the address, if it is in use or cannot be bound
     * @throws IOException if the socket cannot be created
     * @throws IllegalArgumentException if the address is of another kind, the backlog is below 1
     *     or the key is empty
     * @throws NullPointerException if the address or the key is null
     */
    public Listener(SocketAddress address, int backlog, byte[] authkey) throws IOException {
        this(address, backlog, authkey, null);
    }

    /**
     * Listens on an address of the family that this picks: Python's {@code Listener()} with no
     * address. {@link #address()} tells where.
     *
     * @param family {@link Family#AF_INET} for a free TCP port of the loopback interface,
     *     {@link Family#AF_UNIX} for a socket in a new temporary directory only this user can
     *     enter (deleted with the socket by {@link #close()})
     * @param authkey the key both sides share; copied; not empty
     * @throws IOException if the socket or the directory cannot be created
     * @throws IllegalArgumentException if the key is empty
     * @throws NullPointerException if the family or the key is null
     */
    public Listener(Family family, byte[] authkey) throws IOException {
        this(null, DEFAULT_BACKLOG, authkey, Objects.requireNonNull(family, "family"));
    }

    private Listener(SocketAddress address, int backlog, byte[] authkey, Family family) throws IOException {
        this.authkey = checkedKey(authkey);
        Path directory = null;
        if (family == Family.AF_INET) {
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        } else if (family == Family.AF_UNIX) {
            // createTempDirectory makes it 0700 on POSIX: nobody else can reach the socket in it
            directory = Files.createTempDirectory("mp4j-listener-");
            address = UnixDomainSocketAddress.of(directory.resolve("socket"));
        }
        this.ownDirectory = directory;
        Objects.requireNonNull(address, "address");
        if (backlog < 1) {
            throw new IllegalArgumentException("a backlog of " + backlog + " is below 1");
        }
        boolean unix = address instanceof UnixDomainSocketAddress;
        if (!unix && !(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("an address is an InetSocketAddress (AF_INET) or a"
                    + " UnixDomainSocketAddress (AF_UNIX), not a " + address.getClass().getName());
        }
        ServerSocketChannel channel = unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                : ServerSocketChannel.open();
        Selector selector = null;
        try {
            if (!unix) {
                // Python sets SO_REUSEADDR on POSIX: a listener restarted at once gets its port back
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            try {
                channel.bind(address, backlog);
            } catch (BindException e) {
                BindException named = new BindException("cannot listen at " + MessageSocket.describe(address) + ": "
                        + e.getMessage() + (unix && Files.exists(((UnixDomainSocketAddress) address).getPath())
                        ? " (the file exists: a socket of another listener, or a left-over one to delete)" : ""));
                named.initCause(e);
                throw named;
            }
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            if (selector != null) {
                selector.close();
            }
            channel.close();
            deleteOwnDirectory();
            throw e;
        }
        this.server = channel;
        this.acceptable = selector;
        this.address = channel.getLocalAddress();
        this.socketFile = unix ? ((UnixDomainSocketAddress) address).getPath() : null;
        LOG.debug("listening at {}", MessageSocket.describe(this.address));
    }

    /** Python's authkey must be bytes; here it must be there, and not empty. */
    static byte[] checkedKey(byte[] authkey) {
        Objects.requireNonNull(authkey, "authkey: a Listener and a Client always authenticate (SPEC C2);"
                + " give both the same key");
        if (authkey.length == 0) {
            throw new IllegalArgumentException("the authkey is empty: give a Listener and its Clients the same,"
                    + " non-empty key (a secret, such as 32 random bytes)");
        }
        return authkey.clone();
    }

    /**
     * Waits for a client and runs the challenge with it: Python's {@code accept()}.
     *
     * @return the connection, authenticated, never null
     * @throws AuthenticationException if the client's key differs, or it does not complete the
     *     challenge within {@link #HANDSHAKE_TIMEOUT}; the listener stays usable
     * @throws IOException if the socket failed
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the listener is closed
     */
    public Connection accept() throws IOException, InterruptedException {
        return accept(Timeouts.FOREVER);
    }

    /**
     * Waits at most {@code timeout} for a client, then runs the challenge with it.
     *
     * @param timeout how long to wait for a client to connect; zero or negative does not wait
     *     (SPEC L17); the challenge then has {@link #HANDSHAKE_TIMEOUT}
     * @return the connection, authenticated, never null
     * @throws SocketTimeoutException if no client connected in time
     * @throws AuthenticationException if the client's key differs, or it does not complete the
     *     challenge; the listener stays usable
     * @throws IOException if the socket failed
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the listener is closed
     */
    public Connection accept(Duration timeout) throws IOException, InterruptedException {
        return accept(Timeouts.nanos(timeout));
    }

    private Connection accept(long timeoutNanos) throws IOException, InterruptedException {
        SocketChannel channel = waitForClient(timeoutNanos);
        SocketAddress peer = channel.getRemoteAddress();
        lastAccepted = peer;
        MessageSocket socket = MessageSocket.accepted(channel, "the client " + describeClient(peer));
        try {
            Challenge.asListener(socket, authkey, HANDSHAKE_TIMEOUT.toNanos());
        } catch (AuthenticationException | InterruptedException | RuntimeException e) {
            socket.close();
            if (e instanceof AuthenticationException) {
                LOG.debug("refused a client at {}: {}", MessageSocket.describe(address), e.getMessage());
            }
            throw e;
        }
        return new Connection(socket);
    }

    private SocketChannel waitForClient(long timeoutNanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            checkOpen();
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                checkOpen();
                throw e;
            }
            if (channel != null) {
                return channel;
            }
            try {
                if (timeoutNanos == Timeouts.FOREVER) {
                    acceptable.select();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("no client connected to " + MessageSocket.describe(address)
                                + " within " + Duration.ofNanos(timeoutNanos));
                    }
                    acceptable.select(Math.max(1, (left + 999_999) / 1_000_000));
                }
                acceptable.selectedKeys().clear();
            } catch (ClosedSelectorException e) {
                checkOpen();
                throw e;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for a client at "
                        + MessageSocket.describe(address));
            }
        }
    }

    private String describeClient(SocketAddress peer) {
        if (peer instanceof UnixDomainSocketAddress) {
            return "on " + MessageSocket.describe(address);
        }
        return "at " + MessageSocket.describe(peer);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the listener at " + MessageSocket.describe(address) + " is closed");
        }
    }

    /**
     * Where this listens: Python's {@code address}. For TCP, the bound address with its real port.
     *
     * @return the address, never null
     */
    public SocketAddress address() {
        return address;
    }

    /**
     * The address of the last client {@link #accept()} took, whether its challenge passed or not:
     * Python's {@code last_accepted}. A Unix-domain client is unnamed: its address has an empty
     * path (Python: an empty string).
     *
     * @return the address, or null before the first client
     */
    public SocketAddress lastAccepted() {
        return lastAccepted;
    }

    /**
     * Stops listening; a Unix-domain listener deletes its socket file (and the directory it made
     * for it). Connections already accepted stay open. An {@link #accept()} waiting in another
     * thread ends with {@link IllegalStateException}. Closing twice is fine.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            acceptable.close();
        } catch (IOException e) {
            LOG.debug("closing the selector of the listener at {}", MessageSocket.describe(address), e);
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the listener at {}", MessageSocket.describe(address), e);
        }
        if (socketFile != null) {
            try {
                Files.deleteIfExists(socketFile);
            } catch (IOException e) {
                LOG.warn("cannot delete the socket file {}: {}", socketFile, e.toString());
            }
        }
        deleteOwnDirectory();
    }

    private void deleteOwnDirectory() {
        if (ownDirectory != null) {
            try {
                Files.deleteIfExists(ownDirectory);
            } catch (IOException e) {
                LOG.warn("cannot delete the listener's directory {}: {}", ownDirectory, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "<Listener at " + MessageSocket.describe(address) + (closed ? " closed>" : ">");
    }
}
