package io.github.multiprocessing4j.internal.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parent's TCP end of the control channel for children that reach it over the network
 * (SPEC R1, C2, C4): a TLS 1.3 listener with the session's self-signed certificate, bound only
 * to the address it advertises, that relays each connection onto the Unix-domain control
 * socket. The child's hello and the C2 challenge therefore run inside TLS, and everything behind
 * the socket (framing, calls, the input filter of C3) is the same as for local children.
 *
 * <p>Where children connect: the launcher option or system property
 * {@value #ADDRESS_PROPERTY} ({@code host} or {@code host:port}); else, in a pod (the
 * environment has {@code KUBERNETES_SERVICE_HOST}), this host's own address (the pod IP);
 * else 127.0.0.1, which host-network pods on this node reach.
 */
public final class RemoteChannel {

    /** The system property, and launcher option {@code channel.address}, that sets the address. */
    public static final String ADDRESS_PROPERTY = "multiprocessing4j.channel.address";
    /** The launcher option that sets the address. */
    public static final String ADDRESS_OPTION = "channel.address";
    /** How long a connection may take to finish its TLS handshake. */
    private static final int TLS_HANDSHAKE_MILLIS = 10_000;

    private static RemoteChannel instance;

    private final SessionCertificate certificate;
    private final SSLServerSocket server;
    private final Path controlSocket;
    private final String advertised;
    private final AtomicInteger connections = new AtomicInteger();

    private RemoteChannel(String host, int port, Path controlSocket) throws IOException, GeneralSecurityException {
        this.certificate = SessionCertificate.create();
        this.controlSocket = controlSocket;
        InetAddress address = InetAddress.getByName(host);
        SSLServerSocket socket = (SSLServerSocket) certificate.serverContext().getServerSocketFactory()
                .createServerSocket();
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.setReuseAddress(true);
        // SPEC C4: only the address children use, never the wildcard
        socket.bind(new InetSocketAddress(address, port), 64);
        this.server = socket;
        String literal = address.getHostAddress();
        this.advertised = (literal.contains(":") ? "[" + literal + "]" : literal) + ":" + socket.getLocalPort();
        Thread acceptor = new Thread(this::acceptLoop, "multiprocessing4j-tls-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        Log.LOGGER.debug("control channel listening with TLS on {}", advertised);
    }

    /**
     * The listener of this JVM, started on first use with the address the options name.
     *
     * @param options the launcher options of the first start that needs it
     * @param controlSocket the Unix-domain control socket connections are relayed to
     * @return the listener, never null
     * @throws IOException if the address cannot be resolved or bound, or no TLS identity can be
     *     made; the message names the address and the option that sets it
     */
    public static synchronized RemoteChannel get(Map<String, String> options, Path controlSocket) throws IOException {
        if (instance == null) {
            String configured = options.getOrDefault(ADDRESS_OPTION, System.getProperty(ADDRESS_PROPERTY, ""));
            String host;
            int port = 0;
            if (configured.isBlank()) {
                host = defaultHost();
            } else {
                int colon = configured.lastIndexOf(':');
                if (colon > 0 && configured.indexOf(':') == colon) {
                    host = configured.substring(0, colon);
                    try {
                        port = Integer.parseInt(configured.substring(colon + 1));
                    } catch (NumberFormatException e) {
                        throw new IOException("the control channel address '" + configured + "' (" + ADDRESS_PROPERTY
                                + ") has no valid port: give host or host:port");
                    }
                } else {
                    host = configured.replace("[", "").replace("]", "");
                }
            }
            try {
                instance = new RemoteChannel(host, port, controlSocket);
            } catch (UnknownHostException e) {
                throw new IOException("the control channel address '" + host + "' does not resolve: set "
                        + ADDRESS_PROPERTY + " to an address of this host that the children can reach", e);
            } catch (GeneralSecurityException e) {
                throw new IOException("could not make the session's TLS certificate: " + e, e);
            } catch (IOException e) {
                throw new IOException("could not listen on " + host + ":" + port + " for the control channel ("
                        + e.getMessage() + "): set " + ADDRESS_PROPERTY + " to an address of this host that the"
                        + " children can reach", e);
            }
        }
        return instance;
    }

    /** Stops the listener, if it was started; connections already relayed end with their peers. */
    public static synchronized void shutdown() {
        if (instance != null) {
            try {
                instance.server.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
            instance = null;
        }
    }

    private static String defaultHost() throws IOException {
        if (System.getenv("KUBERNETES_SERVICE_HOST") != null) {
            // a parent in a pod: /etc/hosts maps the pod's host name to the pod IP
            return InetAddress.getLocalHost().getHostAddress();
        }
        return InetAddress.getLoopbackAddress().getHostAddress();
    }

    /**
     * Where children connect, as {@code host:port} ({@code [v6]:port} for IPv6).
     *
     * @return the address, never null
     */
    public String advertisedAddress() {
        return advertised;
    }

    /**
     * The bytes to put on a child's standard input: its secret and this session's pin.
     *
     * @param secret the child's secret
     * @return the encoded credentials, never null
     */
    public byte[] credentials(byte[] secret) {
        return new ChildCredentials(secret, certificate.pin()).encode();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    Log.LOGGER.warn("control channel: TLS accept failed: {}", e.toString());
                }
                continue;
            }
            int n = connections.incrementAndGet();
            Thread handshake = new Thread(() -> relay((SSLSocket) socket, n), "multiprocessing4j-tls-" + n);
            handshake.setDaemon(true);
            handshake.start();
        }
    }

    private void relay(SSLSocket socket, int n) {
        SocketChannel unix = null;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TLS_HANDSHAKE_MILLIS);
            socket.startHandshake();
            socket.setSoTimeout(0);
            unix = SocketChannel.open(UnixDomainSocketAddress.of(controlSocket));
            Relay.start(socket, unix, "multiprocessing4j-tls-" + n);
        } catch (SocketTimeoutException e) {
            Log.LOGGER.warn("control channel: dropped a TLS connection from {} that did not finish its handshake"
                    + " within {} ms", socket.getRemoteSocketAddress(), TLS_HANDSHAKE_MILLIS);
            closeQuietly(socket);
        } catch (IOException e) {
            if (e instanceof javax.net.ssl.SSLHandshakeException && e.getCause() instanceof java.io.EOFException
                    || e instanceof java.io.EOFException || e instanceof java.net.SocketException) {
                // connected, then closed before its handshake: a child ended while it started (a
                // pool or a process ended at once), not a peer that tried anything
                Log.LOGGER.debug("control channel: a TLS connection from {} closed during its handshake",
                        socket.getRemoteSocketAddress());
            } else {
                Log.LOGGER.warn("control channel: dropped a TLS connection from {}: {}", socket.getRemoteSocketAddress(),
                        e.getMessage());
            }
            closeQuietly(socket);
            if (unix != null) {
                closeQuietly(unix);
            }
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(RemoteChannel.class);
    }
}
