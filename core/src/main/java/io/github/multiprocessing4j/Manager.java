package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.manager.DictProxy;
import io.github.multiprocessing4j.internal.manager.ListProxy;
import io.github.multiprocessing4j.internal.manager.ManagerCalls;
import io.github.multiprocessing4j.internal.manager.ManagerClient;
import io.github.multiprocessing4j.internal.manager.ManagerServer;
import io.github.multiprocessing4j.internal.manager.ManagerState;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Python's {@code multiprocessing.Manager()} ({@code SyncManager}): dicts, lists and namespaces
 * whose state lives in one process (the manager's) and which every process of the tree reads and
 * writes through proxies, plus the shared objects of core (queues, locks, ...) made by the
 * manager. {@code try (Manager manager = new Manager()) { ... }} is Python's
 * {@code with Manager() as manager:}.
 *
 * <h2>Proxies</h2>
 * {@link #dict()} returns a {@link ConcurrentMap}, {@link #list()} a {@link List}, and
 * {@link #namespace()} a {@link Namespace}. They are serializable: pass them to children by
 * capturing them in their targets, or put them on a queue or into another proxy. Each method is
 * one atomic call on the manager (SPEC M7); a compound update is atomic with the map's
 * {@code merge}/{@code compute} (they retry on {@code replace(key, old, new)}) or under a manager
 * {@link #lock()}. Values are copied in and out, as in Python: {@code dict.get("k").add(x)}
 * changes a copy, not the dict; write the changed value back with {@code put}, or store a proxy
 * ({@code dict.put("k", manager.list())}): a proxy taken out of a proxy is a proxy of the same
 * object, so it writes through (Python's nested proxies). Iteration, streams, {@code keySet()},
 * {@code values()}, {@code entrySet()}, {@code toString()}, {@code equals} and {@code hashCode}
 * work on a snapshot taken in one call; the views and iterators are unmodifiable
 * ({@code iterator().remove()} throws {@link UnsupportedOperationException}). A list's
 * {@code sort}, {@code replaceAll} and {@code removeIf} run in the manager: their comparator,
 * operator or predicate must be serializable. A value that cannot be serialized fails in the
 * caller with {@link IllegalArgumentException} naming its class, and the proxy stays usable (SPEC
 * M2).
 *
 * <h2>Where the state lives</h2>
 * Python starts a server process; here the state lives in the process that created the manager
 * (a child may create one, for its own descendants), like every shared object of core. After
 * {@link #shutdown()} every proxy and every object the manager made fails with
 * {@link IllegalStateException} ("the manager ... has shut down"), in every process, threads
 * waiting in them wake with it, and the state is released. Once the managing process has ended
 * (killed, say), they fail alike, saying that it has gone; nothing waits for ever. Objects live
 * until their manager shuts down (Python frees each when its last proxy is gone).
 *
 * <h2>Server mode</h2>
 * Python's {@code BaseManager(address, authkey)} with {@code get_server().serve_forever()} and
 * {@code connect()}: {@link #server(SocketAddress, byte[])} serves a manager on a TCP address (or
 * a Unix domain socket file), and unrelated JVMs reach it with {@link #connect(SocketAddress,
 * byte[])}, given the address and the key. Both sides prove the key by CPython's mutual HMAC
 * challenge ({@code multiprocessing.connection}'s, SPEC M8) before anything else crosses; a client
 * with the wrong key gets an {@link AuthenticationException} (the server logs one line and goes on
 * serving). Clients find the server's objects by name: {@code dict("jobs")} on the server and on
 * every client are proxies of one map (Python: {@code register(typeid)} and
 * {@code get_<typeid>()}). Proxies a client gets work in the client's children too. The calls
 * are this library's own messages (Java clients only), on {@code multiprocessing.connection}'s
 * framing.
 */
public final class Manager implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;
    private final String managerId;
    private final ManagerServer server;
    private final ManagerClient client;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean shutDown;

    /** A manager whose state lives in this process: Python's {@code Manager()}. */
    public Manager() {
        this.name = "Manager-" + COUNTER.incrementAndGet();
        this.managerId = SharedObjects.host(new ManagerState(name, Manager::make));
        this.server = null;
        this.client = null;
    }

    private Manager(String name, String managerId, ManagerServer server, ManagerClient client) {
        this.name = name;
        this.managerId = managerId;
        this.server = server;
        this.client = client;
    }

    /**
     * A manager whose state lives in this process and which unrelated JVMs reach at
     * {@code address} with {@code authkey}: Python's {@code BaseManager(address, authkey)} and
     * its server. It serves from now on, on daemon threads; {@link #serveForever()} waits until
     * it shuts down.
     *
     * @param address an {@link java.net.InetSocketAddress} (port 0 picks a free port; prefer a
     *     loopback or private address, the key is the only guard) or a
     *     {@link java.net.UnixDomainSocketAddress} (a socket file that must not exist yet)
     * @param authkey the key clients must prove they know: at least one byte, best 32 random ones
     * @return the serving manager; {@link #address()} says where it listens
     * @throws IOException if it cannot listen there (the message names the address)
     * @throws IllegalArgumentException if the key is empty
     */
    public static Manager server(SocketAddress address, byte[] authkey) throws IOException {
        Objects.requireNonNull(address, "address");
        byte[] key = checkedKey(authkey);
        String name = "Manager-" + COUNTER.incrementAndGet();
        String id = SharedObjects.host(new ManagerState(name, Manager::make));
        ManagerServer server;
        try {
            server = ManagerServer.start(address, key, id, name);
        } catch (IOException | RuntimeException e) {
            Shared.quickCall(id, ManagerState.SHUTDOWN);
            throw e;
        }
        return new Manager(name, id, server, null);
    }

    /**
     * Connects to a manager served by another JVM: Python's {@code BaseManager(address,
     * authkey).connect()}. The proxies it returns are proxies of the server's objects.
     *
     * @param address where the server listens
     * @param authkey the server's key
     * @return a manager connected to the server
     * @throws java.net.ConnectException if nothing listens at the address (naming it)
     * @throws AuthenticationException if the keys differ (Python's {@code AuthenticationError}),
     *     or the peer does not speak the protocol
     * @throws IOException if the peer is not a manager server, or the connection fails
     * @throws InterruptedException if interrupted while connecting or waiting for the server
     * @throws IllegalArgumentException if the key is empty
     */
    public static Manager connect(SocketAddress address, byte[] authkey) throws IOException, InterruptedException {
        Objects.requireNonNull(address, "address");
        ManagerClient client = ManagerClient.connect(address, checkedKey(authkey));
        return new Manager("Manager(" + address + ")", client.managerId(), null, client);
    }

    private static byte[] checkedKey(byte[] authkey) {
        Objects.requireNonNull(authkey, "authkey");
        if (authkey.length == 0) {
            throw new IllegalArgumentException("authkey is empty: give the manager's key, at least one byte"
                    + " (best 32 random ones)");
        }
        return authkey.clone();
    }

    /** Makes the shared objects the manager hands out, in the process that hosts it. */
    private static Object make(String kind, List<?> args) {
        switch (kind) {
            case "queue":
                // a manager's queue is reached through calls to the manager, as Python's proxy is:
                // so its users learn that the manager shut down (SPEC M7), which a ring cannot say
                return new Queue<>((Integer) args.get(0), false);
            case "joinablequeue":
                return new JoinableQueue<>((Integer) args.get(0), false);
            case "lock":
                return new Lock();
            case "rlock":
                return new RLock();
            case "semaphore":
                return new Semaphore((Integer) args.get(0));
            case "boundedsemaphore":
                return new BoundedSemaphore((Integer) args.get(0));
            case "event":
                return new Event();
            case "condition":
                return new Condition();
            case "barrier":
                return new Barrier((Integer) args.get(0));
            default:
                throw new IllegalArgumentException("a manager makes no " + kind);
        }
    }

    /**
     * The manager's name, for messages: {@code Manager-1}, or the server's address for a client.
     *
     * @return the name, never null
     */
    public String name() {
        return name;
    }

    /**
     * Where the manager is served: the bound address of a {@linkplain #server server} (with the
     * port it picked), the server's address for a {@linkplain #connect client}.
     *
     * @return the address; empty for a manager that only this process tree reaches
     */
    public Optional<SocketAddress> address() {
        if (server != null) {
            return Optional.of(server.address());
        }
        return client == null ? Optional.empty() : Optional.of(client.address());
    }

    /**
     * Waits until this server shuts down: Python's {@code get_server().serve_forever()}. Another
     * thread ends it with {@link #shutdown()}.
     *
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if this manager is not a server
     */
    public void serveForever() throws InterruptedException {
        if (server == null) {
            throw new IllegalStateException(name + " is not a server: make one with Manager.server(address, authkey)");
        }
        ended.await();
    }

    /**
     * A new, empty dict: Python's {@code manager.dict()}.
     *
     * @param <K> the keys' type
     * @param <V> the values' type
     * @return its proxy, serializable
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public <K, V> ConcurrentMap<K, V> dict() {
        return new DictProxy<>(managerId, ManagerCalls.create(managerId, ManagerState.DICT, null, null));
    }

    /**
     * A new dict holding copies of {@code contents}: Python's {@code manager.dict(mapping)}.
     *
     * @param contents the first keys and values, in their iteration order
     * @param <K> the keys' type
     * @param <V> the values' type
     * @return its proxy, serializable
     * @throws IllegalArgumentException if a key or value cannot be serialized (naming its class)
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public <K, V> ConcurrentMap<K, V> dict(Map<? extends K, ? extends V> contents) {
        return new DictProxy<>(managerId,
                ManagerCalls.create(managerId, ManagerState.DICT, null, new LinkedHashMap<>(contents)));
    }

    /**
     * The manager's dict of that name, made empty on first use: every process and every
     * {@linkplain #connect client} that asks for the name gets a proxy of the same dict.
     *
     * @param name the dict's name
     * @param <K> the keys' type
     * @param <V> the values' type
     * @return its proxy, serializable
     * @throws IllegalArgumentException if the name is taken by an object of another kind
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public <K, V> ConcurrentMap<K, V> dict(String name) {
        Objects.requireNonNull(name, "name");
        return new DictProxy<>(managerId, ManagerCalls.create(managerId, ManagerState.DICT, name, null));
    }

    /**
     * A new, empty list: Python's {@code manager.list()}.
     *
     * @param <E> the elements' type
     * @return its proxy, serializable
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public <E> List<E> list() {
        return new ListProxy<>(managerId, ManagerCalls.create(managerId, ManagerState.LIST, null, null));
    }

    /**
     * A new list holding copies of {@code contents}: Python's {@code manager.list(sequence)}.
     *
     * @param contents the first elements
     * @param <E> the elements' type
     * @return its proxy, serializable
     * @throws IllegalArgumentException if an element cannot be serialized (naming its class)
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public <E> List<E> list(Collection<? extends E> contents) {
        return new ListProxy<>(managerId,
                ManagerCalls.create(managerId, ManagerState.LIST, null, new ArrayList<>(contents)));
    }

    /**
     * The manager's list of that name, made empty on first use (see {@link #dict(String)}).
     *
     * @param name the list's name
     * @param <E> the elements' type
     * @return its proxy, serializable
     * @throws IllegalArgumentException if the name is taken by an object of another kind
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public <E> List<E> list(String name) {
        Objects.requireNonNull(name, "name");
        return new ListProxy<>(managerId, ManagerCalls.create(managerId, ManagerState.LIST, name, null));
    }

    /**
     * A new namespace without attributes: Python's {@code manager.Namespace()}.
     *
     * @return its proxy, serializable
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public Namespace namespace() {
        return new Namespace(managerId, ManagerCalls.create(managerId, ManagerState.NAMESPACE, null, null));
    }

    /**
     * The manager's namespace of that name, made on first use (see {@link #dict(String)}).
     *
     * @param name the namespace's name
     * @return its proxy, serializable
     * @throws IllegalArgumentException if the name is taken by an object of another kind
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public Namespace namespace(String name) {
        Objects.requireNonNull(name, "name");
        return new Namespace(managerId, ManagerCalls.create(managerId, ManagerState.NAMESPACE, name, null));
    }

    /**
     * A new unbounded queue in the manager's process: Python's {@code manager.Queue()}.
     *
     * @param <T> the messages' type
     * @return the queue, serializable; it fails once the manager has shut down
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public <T> Queue<T> queue() {
        return queue(0);
    }

    /**
     * A new queue of at most {@code maxSize} messages: Python's {@code manager.Queue(maxsize)}.
     *
     * @param maxSize the bound; 0 or less means unbounded
     * @param <T> the messages' type
     * @return the queue, serializable; it fails once the manager has shut down
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    @SuppressWarnings("unchecked")
    public <T> Queue<T> queue(int maxSize) {
        return (Queue<T>) ManagerCalls.createHandle(managerId, "queue", null, maxSize);
    }

    /**
     * The manager's unbounded queue of that name, made on first use (see {@link #dict(String)}):
     * how a server and its clients share a queue of jobs.
     *
     * @param name the queue's name
     * @param <T> the messages' type
     * @return the queue, serializable; it fails once the manager has shut down
     * @throws IllegalArgumentException if the name is taken by an object of another kind
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    @SuppressWarnings("unchecked")
    public <T> Queue<T> queue(String name) {
        Objects.requireNonNull(name, "name");
        return (Queue<T>) ManagerCalls.createHandle(managerId, "queue", name, 0);
    }

    /**
     * A new joinable queue: Python's {@code manager.JoinableQueue(maxsize)}.
     *
     * @param maxSize the bound; 0 or less means unbounded
     * @param <T> the messages' type
     * @return the queue, serializable; it fails once the manager has shut down
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    @SuppressWarnings("unchecked")
    public <T> JoinableQueue<T> joinableQueue(int maxSize) {
        return (JoinableQueue<T>) ManagerCalls.createHandle(managerId, "joinablequeue", null, maxSize);
    }

    /**
     * A new lock: Python's {@code manager.Lock()}.
     *
     * @return the lock, serializable; it fails once the manager has shut down
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public Lock lock() {
        return (Lock) ManagerCalls.createHandle(managerId, "lock", null);
    }

    /**
     * A new reentrant lock: Python's {@code manager.RLock()}.
     *
     * @return the lock, serializable; it fails once the manager has shut down
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public RLock rLock() {
        return (RLock) ManagerCalls.createHandle(managerId, "rlock", null);
    }

    /**
     * A new semaphore: Python's {@code manager.Semaphore(value)}.
     *
     * @param value its initial value, at least 0
     * @return the semaphore, serializable; it fails once the manager has shut down
     * @throws IllegalArgumentException if the value is negative
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public Semaphore semaphore(int value) {
        return (Semaphore) ManagerCalls.createHandle(managerId, "semaphore", null, value);
    }

    /**
     * A new bounded semaphore: Python's {@code manager.BoundedSemaphore(value)}.
     *
     * @param value its initial and largest value, at least 0
     * @return the semaphore, serializable; it fails once the manager has shut down
     * @throws IllegalArgumentException if the value is negative
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public BoundedSemaphore boundedSemaphore(int value) {
        return (BoundedSemaphore) ManagerCalls.createHandle(managerId, "boundedsemaphore", null, value);
    }

    /**
     * A new event: Python's {@code manager.Event()}.
     *
     * @return the event, serializable; it fails once the manager has shut down
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public Event event() {
        return (Event) ManagerCalls.createHandle(managerId, "event", null);
    }

    /**
     * A new condition with its own lock: Python's {@code manager.Condition()}.
     *
     * @return the condition, serializable; it fails once the manager has shut down
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public Condition condition() {
        return (Condition) ManagerCalls.createHandle(managerId, "condition", null);
    }

    /**
     * A new barrier: Python's {@code manager.Barrier(parties)}.
     *
     * @param parties how many waiters it releases at once, at least 1
     * @return the barrier, serializable; it fails once the manager has shut down
     * @throws IllegalArgumentException if {@code parties} is less than 1
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public Barrier barrier(int parties) {
        return (Barrier) ManagerCalls.createHandle(managerId, "barrier", null, parties);
    }

    /**
     * Whether {@link #shutdown()} was called here.
     *
     * @return true once shut down (or, for a client, disconnected)
     */
    public boolean isShutdown() {
        return shutDown;
    }

    /**
     * Shuts the manager down: Python's {@code shutdown()}. For a manager of this process (and a
     * server), its state is released, and every proxy and every object it made fails from now on,
     * in every process and client, with {@link IllegalStateException}; a server stops listening
     * and drops its clients. For a {@linkplain #connect client}, the connection closes (the server
     * goes on serving the others) and the proxies it gave fail here. Calling it again does
     * nothing.
     */
    public void shutdown() {
        if (shutDown) {
            return;
        }
        shutDown = true;
        try {
            if (client != null) {
                client.close();
            } else {
                if (server != null) {
                    server.close();
                }
                Shared.quickCall(managerId, ManagerState.SHUTDOWN);
                // what stays of the state in this JVM: its failure
                SharedObjects.retire(managerId, ManagerState.shutDownMessage(name));
            }
        } finally {
            ended.countDown();
        }
    }

    /** {@link #shutdown()}: the end of Python's {@code with Manager() as manager:}. */
    @Override
    public void close() {
        shutdown();
    }

    @Override
    public String toString() {
        String where = server != null ? "serving at " + server.address()
                : client != null ? "connected" : "in this process";
        return "<Manager(" + name + ", " + where + (shutDown ? ", shut down" : "") + ")>";
    }
}
