package io.github.multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool's semantics with workers that are threads of this JVM ({@link PoolThreadWorkers}):
 * dispatching, chunking, failures, worker deaths, close, terminate. What needs real worker
 * JVMs (serialization across JVMs, a worker killed by the OS, pids) is in the tck's PoolSuite.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Latches that tasks wait on, by name: tasks run in this JVM, so they see them. */

    private final PoolThreadWorkers workers = new PoolThreadWorkers();
    private final List<Pool> pools = new ArrayList<>();

    private Pool pool(int processes) {
        return pool(Pool.builder().processes(processes));
    }

    private Pool pool(Pool.Builder builder) {
        Pool pool = builder.workerFactory(workers).build();
        pools.add(pool);
        return pool;
    }

    @AfterEach
    void terminatePools() {
        pools.forEach(Pool::terminate);
        NamedLatches.releaseAll();
    }

    static CountDownLatch latch(String name) {
        return NamedLatches.latch(name);
    }

    static boolean await(String name) {
        return NamedLatches.await(name);
    }

    static String worker() {
        return Thread.currentThread().getName();
    }

    // ---------------------------------------------------------------- results

    @Test
    void mapReturnsTheResultsInItemOrderForEveryChunkSize() throws Exception {
        Pool pool = pool(3);
        List<Integer> items = IntStream.range(0, 100).boxed().toList();
        List<Integer> squares = items.stream().map(x -> x * x).toList();
        assertEquals(squares, pool.map(x -> x * x, items));
        for (int chunkSize : new int[] {1, 7, 100, 1000}) {
            assertEquals(squares, pool.map(x -> x * x, items, chunkSize), "chunk size " + chunkSize);
        }
        assertEquals(List.of(), pool.map(x -> x, List.of()));
        assertEquals(Arrays.asList(null, "a"), pool.map(x -> x, Arrays.asList(null, "a")), "null items and values");
        assertEquals(List.of(32.0, 9.0), pool.starmap(Math::pow, List.of(Map.entry(2.0, 5.0), Map.entry(3.0, 2.0))));
        assertEquals(List.of("a1", "b2"), pool.starmap((String s, Integer i) -> s + i,
                List.of(Map.entry("a", 1), Map.entry("b", 2)), 1));
        assertEquals(42, pool.apply(() -> 6 * 7));
        assertNull(pool.apply(() -> null));
        List<Integer> fromIterable = pool.map(x -> x + 1, () -> List.of(1, 2, 3).iterator());
        assertEquals(List.of(2, 3, 4), fromIterable, "any Iterable, not only collections");
    }

    @Test
    void theDefaultChunkSizeIsPythons() {
        // chunksize, extra = divmod(len(iterable), len(self._pool) * 4); if extra: chunksize += 1
        assertEquals(1, Pool.defaultChunkSize(0, 2));
        assertEquals(1, Pool.defaultChunkSize(3, 2));
        assertEquals(1, Pool.defaultChunkSize(8, 2));
        assertEquals(2, Pool.defaultChunkSize(9, 2));
        assertEquals(125, Pool.defaultChunkSize(1000, 2));
        assertEquals(126, Pool.defaultChunkSize(1001, 2));
        assertEquals(3, Pool.defaultChunkSize(20, 2));
        assertEquals(1, Pool.defaultChunkSize(Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void aChunkIsOneMessageToOneWorkerAndOneTaskForMaxTasksPerChild() throws Exception {
        Pool pool = pool(Pool.builder().processes(1).maxTasksPerChild(1));
        List<String> names = pool.map(x -> worker(), IntStream.range(0, 6).boxed().toList(), 3);
        assertEquals(names.get(0), names.get(1));
        assertEquals(names.get(0), names.get(2));
        assertEquals(names.get(3), names.get(5));
        assertFalse(names.get(0).equals(names.get(3)), "the second chunk ran in the replacement: " + names);
    }

    @Test
    void maxTasksPerChildReplacesTheWorkerAfterThatManyTasks() throws Exception {
        Pool pool = pool(Pool.builder().processes(1).maxTasksPerChild(2));
        List<String> names = pool.map(x -> worker(), IntStream.range(0, 6).boxed().toList(), 1);
        assertEquals(3, new LinkedHashSet<>(names).size(), "three workers, two tasks each: " + names);
        for (int i = 0; i < 6; i += 2) {
            assertEquals(names.get(i), names.get(i + 1), names.toString());
        }
        assertTrue(workers.created.get(0).onExit().get(20, TimeUnit.SECONDS) == 0, "a retired worker exits with 0");
    }

    @Test
    void theInitializerRunsInEachWorkerBeforeItsFirstTask() throws Exception {
        Set<String> initialized = ConcurrentHashMap.newKeySet();
        INITIALIZED.clear();
        Pool pool = pool(Pool.builder().processes(2).initializer(() -> INITIALIZED.add(worker())));
        // two tasks that each wait until both have started: they run on both workers
        NamedLatches.put("both", new CountDownLatch(2));
        List<AsyncResult<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            results.add(pool.applyAsync(() -> {
                boolean mine = INITIALIZED.contains(worker());
                latch("both").countDown();
                await("both");
                return mine;
            }));
        }
        for (AsyncResult<Boolean> result : results) {
            assertTrue(result.get(WAIT));
        }
        initialized.addAll(INITIALIZED);
        assertEquals(2, initialized.size(), "each worker ran the initializer: " + initialized);
    }

    static final Set<String> INITIALIZED = ConcurrentHashMap.newKeySet();

    // ---------------------------------------------------------------- failures

    @Test
    void aTaskThatThrowsFailsOnlyItsOwnResult() throws Exception {
        Pool pool = pool(2);
        AsyncResult<Integer> good = pool.applyAsync(() -> 1);
        AsyncResult<Integer> bad = pool.applyAsync(() -> {
            throw new java.io.IOException("checked boom");
        });
        assertEquals(1, good.get(WAIT));
        // a Future-style get(): ExecutionException, the task's own exception as its cause, the
        // worker named in the message and, suppressed, on the cause
        ExecutionException failure = assertThrows(ExecutionException.class, bad::get);
        assertInstanceOf(java.io.IOException.class, failure.getCause());
        assertEquals("checked boom", failure.getCause().getMessage());
        ChildProcessException where = assertInstanceOf(ChildProcessException.class, failure.getCause().getSuppressed()[0]);
        assertTrue(where.processName().startsWith("ThreadWorker-"), where.processName());
        assertTrue(failure.getMessage().contains("the task failed in pool worker '" + where.processName() + "'"),
                failure.getMessage());
        ExecutionException viaFuture = assertThrows(ExecutionException.class, () -> bad.toCompletableFuture().get());
        assertInstanceOf(java.io.IOException.class, viaFuture.getCause(), "the same cause through the CompletableFuture");
        // a direct call: the unchecked ChildProcessException, with the task's exception as its cause
        ChildProcessException direct = assertThrows(ChildProcessException.class, () -> pool.apply(() -> {
            throw new java.io.IOException("direct boom");
        }));
        assertEquals("direct boom", direct.getCause().getMessage());
        assertTrue(bad.ready());
        assertFalse(bad.successful());
        assertTrue(good.successful());

        ChildProcessException mapFailure = assertThrows(ChildProcessException.class,
                () -> pool.map(x -> 10 / x, List.of(1, 2, 0, 5), 1));
        assertInstanceOf(ArithmeticException.class, mapFailure.getCause());
        assertTrue(mapFailure.getMessage().startsWith("the item at index 2 (counting from 0) failed in pool worker"),
                mapFailure.getMessage());

        ChildProcessException checkedFailure = assertThrows(ChildProcessException.class,
                () -> pool.map(x -> {
                    if (x == 0) {
                        throw new java.io.IOException("no zero here");
                    }
                    return x;
                }, List.of(1, 0), 1));
        assertInstanceOf(java.io.IOException.class, checkedFailure.getCause(), "a function may throw a checked exception");

        ResultIterator<Integer> results = pool.imap(x -> 10 / x, List.of(1, 0, 5, 0, 2), 2);
        assertEquals(10, results.next());
        assertThrows(ChildProcessException.class, results::next, "item 1 fails at its turn");
        assertEquals(2, results.next(), "the other item of the failed item's chunk still has its result");
        assertThrows(ChildProcessException.class, results::next);
        assertEquals(5, results.next());
        assertFalse(results.hasNext());
        assertThrows(NoSuchElementException.class, results::next);

        assertEquals(List.of(1, 2), pool.map(x -> x, List.of(1, 2)), "the pool goes on");
    }

    @Test
    void aWorkerThatDiesFailsTheChunkItWasRunningAndIsReplaced() throws Exception {
        Pool pool = pool(2);
        AsyncResult<String> stuck = pool.applyAsync(() -> {
            stuckIn = worker();
            latch("running").countDown();
            await("never");
            return "unreachable";
        });
        assertTrue(latch("running").await(20, TimeUnit.SECONDS));
        PoolThreadWorkers.Worker victim = workers.created.stream()
                .filter(w -> w.name().equals(stuckIn)).findFirst().orElseThrow();
        victim.die(7);
        ExecutionException died = assertThrows(ExecutionException.class, () -> stuck.get(WAIT));
        ChildProcessException failure = assertInstanceOf(ChildProcessException.class, died.getCause(),
                "a worker that died has no exception of its own: the cause says how it ended");
        assertEquals(victim.name(), failure.processName());
        assertTrue(failure.getMessage().contains("ended with exit code 7 while running this task"), failure.getMessage());
        assertNull(failure.getCause());
        assertTrue(Poll.until(() -> workers.created.size() == 3), "a replacement was started: " + workers.created);
        // two tasks that each wait until both have started: only two live workers can run them
        NamedLatches.put("both started", new CountDownLatch(2));
        List<String> names = pool.map(x -> {
            latch("both started").countDown();
            assertTrue(await("both started"), "the other task never started");
            return worker();
        }, List.of(1, 2), 1);
        assertFalse(names.contains(victim.name()), "the dead worker runs nothing more: " + names);
        assertEquals(2, new HashSet<>(names).size(), "two live workers share the work: " + names);
    }

    private static volatile String stuckIn;

    @Test
    void aWorkerWhoseInitializerFailsFailsTheWaitingTasksInsteadOfHanging() throws Exception {
        Pool pool = pool(Pool.builder().processes(1).initializer(() -> {
            throw new IllegalStateException("no database");
        }));
        AsyncResult<Integer> result = pool.applyAsync(() -> 1);
        ExecutionException failure = assertThrows(ExecutionException.class, () -> result.get(WAIT));
        assertInstanceOf(ChildProcessException.class, failure.getCause());
        assertTrue(failure.getMessage().contains("before it took a task"), failure.getMessage());
        assertTrue(failure.getMessage().contains("exit code 1"), failure.getMessage());
    }

    @Test
    void whatCannotBeSerializedFailsTheCallOrItsOwnItem() throws Exception {
        Pool pool = pool(1);
        Object notSerializable = new Object();
        IllegalArgumentException task = assertThrows(IllegalArgumentException.class,
                () -> pool.apply(() -> notSerializable.hashCode()));
        assertTrue(task.getMessage().contains("java.lang.Object"), task.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pool.map(x -> x, List.of(new Object())));
        ChildProcessException result = assertThrows(ChildProcessException.class,
                () -> pool.map(x -> x == 1 ? new Object() : x, List.of(0, 1, 2), 3));
        assertInstanceOf(IllegalArgumentException.class, result.getCause());
        assertTrue(result.getMessage().startsWith("the item at index 1 (counting from 0) failed"), result.getMessage());
        ResultIterator<Object> lazy = pool.imap(x -> x, List.of(1, new Object(), 3));
        assertEquals(1, lazy.next());
        assertInstanceOf(IllegalArgumentException.class, assertThrows(RuntimeException.class, lazy::next));
        assertEquals(3, lazy.next());
        assertFalse(lazy.hasNext());
    }

    // ---------------------------------------------------------------- imap

    @Test
    void imapYieldsInItemOrderAndImapUnorderedInCompletionOrder() throws Exception {
        Pool pool = pool(2);
        ResultIterator<Integer> ordered = pool.imap(x -> {
            if (x == 0) {
                await("first");
            }
            return x;
        }, List.of(0, 1, 2));
        assertThrows(TimeoutException.class, () -> ordered.next(Duration.ofMillis(200)), "item 0 is not done");
        ResultIterator<Integer> unordered = pool.imapUnordered(x -> {
            if (x == 0) {
                await("second");
            }
            return x;
        }, List.of(0, 1, 2));
        latch("first").countDown();
        List<Integer> inOrder = new ArrayList<>();
        ordered.forEach(inOrder::add);
        assertEquals(List.of(0, 1, 2), inOrder);
        assertEquals(Set.of(1, 2), new HashSet<>(List.of(unordered.next(WAIT), unordered.next(WAIT))),
                "1 and 2 come while 0 still runs");
        latch("second").countDown();
        assertEquals(0, unordered.next(WAIT));
        assertFalse(unordered.hasNext());
    }

    @Test
    void imapReadsALazyInputAndReportsItsFailureAtItsPosition() throws Exception {
        Pool pool = pool(2);
        Iterator<Integer> endless = IntStream.iterate(0, x -> x + 1).iterator();
        ResultIterator<Integer> squares = pool.imap(x -> x * x, () -> endless, 3);
        for (int i = 0; i < 50; i++) {
            assertEquals(i * i, squares.next(WAIT));
        }
        Iterator<Integer> broken = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (next == 4) {
                    throw new IllegalStateException("input broke");
                }
                return next++;
            }
        };
        List<Object> outcomes = new ArrayList<>();
        ResultIterator<Integer> results = pool.imap(x -> x, () -> broken, 3);
        while (results.hasNext()) {
            try {
                outcomes.add(results.next());
            } catch (IllegalStateException e) {
                outcomes.add(e.getMessage());
            }
        }
        assertEquals(List.of(0, 1, 2, "input broke"), outcomes,
                "Python: the exception comes at the start of the chunk it broke (3 is dropped), then the end");
        assertEquals("Chunksize must be 1+, not 0",
                assertThrows(IllegalArgumentException.class, () -> pool.imap(x -> x, List.of(1), 0)).getMessage());
        assertEquals("Chunksize must be 1+, not -1",
                assertThrows(IllegalArgumentException.class, () -> pool.map(x -> x, List.of(1), -1)).getMessage());
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void closeRunsWhatWasSubmittedThenTheWorkersExitAndJoinWaitsForThem() throws Exception {
        Pool pool = pool(2);
        assertEquals("<Pool state=RUN pool_size=2>", pool.toString());
        assertEquals("Pool is still running", assertThrows(IllegalStateException.class, pool::join).getMessage());
        AsyncResult<List<Integer>> squares = pool.mapAsync(x -> {
            await("go");
            return x * x;
        }, List.of(1, 2, 3), 1);
        ResultIterator<Integer> lazy = pool.imap(x -> x, List.of(7, 8));
        pool.close();
        assertEquals("<Pool state=CLOSE pool_size=2>", pool.toString());
        for (Runnable call : List.<Runnable>of(
                () -> pool.applyAsync(() -> 1),
                () -> pool.mapAsync(x -> x, List.of(1)),
                () -> pool.imap(x -> x, List.of(1)),
                () -> pool.imapUnordered(x -> x, List.of(1)),
                () -> pool.starmapAsync((Integer a, Integer b) -> a + b, List.of(Map.entry(1, 2))))) {
            assertEquals("Pool not running", assertThrows(IllegalStateException.class, call::run).getMessage());
        }
        assertFalse(pool.join(Duration.ofMillis(100)), "the tasks still wait");
        latch("go").countDown();
        pool.join();
        assertEquals(List.of(1, 4, 9), squares.get(Duration.ZERO));
        assertEquals(7, lazy.next(Duration.ZERO));
        assertEquals(8, lazy.next(Duration.ZERO));
        assertTrue(workers.created.stream().allMatch(PoolThreadWorkers.Worker::ended), "every worker exited");
        assertTrue(workers.created.stream().allMatch(w -> w.onExit().join() == 0), "with exit code 0");
        pool.close();
        pool.join();
    }

    @Test
    void tryWithResourcesClosesThePoolAsCloseDoes() throws Exception {
        AsyncResult<Integer> result;
        try (Pool pool = pool(1)) {
            result = pool.applyAsync(() -> {
                await("go");
                return 1;
            });
        }
        latch("go").countDown();
        assertEquals(1, result.get(WAIT), "close() lets submitted work finish");
        assertTrue(pools.get(0).join(WAIT));
    }

    @Test
    void terminateStopsTheWorkersAndFailsEveryPendingResult() throws Exception {
        Pool pool = pool(2);
        List<AsyncResult<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(pool.applyAsync(() -> {
                await("never");
                return 1;
            }));
        }
        ResultIterator<Integer> lazy = pool.imap(x -> {
            await("never");
            return x;
        }, List.of(1, 2));
        long start = System.nanoTime();
        pool.terminate();
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 10, "terminate() returned in time");
        assertEquals("<Pool state=TERMINATE pool_size=2>", pool.toString());
        for (AsyncResult<Integer> result : results) {
            assertTrue(result.ready());
            CancellationException cancelled = assertThrows(CancellationException.class, result::get);
            assertTrue(cancelled.getMessage().contains("terminated"), cancelled.getMessage());
        }
        assertTrue(lazy.hasNext());
        assertThrows(CancellationException.class, lazy::next);
        assertFalse(lazy.hasNext(), "after the cancellation, the results end");
        assertTrue(workers.created.stream().allMatch(PoolThreadWorkers.Worker::ended));
        assertTrue(pool.join(Duration.ZERO));
        assertEquals("Pool not running", assertThrows(IllegalStateException.class,
                () -> pool.apply(() -> 1)).getMessage());
        pool.terminate();
        pool.close();
    }

    @Test
    void theBuilderChecksItsArgumentsWithPythonsMessages() {
        assertEquals("Number of processes must be at least 1",
                assertThrows(IllegalArgumentException.class, () -> new Pool(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pool.builder().maxTasksPerChild(-1));
        assertEquals("maxTasksPerChild must be a positive int, was 0; leave it unset for no limit",
                assertThrows(IllegalArgumentException.class, () -> Pool.builder().maxTasksPerChild(0)).getMessage());
        assertThrows(NullPointerException.class, () -> Pool.builder().launcher(null));
    }

    // ---------------------------------------------------------------- AsyncResult

    @Test
    void anAsyncResultWaitsReportsAndComposes() throws Exception {
        Pool pool = pool(1);
        AsyncResult<String> result = pool.applyAsync(() -> {
            await("go");
            return "done";
        });
        assertFalse(result.ready());
        assertEquals("<AsyncResult pending> not ready",
                assertThrows(IllegalStateException.class, result::successful).getMessage());
        assertThrows(TimeoutException.class, () -> result.get(Duration.ofMillis(50)));
        assertFalse(result.await(Duration.ofMillis(50)));
        assertThrows(TimeoutException.class, () -> result.get(Duration.ofMillis(-1)), "negative means zero (SPEC L17)");
        java.util.concurrent.CompletableFuture<String> future = result.toCompletableFuture();
        future.cancel(true);
        java.util.concurrent.CompletableFuture<Integer> length = result.toCompletableFuture().thenApply(String::length);
        latch("go").countDown();
        assertTrue(result.await(WAIT));
        result.await();
        assertTrue(result.successful(), "cancelling a copy has no effect on the result");
        assertEquals("done", result.get());
        assertEquals(4, length.get(20, TimeUnit.SECONDS));
        assertEquals("<AsyncResult ready>", result.toString());
    }

    /** Polling with a deadline. */
    static final class Poll {
        static boolean until(java.util.function.BooleanSupplier condition) throws InterruptedException {
            long end = System.nanoTime() + WAIT.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() - end > 0) {
                    return false;
                }
                Thread.sleep(10);
            }
            return true;
        }
    }
}
