package io.github.multiprocessing4j.internal.connection;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Connected sockets for tests: a {@link MessageSocket} and the raw channel at the other end, or two MessageSockets. */
final class SocketPairs {

    private SocketPairs() {
    }

    /** A raw channel (blocking) and the MessageSocket connected to it, over TCP or a Unix-domain socket. */
    record Raw(MessageSocket socket, SocketChannel raw) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
            raw.close();
        }
    }

    /** Two MessageSockets connected to each other: {@code listening} was accepted, {@code connecting} connected. */
    record Pair(MessageSocket listening, MessageSocket connecting) implements AutoCloseable {
        @Override
        public void close() {
            listening.close();
            connecting.close();
        }
    }

    static Raw raw(boolean unix, Path dir) throws Exception {
        try (ServerSocketChannel server = server(unix, dir)) {
            SocketChannel raw = SocketChannel.open(server.getLocalAddress());
            SocketChannel accepted = server.accept();
            return new Raw(MessageSocket.accepted(accepted, "the raw peer"), raw);
        }
    }

    static Pair pair(boolean unix, Path dir) throws Exception {
        try (ServerSocketChannel server = server(unix, dir)) {
            MessageSocket connecting = MessageSocket.connect(server.getLocalAddress(), 5_000_000_000L);
            SocketChannel accepted = server.accept();
            return new Pair(MessageSocket.accepted(accepted, "the client"), connecting);
        }
    }

    private static ServerSocketChannel server(boolean unix, Path dir) throws IOException {
        if (unix) {
            Path file = Files.createTempFile(dir, "sock", "");
            Files.delete(file);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(file));
            // the socket file stays in the test's temporary directory, which JUnit deletes
            return server;
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return server;
    }
}
