package io.github.multiprocessing4j.internal.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.AuthenticationException;
import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Listener;
import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.shared.HostedQueue;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager server and its client in one JVM, the client's calls made on it directly (through
 * the shared objects, a call on an object hosted here never takes the wire).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ManagerServerTest {

    private static final byte[] KEY = "the key".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private static String hostManager() {
        return SharedObjects.host(new ManagerState("Test", (kind, args) -> {
            throw new IllegalArgumentException("no " + kind);
        }));
    }

    @Test
    void aClientCallsTheServersObjectsOverTcpAndFailsClearlyOnceTheServerHasClosed() throws Exception {
        String managerId = hostManager();
        ManagerServer server = ManagerServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY,
                managerId, "Test");
        ManagerClient client = ManagerClient.connect(server.address(), KEY);
        try {
            assertEquals(managerId, client.managerId());
            assertEquals("Test", client.call(managerId, ManagerState.NAME, new Object[0], ""));
            String dict = (String) client.call(managerId, ManagerState.NEW,
                    new Object[] {ManagerState.DICT, "d", null}, "");
            Object put = client.call(managerId, ManagerState.CALL,
                    new Object[] {dict, Methods.PUT, Payloads.serialize(new java.util.ArrayList<>(List.of("k", 7)))}, "");
            assertEquals(null, Payloads.deserialize((byte[]) put));
            Object got = client.call(managerId, ManagerState.CALL,
                    new Object[] {dict, Methods.GET, Payloads.serialize(new java.util.ArrayList<>(List.of("k")))}, "");
            assertEquals(7, Payloads.deserialize((byte[]) got));
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> client.call(managerId, 99, new Object[0], ""), "an exception crosses as itself");
            assertTrue(unknown.getMessage().contains("99"), unknown.getMessage());

            // a call that waits in the server when it closes wakes with the end of the connection
            String queue = SharedObjects.host(new HostedQueue(0));
            CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.call(queue, HostedQueue.GET, new Object[] {-1L}, "");
                } catch (Exception e) {
                    return e;
                }
            });
            Thread.sleep(200);
            assertFalse(waiting.isDone(), "the get waits in the server");
            server.close();
            Object ended = waiting.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, ended);
            assertTrue(((Exception) ended).getMessage().contains("has gone"), ((Exception) ended).getMessage());
            IllegalStateException after = assertThrows(IllegalStateException.class,
                    () -> client.call(managerId, ManagerState.NAME, new Object[0], ""));
            assertTrue(after.getMessage().contains(String.valueOf(server.address())), after.getMessage());
        } finally {
            client.close();
            server.close();
            SharedObjects.router().call(managerId, ManagerState.SHUTDOWN, new Object[0], "local");
        }
    }

    @Test
    void aWrongKeyIsRefusedOnTheClientAndTheServerGoesOnServingOverAUnixSocket() throws Exception {
        String managerId = hostManager();
        Path socket = tmp.resolve("s.sock");
        ManagerServer server = ManagerServer.start(UnixDomainSocketAddress.of(socket), KEY, managerId, "Test");
        try {
            AuthenticationException wrong = assertThrows(AuthenticationException.class,
                    () -> ManagerClient.connect(server.address(), "another key".getBytes(StandardCharsets.UTF_8)));
            assertTrue(wrong.getMessage().contains("authkeys differ"), wrong.getMessage());
            ManagerClient client = ManagerClient.connect(server.address(), KEY);
            assertEquals("Test", client.call(managerId, ManagerState.NAME, new Object[0], ""));
            client.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> client.call(managerId, ManagerState.NAME, new Object[0], ""));
            assertTrue(closed.getMessage().contains("was closed"), closed.getMessage());
        } finally {
            server.close();
        }
        assertFalse(Files.exists(socket), "the socket file is removed");
        ConnectException nobody = assertThrows(ConnectException.class,
                () -> ManagerClient.connect(UnixDomainSocketAddress.of(socket), KEY));
        assertTrue(nobody.getMessage().contains(socket.toString()), nobody.getMessage());
    }

    @Test
    void aListenerThatIsNotAManagerServerIsNamedAsSuch() throws Exception {
        try (Listener listener = new Listener(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY)) {
            CompletableFuture<Object> accepted = CompletableFuture.supplyAsync(() -> {
                try (Connection connection = listener.accept()) {
                    connection.sendBytes("hello from a plain listener".getBytes(StandardCharsets.UTF_8));
                    return connection.poll(Duration.ofSeconds(20));
                } catch (Exception e) {
                    return e;
                }
            });
            IOException notAManager = assertThrows(IOException.class,
                    () -> ManagerClient.connect(listener.address(), KEY));
            assertTrue(notAManager.getMessage().contains("not a manager server"), notAManager.getMessage());
            accepted.get(20, TimeUnit.SECONDS);
        }
    }
}
