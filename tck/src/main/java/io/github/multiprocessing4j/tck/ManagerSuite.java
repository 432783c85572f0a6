package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.AuthenticationException;
import io.github.multiprocessing4j.Barrier;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.Lock;
import io.github.multiprocessing4j.Manager;
import io.github.multiprocessing4j.Namespace;
import io.github.multiprocessing4j.Queue;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Python's {@code Manager()} / {@code SyncManager} and {@code BaseManager(address, authkey)}:
 * dicts, lists and namespaces whose state lives in the manager's process, reached through
 * serializable proxies from every process of the tree, and from unrelated JVMs that connect to
 * a manager server with its address and key (SPEC M7).
 */
public abstract class ManagerSuite extends TckSuite {

    private static final int INCREMENTS = 60;

    /** For subclasses. */
    protected ManagerSuite() {
    }

    private ChildProcess child(CheckedTarget target) {
        return started(CheckedTarget.unchecked(target));
    }

    /**
     * SPEC M7: a dict, a list and a namespace made by the parent's manager are written by a
     * child through proxies captured in its target, and the child reads what the parent wrote.
     * Observed in the parent: every write of the child; values are copies (a list taken from the
     * dict and changed does not change the dict, in the child or here); snapshots and their
     * iterators are unmodifiable; an index out of range and a missing attribute fail as Java's
     * collections and Python's {@code AttributeError} do.
     */
    @Test
    void m7_aDictAListAndANamespaceWrittenByAChildAreReadByTheParentAndValuesAreCopies() throws Exception {
        try (Manager manager = new Manager()) {
            ConcurrentMap<String, Object> dict = manager.dict(Map.of("fromParent", 1));
            List<Object> list = manager.list(List.of("p"));
            Namespace namespace = manager.namespace();
            namespace.set("x", 10);
            dict.put("nested", new ArrayList<>(List.of(1)));
            Queue<Object> reports = new Queue<>();
            ChildProcess child = child(() -> {
                reports.put(Arrays.asList(dict.get("fromParent"), list.get(0), namespace.get("x")));
                dict.put("fromChild", "测试");
                @SuppressWarnings("unchecked")
                List<Integer> nested = (List<Integer>) dict.get("nested");
                nested.add(2);
                list.add(Map.of("k", List.of(1, 2)));
                list.addAll(List.of(3, 4));
                namespace.set("y", "set by the child");
                namespace.set("x", (Integer) namespace.get("x") + 1);
                reports.put(dict.get("nested"));
            });
            assertEquals(List.of(1, "p", 10), next(reports), "the child reads what the parent wrote");
            assertEquals(List.of(1), next(reports), "changing a value taken from the dict changes a copy (Python alike)");
            assertEquals(0, exitCodeAfterJoin(child));

            assertEquals("测试", dict.get("fromChild"));
            assertEquals(Map.of("fromParent", 1, "nested", List.of(1), "fromChild", "测试"), dict);
            assertEquals(List.of("fromParent", "nested", "fromChild"), new ArrayList<>(dict.keySet()),
                    "the dict keeps insertion order, as Python's");
            assertEquals(List.of("p", Map.of("k", List.of(1, 2)), 3, 4), list);
            assertEquals(11, (Integer) namespace.get("x"));
            assertEquals("set by the child", namespace.get("y"));
            assertEquals(List.of("x", "y"), new ArrayList<>(namespace.names()));
            assertEquals("Namespace(x=11, y=set by the child)", namespace.toString());

            Iterator<Object> iterator = list.iterator();
            iterator.next();
            assertThrows(UnsupportedOperationException.class, iterator::remove, "iteration walks a snapshot");
            assertThrows(UnsupportedOperationException.class, () -> dict.keySet().remove("fromChild"));
            assertThrows(IndexOutOfBoundsException.class, () -> list.get(99));
            NoSuchElementException missing = assertThrows(NoSuchElementException.class, () -> namespace.get("z"));
            assertTrue(missing.getMessage().contains("'z'"), missing.getMessage());
            assertEquals(4, list.size(), "the list still works after a failed call");
        }
    }

