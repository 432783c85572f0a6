package io.github.multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A manager and its proxies within one JVM: the Java collection contracts, and shutdown. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ManagerTest {

    @Test
    void aDictProxyKeepsTheConcurrentMapContract() {
        try (Manager manager = new Manager()) {
            ConcurrentMap<String, Integer> dict = manager.dict();
            assertNull(dict.put("a", 1));
            assertEquals(1, dict.put("a", 2));
            assertEquals(2, dict.putIfAbsent("a", 3));
            assertNull(dict.putIfAbsent("b", 3));
            assertFalse(dict.replace("a", 1, 5));
            assertTrue(dict.replace("a", 2, 5));
            assertEquals(5, dict.replace("a", 6));
            assertFalse(dict.remove("a", 5));
            assertEquals(7, dict.merge("b", 4, Integer::sum));
            assertEquals(14, dict.compute("b", (k, v) -> v * 2));
            assertEquals(9, dict.getOrDefault("missing", 9));
            dict.putAll(Map.of("c", 0));
            assertTrue(dict.containsKey("c") && dict.containsValue(14) && !dict.containsKey("z"));
            assertEquals(3, dict.size());
            Map<String, Integer> expected = new LinkedHashMap<>();
            expected.put("a", 6);
            expected.put("b", 14);
            expected.put("c", 0);
            assertEquals(expected, dict);
            assertEquals(expected.hashCode(), dict.hashCode());
            assertEquals("{a=6, b=14, c=0}", dict.toString(), "insertion order, as Python's dict");
            assertThrows(UnsupportedOperationException.class, () -> dict.entrySet().iterator().next().setValue(1),
                    "entries are a snapshot");
            dict.replaceAll((k, v) -> v + 1);
            assertEquals(List.of(7, 15, 1), new ArrayList<>(dict.values()));
            assertEquals(7, dict.remove("a"));
            dict.clear();
            assertTrue(dict.isEmpty());
        }
    }

    @Test
    void aListProxyKeepsTheListContractAndRunsSerializableFunctionsInTheManager() {
        try (Manager manager = new Manager()) {
            List<Integer> list = manager.list(List.of(5, 3, 1));
            list.add(4);
            list.add(0, 9);
            assertEquals(List.of(9, 5, 3, 1, 4), list);
            assertEquals(9, list.set(0, 2));
            list.sort(null);
            assertEquals(List.of(1, 2, 3, 4, 5), list);
            list.sort((Comparator<Integer> & Serializable) (x, y) -> y - x);
            assertEquals(List.of(5, 4, 3, 2, 1), list);
            assertTrue(list.removeIf((Predicate<Integer> & Serializable) x -> x % 2 == 0));
            assertEquals(List.of(5, 3, 1), list);
            IllegalArgumentException notSerializable = assertThrows(IllegalArgumentException.class,
                    () -> list.removeIf(x -> x > 1), "a predicate that cannot be sent to the manager");
            assertTrue(notSerializable.getMessage().contains("ManagerTest"), notSerializable.getMessage());
            assertEquals(List.of(5, 3, 1), list, "nothing changed, and the proxy works");
            list.subList(0, 2).clear();
            assertEquals(List.of(1), list);
            assertTrue(list.addAll(List.of(1, 2, 1)));
            assertEquals(3, list.lastIndexOf(1));
            assertTrue(list.removeAll(List.of(1)));
            assertEquals(List.of(2), list);
            assertThrows(IndexOutOfBoundsException.class, () -> list.get(1));
            assertThrows(IndexOutOfBoundsException.class, () -> list.add(5, 0));
            list.add(3);
            assertEquals(5, list.stream().mapToInt(Integer::intValue).sum(), "a stream walks a snapshot");
            list.remove(Integer.valueOf(3));
            assertEquals("[2]", list.toString());
            assertEquals(List.of(2).hashCode(), list.hashCode());
        }
    }

    @Test
    void shutdownWakesWhoWaitsInTheManagersObjectsAndEveryLaterCallFailsClearly() throws Exception {
        Manager manager = new Manager();
        Lock lock = manager.lock();
        Event event = manager.event();
        Barrier barrier = manager.barrier(2);
        Queue<String> queue = manager.queue(1);
        List<Object> list = manager.list();
        lock.acquire();
        CompletableFuture<Object> lockWaiter = waiter(() -> lock.acquire(Duration.ofSeconds(20)));
        CompletableFuture<Object> eventWaiter = waiter(() -> event.await(Duration.ofSeconds(20)));
        CompletableFuture<Object> barrierWaiter = waiter(() -> barrier.await(Duration.ofSeconds(20)));
        CompletableFuture<Object> queueWaiter = waiter(() -> queue.get(Duration.ofSeconds(20)));
        Thread.sleep(200);
        manager.shutdown();
        for (CompletableFuture<Object> waiter : List.of(lockWaiter, eventWaiter, barrierWaiter, queueWaiter)) {
            Object outcome = waiter.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, outcome);
            assertTrue(((Exception) outcome).getMessage().contains(manager.name() + " has shut down"),
                    ((Exception) outcome).getMessage());
        }
        IllegalStateException later = assertThrows(IllegalStateException.class, () -> list.add(1));
        assertTrue(later.getMessage().contains("has shut down"), later.getMessage());
        assertThrows(IllegalStateException.class, lock::release);
        assertThrows(IllegalStateException.class, manager::namespace);
        assertTrue(manager.toString().contains("shut down"), manager.toString());
        manager.close();
    }

    /** SPEC M9 beside M7: what a manager hosted is freed after it shut down, and late calls still say why they fail. */
    @Test
    void aManagerThatShutDownFreesWhatItHosted() throws Exception {
        // what earlier tests dropped is freed first, so that it cannot hide a leak here
        int before = io.github.multiprocessing4j.internal.shared.SharedObjects.hostedCount();
        for (int quiet = 0; quiet < 3; ) {
            System.gc();
            Thread.sleep(20);
            int now = io.github.multiprocessing4j.internal.shared.SharedObjects.hostedCount();
            quiet = now == before ? quiet + 1 : 0;
            before = now;
        }
        List<Object> last = null;
        for (int i = 0; i < 30; i++) {
            try (Manager manager = new Manager()) {
                manager.lock().acquire();
                manager.queue(1).put("x");
                last = manager.list();
                last.add(i);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (io.github.multiprocessing4j.internal.shared.SharedObjects.hostedCount() > before
                && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(io.github.multiprocessing4j.internal.shared.SharedObjects.hostedCount() <= before,
                "30 managers that shut down, each with a lock, a queue and a list, left "
                        + (io.github.multiprocessing4j.internal.shared.SharedObjects.hostedCount() - before)
                        + " objects hosted");
        List<Object> late = last;
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> late.add(1));
        assertTrue(failure.getMessage().contains("has shut down"), failure.getMessage());
    }

    @Test
    void badInputGetsOneClearException() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Manager.server(loopback, new byte[0]));
        assertTrue(empty.getMessage().contains("authkey"), empty.getMessage());
        assertThrows(NullPointerException.class, () -> Manager.connect(loopback, null));
        try (Manager manager = new Manager()) {
            IllegalStateException notServer = assertThrows(IllegalStateException.class, manager::serveForever);
            assertTrue(notServer.getMessage().contains("not a server"), notServer.getMessage());
            assertTrue(manager.address().isEmpty());
            manager.dict("x");
            assertEquals(manager.dict("x").getClass(), manager.<String, String>dict("x").getClass());
            IllegalArgumentException taken = assertThrows(IllegalArgumentException.class, () -> manager.queue("x"));
            assertTrue(taken.getMessage().contains("\"x\" is a dict, not a queue"), taken.getMessage());
        }
        try (Manager server = Manager.server(loopback, new byte[] {1})) {
            InetSocketAddress bound = (InetSocketAddress) server.address().orElseThrow();
            assertTrue(bound.getPort() > 0);
            assertTrue(server.toString().contains("serving at"), server.toString());
            java.io.IOException inUse = assertThrows(java.io.IOException.class, () -> Manager.server(bound, new byte[] {1}));
            assertTrue(inUse.getMessage().contains("cannot listen at"), inUse.getMessage());
        }
    }

    @Test
    void namedObjectsAreTheSameObjectAndCopiesDoNotWriteThrough() {
        try (Manager manager = new Manager()) {
            Map<String, List<Integer>> first = manager.dict("d");
            first.put("k", new ArrayList<>(List.of(1)));
            first.get("k").add(2);
            Map<String, List<Integer>> again = manager.dict("d");
            assertEquals(List.of(1), again.get("k"), "a value taken out is a copy (Python alike)");
            Map<String, Object> outer = manager.dict();
            outer.put("inner", manager.list());
            @SuppressWarnings("unchecked")
            List<Integer> inner = (List<Integer>) outer.get("inner");
            inner.add(1);
            assertEquals(List.of(1), outer.get("inner"), "a proxy stored in a proxy writes through (Python 3.6+ alike)");
            Queue<String> queue = manager.queue("q");
            queue.putNowait("hello");
            Queue<String> same = manager.queue("q");
            assertEquals("hello", same.getNowait());
        } catch (QueueFullException | QueueEmptyException e) {
            throw new AssertionError(e);
        }
    }

    private interface Wait {
        Object run() throws Exception;
    }

    private static CompletableFuture<Object> waiter(Wait wait) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return wait.run();
            } catch (Exception e) {
                return e;
            }
        }, runnable -> {
            Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            thread.start();
        });
    }
}
