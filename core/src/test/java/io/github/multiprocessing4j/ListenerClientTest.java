package io.github.multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.codec.Payloads;
import java.io.EOFException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Listener} and {@link Client} in one JVM: what a user observes, and each bad input's exception. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenerClientTest {

    private static final byte[] KEY = "a shared secret".getBytes(StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private interface Body<T> {
        T run() throws Exception;
    }

    private static <T> CompletableFuture<T> async(Body<T> body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return body.run();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Listener.Family.class)
    void aClientAndAListenerExchangeBytesAndObjectsBothWays(Listener.Family family) throws Exception {
        try (Listener listener = new Listener(family, KEY)) {
            SocketAddress address = listener.address();
            if (family == Listener.Family.AF_INET) {
                assertTrue(((InetSocketAddress) address).getPort() > 0, "port 0 picked a free port: " + address);
            } else {
                assertTrue(Files.exists(((UnixDomainSocketAddress) address).getPath()), "the socket file exists");
            }
            assertNull(listener.lastAccepted());
            CompletableFuture<Connection> client = async(() -> Client.connect(address, KEY));
            try (Connection server = listener.accept(WAIT); Connection conn = client.get(10, TimeUnit.SECONDS)) {
                assertTrue(listener.lastAccepted() != null);
                conn.sendBytes("ping".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), server.recvBytes());
                server.send(Map.of("answer", List.of(42, "x")));
                assertEquals(Map.of("answer", List.of(42, "x")), conn.recv());
                conn.send(new java.util.ArrayList<>(List.of(1.5, "two")));
                assertEquals(List.of(1.5, "two"), server.recv());
                assertFalse(conn.poll(), "nothing is there");
                assertFalse(conn.poll(Duration.ofMillis(20)));
                server.sendBytes(new byte[0]);
                assertTrue(conn.poll(WAIT));
                assertArrayEquals(new byte[0], conn.recvBytes());
                assertTrue(conn.toString().contains(family == Listener.Family.AF_INET ? "127.0.0.1:" : "socket"),
                        conn.toString());
            }
        }
    }

    @Test
    void closingAUnixListenerDeletesItsSocketFile() throws Exception {
        Path file = tmp.resolve("listener.sock");
        Listener listener = new Listener(UnixDomainSocketAddress.of(file), KEY);
        assertTrue(Files.exists(file));
        listener.close();
        assertFalse(Files.exists(file));
        listener.close();
        Listener picked = new Listener(Listener.Family.AF_UNIX, KEY);
        Path pickedFile = ((UnixDomainSocketAddress) picked.address()).getPath();
        picked.close();
        assertFalse(Files.exists(pickedFile.getParent()), "the directory it made is gone too");
        IllegalStateException closed = assertThrows(IllegalStateException.class, picked::accept);
        assertTrue(closed.getMessage().endsWith("is closed"), closed.getMessage());
    }

    @Test
    void aWrongKeyIsRefusedOnBothSidesAndTheListenerStaysUsable() throws Exception {
        try (Listener listener = new Listener(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY)) {
            CompletableFuture<Connection> intruder = async(() -> Client.connect(listener.address(),
                    "not the key".getBytes(StandardCharsets.UTF_8)));
            AuthenticationException refused = assertThrows(AuthenticationException.class, () -> listener.accept(WAIT));
            assertTrue(refused.getMessage().startsWith("wrong authkey: the answer of the client at 127.0.0.1:"),
                    refused.getMessage());
            ExecutionException e = assertThrows(ExecutionException.class, () -> intruder.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof AuthenticationException, String.valueOf(e.getCause()));
            CompletableFuture<Connection> friend = async(() -> Client.connect(listener.address(), KEY));
            try (Connection server = listener.accept(WAIT); Connection conn = friend.get(10, TimeUnit.SECONDS)) {
                server.send("welcome");
                assertEquals("welcome", conn.recv());
            }
        }
    }

    @Test
    void connectingWhereNothingListensNamesTheAddress() throws Exception {
        Path nobody = tmp.resolve("nobody.sock");
        ConnectException e = assertThrows(ConnectException.class,
                () -> Client.connect(UnixDomainSocketAddress.of(nobody), KEY));
        assertTrue(e.getMessage().startsWith("cannot connect to " + nobody + ": nothing listens there"), e.getMessage());
        InetSocketAddress free;
        try (Listener listener = new Listener(Listener.Family.AF_INET, KEY)) {
            free = (InetSocketAddress) listener.address();
        }
        ConnectException tcp = assertThrows(ConnectException.class, () -> Client.connect(free, KEY, WAIT));
        assertTrue(tcp.getMessage().contains(":" + free.getPort() + ": nothing listens there"), tcp.getMessage());
    }

    @Test
    void aPeerThatClosesEndsTheStreamAndAClosedConnectionRefusesUse() throws Exception {
        try (Listener listener = new Listener(Listener.Family.AF_UNIX, KEY)) {
            CompletableFuture<Connection> client = async(() -> Client.connect(listener.address(), KEY));
            Connection server = listener.accept(WAIT);
            Connection conn = client.get(10, TimeUnit.SECONDS);
            server.sendBytes(new byte[] {1});
            server.close();
            server.close();
            assertArrayEquals(new byte[] {1}, conn.recvBytes(), "what was sent before the close arrives");
            EOFException eof = assertThrows(EOFException.class, conn::recv);
            assertTrue(eof.getMessage().endsWith("closed the connection"), eof.getMessage());
            assertTrue(conn.poll(), "the end is there: a receive does not wait");
            conn.close();
            for (Body<?> use : List.<Body<?>>of(() -> {
                conn.sendBytes(new byte[1]);
                return null;
            }, conn::recvBytes, () -> conn.poll(WAIT))) {
                IllegalStateException closed = assertThrows(IllegalStateException.class, use::run);
                assertTrue(closed.getMessage().endsWith("is closed"), closed.getMessage());
            }
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> server.send("late"));
            assertTrue(closed.getMessage().endsWith("is closed"), closed.getMessage());
        }
    }

    @Test
    void badInputFailsClearlyAndTheConnectionStaysUsable() throws Exception {
        assertThrows(NullPointerException.class, () -> new Listener(Listener.Family.AF_INET, null));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), new byte[0]));
        assertTrue(empty.getMessage().startsWith("the authkey is empty"), empty.getMessage());
        Path taken = tmp.resolve("taken.sock");
        try (Listener listener = new Listener(UnixDomainSocketAddress.of(taken), KEY)) {
            BindException inUse = assertThrows(BindException.class,
                    () -> new Listener(UnixDomainSocketAddress.of(taken), KEY));
            assertTrue(inUse.getMessage().startsWith("cannot listen at " + taken), inUse.getMessage());
            SocketTimeoutException nobody = assertThrows(SocketTimeoutException.class,
                    () -> listener.accept(Duration.ofMillis(50)));
            assertTrue(nobody.getMessage().startsWith("no client connected to " + taken), nobody.getMessage());

            CompletableFuture<Connection> client = async(() -> Client.connect(listener.address(), KEY));
            try (Connection server = listener.accept(WAIT); Connection conn = client.get(10, TimeUnit.SECONDS)) {
                IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
                        () -> conn.sendBytes(new byte[Payloads.MAX_BYTES + 1]));
                assertTrue(tooLarge.getMessage().contains("larger than the limit of 67108864 bytes (64 MiB)"),
                        tooLarge.getMessage());
                IllegalArgumentException notSerializable = assertThrows(IllegalArgumentException.class,
                        () -> conn.send(new Object()));
                assertTrue(notSerializable.getMessage().contains("java.lang.Object"), notSerializable.getMessage());
                IllegalArgumentException socketToChild = assertThrows(IllegalArgumentException.class,
                        () -> conn.send(List.of(server)));
                assertTrue(socketToChild.getMessage().contains("is a socket of this process and cannot be sent to"
                        + " another process"), socketToChild.getMessage());
                conn.sendBytes(new byte[] {(byte) 0x80, 4, 'K', '.'});
                IllegalStateException pickle = assertThrows(IllegalStateException.class, server::recv);
                assertTrue(pickle.getMessage().contains("a CPython pickle starts with 128")
                        && pickle.getMessage().endsWith("with recvBytes()"), pickle.getMessage());
                conn.send("still usable");
                assertEquals("still usable", server.recv());
            }
        }
    }

    @Test
    void anInterruptedAcceptOrReceiveLeavesEverythingUsable() throws Exception {
        try (Listener listener = new Listener(Listener.Family.AF_INET, KEY)) {
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, listener::accept);
            CompletableFuture<Connection> client = async(() -> Client.connect(listener.address(), KEY));
            try (Connection server = listener.accept(WAIT); Connection conn = client.get(10, TimeUnit.SECONDS)) {
                Thread.currentThread().interrupt();
                assertThrows(InterruptedException.class, conn::recv);
                server.send(7);
                assertEquals(7, (Integer) conn.recv());
            }
        }
    }
}
