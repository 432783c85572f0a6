package io.github.multiprocessing4j.internal.manager;

import io.github.multiprocessing4j.AuthenticationException;
import io.github.multiprocessing4j.internal.channel.CallRouter;
import io.github.multiprocessing4j.internal.channel.Calls;
import io.github.multiprocessing4j.internal.connection.MessageSocket;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.io.Closeable;
import java.io.IOException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection to a manager served by another JVM: Python's {@code BaseManager.connect()}. The
 * connections of this JVM to one server are the route of every call on that JVM's shared objects
 * from this process and its children ({@link SharedObjects#addRoute}), so the proxies and handles
 * a client gets are the same classes as a local manager's. Once the connection ends (the server
 * shut down or died, or this client closed it), its calls fail with {@link IllegalStateException};
 * none waits for ever. A call on the server's objects goes through a live connection to it, and
 * fails with the reason the last one ended once none is left.
 */
public final class ManagerClient implements CallRouter, Closeable {

    /** By server JVM token: this JVM's connections to that server. */
    private static final Map<String, ServerRoute> ROUTES = new ConcurrentHashMap<>();

    private final ManagerWire wire;
    private final SocketAddress address;
    private final String managerId;
    private final String token;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Calls.Reply>> pending = new ConcurrentHashMap<>();
    private volatile String ended;

    private ManagerClient(ManagerWire wire, SocketAddress address, String managerId) {
        this.wire = wire;
        this.address = address;
        this.managerId = managerId;
        this.token = SharedObjects.tokenOf(managerId);
    }

    /**
     * Connects to a manager server and proves the key.
     *
     * @param address the server's address
     * @param key the server's key
     * @return the connected client, routing the server's objects
     * @throws ConnectException if nothing listens there (naming the address)
     * @throws AuthenticationException if the keys differ, or the peer does not speak the protocol
     * @throws IOException if the peer is not a manager server, or the connection fails
     * @throws InterruptedException if interrupted while connecting
     */
    public static ManagerClient connect(SocketAddress address, byte[] key) throws IOException, InterruptedException {
        ManagerWire wire = ManagerWire.connect(address);
        String managerId;
        try {
            wire.authenticateServer(key);
            byte[] hello = wire.receive(1024, ManagerWire.HANDSHAKE_NANOS);
            if (hello.length < 2 || hello[0] != ManagerWire.HELLO) {
                throw new IOException(wire.peer() + " is a multiprocessing Listener, not a manager server:"
                        + " it sent no manager greeting");
            }
            managerId = new String(hello, 1, hello.length - 1, StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            wire.close();
            throw new IOException(wire.peer() + " is a multiprocessing Listener, not a manager server:"
                    + " it sent no manager greeting", e);
        } catch (EOFException e) {
            wire.close();
            throw new IOException(wire.peer() + " closed the connection after the challenge: is it a manager server?", e);
        } catch (IOException | RuntimeException | InterruptedException e) {
            wire.close();
            throw e;
        }
        ManagerClient client = new ManagerClient(wire, address, managerId);
        if (!client.token.equals(SharedObjects.jvmToken())) {
            // (a server in this JVM hosts its objects here: calls on them never take the wire)
            ROUTES.computeIfAbsent(client.token, token -> {
                ServerRoute route = new ServerRoute();
                SharedObjects.addRoute(token, route);
                return route;
            }).live.add(client);
        }
        Thread reader = new Thread(client::read, "multiprocessing4j-manager-connection");
        reader.setDaemon(true);
        reader.start();
        return client;
    }

    /**
     * The served manager's shared object id.
     *
     * @return the id
     */
    public String managerId() {
        return managerId;
    }

    /**
     * The server's address.
     *
     * @return the address given to {@link #connect}
     */
    public SocketAddress address() {
        return address;
    }

    private void read() {
        String reason = "the manager server at " + address + " has gone: it shut down, died or closed the connection";
        try {
            while (true) {
                byte[] message = wire.receive(ManagerWire.MAX_MESSAGE, MessageSocket.FOREVER);
                if (message[0] != ManagerWire.REPLY) {
                    throw new IOException("an unexpected message from the manager server");
                }
                Calls.Reply reply = Calls.decodeReply(java.util.Arrays.copyOfRange(message, 1, message.length));
                CompletableFuture<Calls.Reply> waiting = pending.remove(reply.id());
                if (waiting != null) {
                    waiting.complete(reply);
                }
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            end(reason);
        }
    }

    private void end(String reason) {
        if (ended == null) {
            ended = reason;
        }
        ServerRoute route = ROUTES.get(token);
        if (route != null) {
            // the route stays: a proxy used from now on fails with this reason, not as an unknown object
            route.lastEnded = ended;
            route.live.remove(this);
        }
        wire.close();
        IllegalStateException failure = new IllegalStateException(ended);
        for (Long id : pending.keySet()) {
            CompletableFuture<Calls.Reply> waiting = pending.remove(id);
            if (waiting != null) {
                waiting.completeExceptionally(failure);
            }
        }
    }

    @Override
    public Object call(String objectId, int op, Object[] args, String caller) throws Exception {
        return call(objectId, op, args, caller, true);
    }

    @Override
    public Object callUninterruptibly(String objectId, int op, Object[] args, String caller) throws Exception {
        return call(objectId, op, args, caller, false);
    }

    private Object call(String objectId, int op, Object[] args, String caller, boolean interruptible)
            throws Exception {
        String reason = ended;
        if (reason != null) {
            throw new IllegalStateException(reason);
        }
        long id = ids.incrementAndGet();
        CompletableFuture<Calls.Reply> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            wire.send(ManagerWire.CALL, Calls.encodeCall(id, objectId, op, args, caller));
        } catch (IOException | IllegalStateException e) {
            pending.remove(id);
            end("the manager server at " + address + " has gone: " + e.getMessage());
            throw new IllegalStateException(ended, e);
        }
        if (ended != null) {
            // ended between the check and the registration: end() may have missed this call
            pending.remove(id);
            throw new IllegalStateException(ended);
        }
        Calls.Reply answer;
        try {
            answer = Calls.await(reply, interruptible);
        } catch (InterruptedException e) {
            pending.remove(id);
            try {
                wire.send(ManagerWire.CANCEL, Calls.encodeCancel(id));
            } catch (IOException | IllegalStateException ignored) {
                // the connection is gone: nothing runs there any more
            }
            throw e;
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
        if (answer.failure() != null) {
            throw answer.failure();
        }
        return answer.value();
    }

    @Override
    public void post(String objectId, int op, Object[] args, String caller) throws Exception {
        call(objectId, op, args, caller);
    }

    @Override
    public void callerGone(String caller, boolean killed) {
        if (ended == null) {
            try {
                wire.send(ManagerWire.GONE, Calls.encodeGone(caller, killed));
            } catch (IOException | IllegalStateException e) {
                // the connection is gone, and with it what this process held there
            }
        }
    }

    /** Closes the connection: the server releases what this process held, and its proxies fail here. */
    @Override
    public void close() {
        end("this connection to the manager server at " + address + " was closed");
    }

    /**
     * The route to one server's objects: the first of this JVM's live connections to it. A caller
     * (a child) that ends is announced on every live connection, so that each releases what the
     * caller held through it.
     */
    private static final class ServerRoute implements CallRouter {
        final List<ManagerClient> live = new CopyOnWriteArrayList<>();
        volatile String lastEnded = "this process has no connection to the manager server";

        private ManagerClient connection() {
            for (ManagerClient client : live) {
                if (client.ended == null) {
                    return client;
                }
            }
            throw new IllegalStateException(lastEnded);
        }

        @Override
        public Object call(String objectId, int op, Object[] args, String caller) throws Exception {
            return connection().call(objectId, op, args, caller);
        }

        @Override
        public Object callUninterruptibly(String objectId, int op, Object[] args, String caller) throws Exception {
            return connection().callUninterruptibly(objectId, op, args, caller);
        }

        @Override
        public void post(String objectId, int op, Object[] args, String caller) throws Exception {
            connection().call(objectId, op, args, caller);
        }

        @Override
        public void callerGone(String caller, boolean killed) {
            for (ManagerClient client : live) {
                client.callerGone(caller, killed);
            }
        }
    }
}
