package io.github.multiprocessing4j.internal.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.shared.HostedQueue;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
            IOException wrong = assertThrows(IOException.class,
                    () -> ManagerClient.connect(server.address(), "another key".getBytes(StandardCharsets.UTF_8)));
            assertTrue(wrong.getMessage().contains("wrong authkey"), wrong.getMessage());
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
    void aServerThatDoesNotKnowTheKeyIsRefusedByTheClient() throws Exception {
        String managerId = hostManager();
        ManagerServer server = ManagerServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY,
                managerId, "Test");
        try (ServerSocket impostor = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // an impostor relays the real server's challenge but cannot answer the client's
            CompletableFuture<Void> relay = CompletableFuture.runAsync(() -> {
                try (Socket victim = impostor.accept();
                        Socket real = new Socket(InetAddress.getLoopbackAddress(),
                                ((InetSocketAddress) server.address()).getPort())) {
                    byte[] challenge = real.getInputStream().readNBytes(4 + 11 + 32);
                    OutputStream toVictim = victim.getOutputStream();
                    toVictim.write(challenge);
                    byte[] answer = victim.getInputStream().readNBytes(4 + 32);
                    real.getOutputStream().write(answer);
                    byte[] welcome = real.getInputStream().readNBytes(4 + 9);
                    toVictim.write(welcome);
                    victim.getInputStream().readNBytes(4 + 11 + 32);
                    byte[] forged = new byte[4 + 32];
                    forged[3] = 32;
                    toVictim.write(forged);
                    victim.getInputStream().readNBytes(4 + 9);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            IOException refused = assertThrows(IOException.class, () -> ManagerClient.connect(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), impostor.getLocalPort()), KEY));
            assertTrue(refused.getMessage().contains("does not know the key"), refused.getMessage());
            try {
                relay.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // the client closed the connection after refusing: the impostor's last read may fail
            }
        } finally {
            server.close();
        }
    }
}