    /**
     * SPEC M7, atomicity: three children, started together at a barrier, each make
     * {@value #INCREMENTS} read-modify-write increments of one dict entry under a manager lock,
     * {@value #INCREMENTS} {@code merge} increments of another (atomic by themselves: {@code ConcurrentMap}'s retry on
     * {@code replace}), and {@value #INCREMENTS} appends to a list. Observed: both counts and the
     * list's length are exact, and each child's appends keep their order.
     */
    @Test
    void m7_incrementsFromThreeChildrenUnderAManagerLockAndByMergeAreExactAndEachCallIsAtomic() throws Exception {
        try (Manager manager = new Manager()) {
            ConcurrentMap<String, Integer> counts = manager.dict(Map.of("locked", 0));
            List<String> appends = manager.list();
            Lock lock = manager.lock();
            // the children start their increments together, so that they contend for the entries
            Barrier start = new Barrier(3);
            List<ChildProcess> children = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                String name = "c" + c;
                children.add(child(() -> {
                    start.await(Targets.MAX_WAIT);
                    for (int i = 0; i < INCREMENTS; i++) {
                        lock.acquire();
                        try {
                            counts.put("locked", counts.get("locked") + 1);
                        } finally {
                            lock.release();
                        }
                        counts.merge("merged", 1, Integer::sum);
                        appends.add(name + ":" + i);
                    }
                }));
            }
            for (ChildProcess child : children) {
                assertEquals(0, exitCodeAfterJoin(child));
            }
            assertEquals(3 * INCREMENTS, counts.get("locked"), "increments under the manager's lock");
            assertEquals(3 * INCREMENTS, counts.get("merged"), "increments by merge");
            List<String> all = new ArrayList<>(appends);
            assertEquals(3 * INCREMENTS, all.size(), "every append arrived once");
            for (int c = 0; c < 3; c++) {
                String prefix = "c" + c + ":";
                List<String> mine = all.stream().filter(s -> s.startsWith(prefix)).toList();
                for (int i = 0; i < INCREMENTS; i++) {
                    assertEquals(prefix + i, mine.get(i), "each child's appends in order");
                }
            }
        }
    }

    /**
     * SPEC M7, a proxy used after its manager shut down: a child holds a dict proxy and a queue
     * the manager made, and waits in that queue's {@code get} when the parent shuts the manager
     * down. Observed: the waiting child wakes with an {@link IllegalStateException} saying the
     * manager has shut down; the child's next dict call fails alike; in the parent the dict, the
     * queue and the manager's factories fail alike, and nothing hangs.
     */
    @Test
    void m7_aProxyUsedAfterItsManagerShutDownFailsClearlyInTheParentAndInAChildWithoutHanging() throws Exception {
        Manager manager = new Manager();
        ConcurrentMap<String, Integer> dict = manager.dict();
        Queue<String> queue = manager.queue();
        Queue<Object> reports = new Queue<>();
        Event shutDown = new Event();
        ChildProcess child = child(() -> {
            dict.put("child", 1);
            reports.put("waiting");
            try {
                reports.put("got " + queue.get(Targets.MAX_WAIT));
            } catch (IllegalStateException e) {
                reports.put("get: " + e.getMessage());
            }
            shutDown.await(Targets.MAX_WAIT);
            try {
                reports.put("put returned " + dict.put("late", 2));
            } catch (IllegalStateException e) {
                reports.put("put: " + e.getMessage());
            }
        });
        assertEquals("waiting", next(reports));
        assertEquals(1, dict.get("child"));
        // the child's get is on its way or waiting: either way it must end with the shutdown
        manager.shutdown();
        shutDown.set();
        String get = next(reports);
        assertTrue(get.startsWith("get: ") && get.contains("has shut down"), "the waiting get in the child: " + get);
        String put = next(reports);
        assertTrue(put.startsWith("put: ") && put.contains("has shut down"), "a dict call in the child: " + put);
        assertEquals(0, exitCodeAfterJoin(child));
        IllegalStateException parentDict = assertThrows(IllegalStateException.class, () -> dict.get("child"));
        assertTrue(parentDict.getMessage().contains(manager.name()) && parentDict.getMessage().contains("has shut down"),
                parentDict.getMessage());
        assertThrows(IllegalStateException.class, () -> queue.put("x"), "the manager's queue");
        assertThrows(IllegalStateException.class, manager::dict, "the manager's factories");
        assertTrue(manager.isShutdown());
        manager.shutdown();
    }

    /**
     * SPEC M2 through a manager: a value that cannot be serialized, put into a dict, a list and
     * a namespace by the parent and by a child. Observed: each call fails in its caller with an
     * {@link IllegalArgumentException} that names the class, nothing of it arrives, and the
     * proxies keep working.
     */
    @Test
    void m2_aValueThatCannotBeEncodedFailsInTheSenderAndTheProxiesKeepWorking() throws Exception {
        try (Manager manager = new Manager()) {
            ConcurrentMap<String, Object> dict = manager.dict();
            List<Object> list = manager.list();
            Namespace namespace = manager.namespace();
            IllegalArgumentException parent = assertThrows(IllegalArgumentException.class,
                    () -> dict.put("bad", new NotSerializable()));
            assertTrue(parent.getMessage().contains(NotSerializable.class.getName()), parent.getMessage());
            assertThrows(IllegalArgumentException.class, () -> list.add(List.of("fine", new NotSerializable())));
            Queue<Object> reports = new Queue<>();
            ChildProcess child = child(() -> {
                List<String> messages = new ArrayList<>();
                try {
                    list.add(new NotSerializable());
                } catch (IllegalArgumentException e) {
                    messages.add(e.getMessage());
                }
                try {
                    namespace.set("bad", new NotSerializable());
                } catch (IllegalArgumentException e) {
                    messages.add(e.getMessage());
                }
                list.add("still working");
                namespace.set("good", 1);
                reports.put(messages);
            });
            List<String> messages = next(reports);
            assertEquals(2, messages.size(), "both calls failed in the child: " + messages);
            messages.forEach(m -> assertTrue(m.contains(NotSerializable.class.getName()), m));
            assertEquals(0, exitCodeAfterJoin(child));
            assertEquals(List.of("still working"), list);
            assertEquals(Map.of("good", 1), namespace.asMap());
            assertTrue(dict.isEmpty());
        }
    }

    /**
     * SPEC M7, server mode over a Unix domain socket in a directory the child shares: an
     * unrelated JVM (a main class that gets only the address and a key file) reads the server's
     * named dict and writes its results, log, namespace and queue; its try with a wrong key is
     * refused; a second connection it opens and closes leaves the first working. Observed in the
     * server: every write of the client, and the refusal's message.
     */
    @Test
    void m7_aServerIsReadAndWrittenByAnUnrelatedJvmThatKnowsOnlyItsAddressAndKey() throws Exception {
        Path socket = socketPath();
        serveAndCheckAClient(UnixDomainSocketAddress.of(socket), "unix:" + socket);
        assertFalse(Files.exists(socket), "the server removed its socket file");
    }

    /**
     * SPEC M7, the managing process died: a child serves a manager on a Unix socket, the parent
     * connects as a client, reads the server's dict and waits in a get on the server's queue;
     * then the child is killed. Observed in the parent: the waiting get wakes, and the next dict
     * call fails, each with an {@link IllegalStateException} saying the server has gone; nothing
     * hangs.
     */
    @Test
    void m7_aClientsProxiesFailClearlyOnceTheServersProcessIsKilledAndACallWaitingThereWakes() throws Exception {
        Path socket = socketPath();
        String path = socket.toString();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String keyFile = writeKey(key).toString();
        Queue<String> ready = new Queue<>();
        ChildProcess server = child(() -> {
            Manager manager = Manager.server(UnixDomainSocketAddress.of(path), Files.readAllBytes(Path.of(keyFile)));
            manager.dict("d").put("from", "the server");
            ready.put("ready");
            manager.serveForever();
        });
        try {
            assertEquals("ready", next(ready));
            try (Manager client = Manager.connect(UnixDomainSocketAddress.of(socket), key)) {
                Map<String, String> dict = client.dict("d");
                assertEquals("the server", dict.get("from"));
                Queue<String> queue = client.queue("q");
                CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return queue.get(Targets.MAX_WAIT);
                    } catch (Exception e) {
                        return e;
                    }
                });
                server.kill();
                exitCodeAfterJoin(server);
                Object woken = waiting.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertTrue(woken instanceof IllegalStateException && ((Exception) woken).getMessage().contains("has gone"),
                        "the get waiting in the killed server: " + woken);
                IllegalStateException after = assertThrows(IllegalStateException.class, () -> dict.get("from"));
                assertTrue(after.getMessage().contains("has gone") && after.getMessage().contains(path),
                        after.getMessage());
            }
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /**
     * Where a test's Unix socket goes: in {@link #tmp}, which the children share, or beside it
     * when its path would be too long for a socket (at most 107 bytes).
     */
    private Path socketPath() {
        Path socket = tmp.resolve("m.sock");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > 100) {
            socket = tmp.getParent().resolve("mp4j-" + Long.toHexString(new SecureRandom().nextLong()) + ".sock");
        }
        return socket;
    }

    /**
     * The key, in a file the children can read: readable by every user, as some launchers run
     * their children as another user than the test JVM's (a pod's non-root user). The test's
     * directory is the test's own either way.
     */
    private Path writeKey(byte[] key) throws IOException {
        Path keyFile = Files.createFile(tmp.resolve("key"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        Files.write(keyFile, key);
        return keyFile;
    }

    /**
     * SPEC M7, server mode over TCP on the loopback address, as
     * {@link #m7_aServerIsReadAndWrittenByAnUnrelatedJvmThatKnowsOnlyItsAddressAndKey}; then a
     * client with a wrong key is refused here too and the server goes on serving, and a client of
     * an address where nothing listens fails with the address named.
     */
    @Test
    void m7_aTcpServerServesAnUnrelatedJvmRefusesAWrongKeyAndNamesAnAddressWhereNothingListens() throws Exception {
        requires(Capability.TCP_TO_PARENT_HOST);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        byte[] key = serveAndCheckAClient(any, null);
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), free);
        ConnectException refused = assertThrows(ConnectException.class, () -> Manager.connect(nobody, key));
        assertTrue(refused.getMessage().contains(String.valueOf(free)), refused.getMessage());
    }

    /** Serves a manager, runs {@link ManagerClientMain} against it, and checks what it did. */
    private byte[] serveAndCheckAClient(SocketAddress address, String spec) throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path keyFile = writeKey(key);
        try (Manager server = Manager.server(address, key)) {
            SocketAddress bound = server.address().orElseThrow();
            if (bound instanceof UnixDomainSocketAddress unix) {
                // connecting takes write permission on the socket file: a child running as another
                // user connects too (the key guards the server)
                Files.setPosixFilePermissions(unix.getPath(), PosixFilePermissions.fromString("rw-rw-rw-"));
            }
            String where = spec != null ? spec
                    : "tcp:" + ((InetSocketAddress) bound).getHostString() + ":" + ((InetSocketAddress) bound).getPort();
            Map<String, Integer> jobs = new LinkedHashMap<>();
            jobs.put("a", 3);
            jobs.put("b", 4);
            server.dict("jobs").putAll(jobs);
            ChildProcess client = track(builderOfMain(ManagerClientMain.class, where, keyFile.toString()).build());
            client.start();
            Queue<String> events = server.queue("events");
            assertEquals("bye", next(events), "the client's put on the server's queue");
            assertEquals(0, exitCodeAfterJoin(client));
            Map<String, Object> results = server.dict("results");
            assertEquals(9, results.get("a"));
            assertEquals(16, results.get("b"));
            String wrongKey = (String) results.get("wrongKey");
            assertTrue(wrongKey.startsWith("AuthenticationException") && wrongKey.contains("authkeys differ"),
                    "the client with a wrong key: " + wrongKey);
            assertEquals(List.of("client " + client.pid().getAsLong(), "second connection"), server.list("log"));
            assertEquals(Boolean.TRUE, server.namespace("status").get("done"));

            byte[] wrong = key.clone();
            wrong[31] ^= 1;
            AuthenticationException here = assertThrows(AuthenticationException.class, () -> Manager.connect(bound, wrong));
            assertTrue(here.getMessage().contains("authkeys differ"), here.getMessage());
            try (Manager again = Manager.connect(bound, key)) {
                assertEquals(9, again.<String, Integer>dict("results").get("a"), "the server goes on serving");
            }
            IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> server.list("jobs"));
            assertTrue(kind.getMessage().contains("\"jobs\" is a dict"), kind.getMessage());
        }
        return key;
    }
}
