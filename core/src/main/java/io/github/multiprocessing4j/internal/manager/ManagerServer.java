package io.github.multiprocessing4j.internal.manager;

import io.github.multiprocessing4j.AuthenticationException;
import io.github.multiprocessing4j.internal.channel.CallRouter;
import io.github.multiprocessing4j.internal.channel.Calls;
import io.github.multiprocessing4j.internal.channel.ControlServer;
import io.github.multiprocessing4j.internal.connection.MessageSocket;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A manager served on a TCP address: Python's {@code BaseManager(address, authkey)} with
 * {@code get_server().serve_forever()}. Each client proves it knows the key (and the server that
 * it does) by CPython's challenge before anything else is read; a client with the wrong key is refused with one log
 * line and the server goes on serving. An authenticated client calls the manager's objects, and
 * every shared object this JVM hosts, as a child of this process would; what it held (a lock)
 * is released when its connection ends.
 */
public final class ManagerServer implements Closeable {

    private static final AtomicLong CLIENTS = new AtomicLong();

    private final ServerSocketChannel listener;
    private final SocketAddress address;
    private final byte[] key;
    private final String managerId;
    private final String name;
    private final Set<ManagerWire> connections = ConcurrentHashMap.newKeySet();
    private final ExecutorService calls;
    private volatile boolean closed;

    private ManagerServer(ServerSocketChannel listener, byte[] key, String managerId, String name) throws IOException {
        this.listener = listener;
        this.address = listener.getLocalAddress();
        this.key = key.clone();
        this.managerId = managerId;
        this.name = name;
        this.calls = Executors.newCachedThreadPool(ControlServer.daemonThreads("multiprocessing4j-manager-calls"));
    }

    /**
     * Starts serving a manager.
     *
     * @param address where to listen: an {@link java.net.InetSocketAddress} (port 0 picks a free
     *     port) or a {@link UnixDomainSocketAddress} (a socket file, which must not exist yet)
     * @param key the key clients must know
     * @param managerId the manager's shared object id
     * @param name the manager's name, for threads and messages
     * @return the running server
     * @throws IOException if the address cannot be bound (naming it)
     */
    public static ManagerServer start(SocketAddress address, byte[] key, String managerId, String name)
            throws IOException {
        ServerSocketChannel listener = address instanceof UnixDomainSocketAddress
                ? ServerSocketChannel.open(StandardProtocolFamily.UNIX) : ServerSocketChannel.open();
        try {
            listener.bind(address);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw new IOException("cannot listen at " + address + ": " + e, e);
        }
        ManagerServer server = new ManagerServer(listener, key, managerId, name);
        Thread acceptor = new Thread(server::accept, "multiprocessing4j-manager-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    /**
     * Where the server listens, with the port it picked.
     *
     * @return the bound address
     */
    public SocketAddress address() {
        return address;
    }

    private void accept() {
        while (!closed) {
            SocketChannel socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    Log.LOGGER.warn("manager {} stopped accepting clients: {}", name, e.toString());
                }
                return;
            }
            String caller = "manager-client-" + CLIENTS.incrementAndGet();
            Thread serving = new Thread(() -> serve(socket, caller), "multiprocessing4j-" + caller);
            serving.setDaemon(true);
            serving.start();
        }
    }

    /** Serves one client, whose calls are made as {@code caller}. */
    private void serve(SocketChannel socket, String caller) {
        ManagerWire wire;
        try {
            wire = ManagerWire.accepted(socket, peerOf(socket));
        } catch (IOException e) {
            return;
        }
        connections.add(wire);
        if (closed) {
            // closed while this connection was being accepted: close() may have missed it
            wire.close();
        }
        Map<Long, Future<?>> running = new ConcurrentHashMap<>();
        boolean authenticated = false;
        try {
            wire.authenticateClient(key);
            authenticated = true;
            wire.send(ManagerWire.HELLO, managerId.getBytes(StandardCharsets.UTF_8));
            while (true) {
                byte[] message = wire.receive(ManagerWire.MAX_MESSAGE, MessageSocket.FOREVER);
                byte[] payload = java.util.Arrays.copyOfRange(message, 1, message.length);
                switch (message[0]) {
                    case ManagerWire.CALL:
                        call(wire, Calls.decodeCall(payload), caller, running);
                        break;
                    case ManagerWire.CANCEL: {
                        Future<?> call = running.remove(Calls.decodeCancel(payload));
                        if (call != null) {
                            call.cancel(true);
                        }
                        break;
                    }
                    case ManagerWire.GONE: {
                        Calls.Gone gone = Calls.decodeGone(payload);
                        SharedObjects.router().callerGone(caller + "/" + gone.caller(), gone.killed());
                        break;
                    }
                    default:
                        throw new IOException("a message of unknown type " + message[0]);
                }
            }
        } catch (AuthenticationException e) {
            if (!closed) {
                Log.LOGGER.warn("manager {} refused a client from {}: {}", name, wire.peer(), e.getMessage());
            }
        } catch (EOFException e) {
            // the client went away
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                Log.LOGGER.warn("manager {} dropped a client from {}: {}", name, wire.peer(), e.toString());
            }
        } catch (InterruptedException e) {
            // only this server's own threads run here: nobody else interrupts them
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(wire);
            wire.close();
            running.values().forEach(call -> call.cancel(true));
            if (authenticated) {
                // what it held is released, as for a killed child
                SharedObjects.router().callerGone(caller, true);
            }
        }
    }

    private void call(ManagerWire wire, Calls.Call call, String client, Map<Long, Future<?>> running) {
        String caller = call.onBehalfOf().isEmpty() ? client : client + "/" + call.onBehalfOf();
        CallRouter router = SharedObjects.router();
        if (!router.mayBlock(call.objectId(), call.op(), call.args())) {
            answer(wire, call, caller, router);
            return;
        }
        Future<?> future = calls.submit(() -> {
            try {
                answer(wire, call, caller, router);
            } finally {
                running.remove(call.id());
            }
        });
        running.put(call.id(), future);
        if (future.isDone()) {
            running.remove(call.id());
        }
    }

    private static void answer(ManagerWire wire, Calls.Call call, String caller, CallRouter router) {
        byte[] reply;
        try {
            reply = Calls.encodeReply(call.id(), router.call(call.objectId(), call.op(), call.args(), caller), null);
        } catch (Exception e) {
            reply = Calls.encodeReply(call.id(), null, e);
        }
        try {
            wire.send(ManagerWire.REPLY, reply);
        } catch (IOException | IllegalStateException e) {
            // the client is gone: its reader ends the connection
        }
    }

    /** Stops listening and drops every client: their proxies fail from now on. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing: nothing to do about it
        }
        for (ManagerWire wire : connections) {
            wire.close();
        }
        calls.shutdownNow();
        if (address instanceof UnixDomainSocketAddress unix) {
            try {
                Files.deleteIfExists(unix.getPath());
            } catch (IOException e) {
                Log.LOGGER.warn("manager {} could not remove its socket file {}: {}", name, unix.getPath(), e.toString());
            }
        }
    }

    private static String peerOf(SocketChannel socket) {
        try {
            SocketAddress remote = socket.getRemoteAddress();
            return remote instanceof UnixDomainSocketAddress ? "a local process" : String.valueOf(remote);
        } catch (IOException e) {
            return "a peer that has gone";
        }
    }

    /** The logger, made on first use. */
    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(ManagerServer.class);
    }
}
