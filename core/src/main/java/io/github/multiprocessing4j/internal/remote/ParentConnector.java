package io.github.multiprocessing4j.internal.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The child's end of a network control channel (SPEC R1): connects to the parent's advertised
 * address with TLS 1.3, trusts exactly the certificate whose SHA-256 it was given on its
 * standard input, and hands the child runtime a Unix-domain channel in a private pod-local
 * directory that a relay joins to the TLS socket, so the runtime's framing works unchanged.
 */
public final class ParentConnector {

    /** The prefix of the child runtime's first argument when it connects over the network. */
    public static final String SCHEME = "tls:";
    /** The same, for a child whose image holds its class path: nothing is shipped (SPEC R2). */
    public static final String IMAGE_SCHEME = "tls-image:";
    private static final int CONNECT_MILLIS = 10_000;

    private ParentConnector() {
    }

    /** A child's connection to its parent: the channel the runtime uses, and the relay behind it. */
    public static final class Connection implements AutoCloseable {

        private final SocketChannel channel;
        private final Relay relay;

        Connection(SocketChannel channel, Relay relay) {
            this.channel = channel;
            this.relay = relay;
        }

        /**
         * The runtime's channel.
         *
         * @return a connected, blocking channel that carries the control channel's bytes
         */
        public SocketChannel channel() {
            return channel;
        }

        /**
         * Closes the channel, then waits until what was written to it before has gone out on the
         * network: the relay's threads do not hold up the JVM's exit, which would drop the last
         * frames (a child's last puts, its end report) that they had not copied yet.
         *
         * @param timeoutMillis how long to wait at most
         * @return whether everything went out in time (false also if the connection broke)
         */
        public boolean closeAndFlush(long timeoutMillis) {
            close();
            boolean interrupted = Thread.interrupted();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            try {
                while (true) {
                    try {
                        // an interrupt does not extend the wait: it goes on until the same deadline
                        return relay.awaitOutbound(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Closes the channel; the relay ends with it. */
        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
        }
    }

    /**
     * Connects to the parent.
     *
     * @param address {@code host:port} (the runtime's first argument without {@link #SCHEME})
     * @param pin the SHA-256 of the parent's certificate
     * @return the connection: a channel that carries the control channel's bytes, and its relay
     * @throws IOException if the parent cannot be reached within 10 s, presents another
     *     certificate, or no local channel can be made; the message says which
     */
    public static Connection connect(String address, byte[] pin) throws IOException {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(address.substring(colon + 1));
        SSLSocket tls;
        try {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(null, new TrustManager[] {new PinnedTrust(pin)}, new SecureRandom());
            Socket plain = new Socket();
            plain.setTcpNoDelay(true);
            try {
                plain.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
            } catch (IOException e) {
                plain.close();
                throw new IOException("cannot reach the parent's control channel at " + address + " (" + e.getMessage()
                        + "): the address the parent advertises is not reachable from here; set "
                        + RemoteChannel.ADDRESS_PROPERTY + " in the parent to one that is", e);
            }
            tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            tls.setEnabledProtocols(new String[] {"TLSv1.3"});
            tls.setSoTimeout(CONNECT_MILLIS);
            tls.startHandshake();
            tls.setSoTimeout(0);
        } catch (GeneralSecurityException e) {
            throw new IOException("no TLS 1.3 in this JVM: " + e, e);
        }
        Path directory = Files.createTempDirectory("multiprocessing4j-child-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = directory.resolve("parent.sock");
        try (ServerSocketChannel local = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            local.bind(UnixDomainSocketAddress.of(socket));
            SocketChannel runtimeEnd = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            SocketChannel relayEnd = local.accept();
            return new Connection(runtimeEnd, Relay.start(tls, relayEnd, "multiprocessing4j-tls"));
        } catch (IOException e) {
            tls.close();
            throw e;
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(directory);
        }
    }

    /** Trusts one certificate, by the SHA-256 of its encoding; no CA and no host name are involved. */
    private static final class PinnedTrust extends X509ExtendedTrustManager {
        private final byte[] pin;

        PinnedTrust(byte[] pin) {
            this.pin = pin.clone();
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the parent presented no certificate");
            }
            byte[] hash;
            try {
                hash = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
            } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
                throw new CertificateException("cannot hash the parent's certificate", e);
            }
            if (!MessageDigest.isEqual(hash, pin)) {
                throw new CertificateException("the peer's certificate is not the parent's session certificate");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a child does not accept connections");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a child does not accept connections");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a child does not accept connections");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
