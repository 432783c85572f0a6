package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.AsyncResult;
import io.github.multiprocessing4j.Barrier;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.ChildProcessException;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Pool;
import io.github.multiprocessing4j.ProcessInfo;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.ResultIterator;
import io.github.multiprocessing4j.tck.Scenario.ScenarioResult;
import io.github.multiprocessing4j.tck.scenarios.PoolCloseScenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Process pools: Python's {@code multiprocessing.Pool}, with the launcher under test. Workers
 * are reused daemon processes named {@code PoolWorker-<n>}; results are exact and in order
 * (imap_unordered: in completion order); a task that throws fails its own result only; a worker
 * that dies fails the one chunk it was running and is replaced; terminate ends every worker and
 * fails what has not come; close lets the submitted tasks finish. Tasks report where they ran
 * through {@link Multiprocessing#currentProcess()}.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class PoolSuite extends TckSuite {

    /** How long a test waits for a pool's result. */
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(60);

    private final List<Pool> pools = new ArrayList<>();

    /** For subclasses. */
    protected PoolSuite() {
    }

    /**
     * A builder for a pool whose workers use the launcher under test, its options, and this test
     * run's tag.
     *
     * @return the builder
     */
    protected Pool.Builder poolBuilder() {
        Pool.Builder builder = Pool.builder().launcher(launcher().name())
                .environment(NoLeakedProcesses.RUN_TAG_VARIABLE, NoLeakedProcesses.RUN_TAG);
        launcher().options().forEach(builder::launcherOption);
        return builder;
    }

    private Pool pool(Pool.Builder builder) {
        Pool pool = builder.build();
        pools.add(pool);
        return pool;
    }

    private Pool pool(int processes) {
        return pool(poolBuilder().processes(processes));
    }

    /** Terminates what a test left running; terminate() waits for the workers to end. */
    @AfterEach
    void terminatePools() {
        pools.forEach(Pool::terminate);
        pools.clear();
    }

    private static List<ChildProcess> workers() {
        return Multiprocessing.activeChildren().stream()
                .filter(child -> child.getName().startsWith("PoolWorker-")).toList();
    }

    private static long pid() {
        return Multiprocessing.currentProcess().pid();
    }

    // ---------------------------------------------------------------- results

    @Test
    void apply_runsTheTaskInADaemonWorkerProcessNamedPoolWorkerN() throws Exception {
        Pool pool = pool(2);
        List<ChildProcess> workers = workers();
        assertEquals(2, workers.size(), "the constructor started two workers: " + workers);
        for (ChildProcess worker : workers) {
            assertTrue(worker.getName().matches("PoolWorker-\\d+"), worker.getName());
            assertTrue(worker.isDaemon(), worker + " is a daemon, as Python's pool workers are");
        }
        // ProcessInfo is not serializable: the worker reports its view as text
        String ran = pool.apply(() -> {
            ProcessInfo self = Multiprocessing.currentProcess();
            return self.name() + " " + self.pid() + " " + self.isDaemon();
        });
        assertTrue(workers.stream().anyMatch(worker -> ran.equals(worker.getName() + " " + worker.pid().getAsLong()
                + " true")), ran + " is one of " + workers + ", and a daemon");
        assertFalse(ran.contains(" " + Multiprocessing.currentProcess().pid() + " "), "the task ran in another process");
        assertEquals(42, pool.apply(() -> 6 * 7));
        assertEquals("<Pool state=RUN pool_size=2>", pool.toString());
    }

    @Test
    void map_starmap_returnEveryResultExactlyAndInItemOrder() throws Exception {
        Pool pool = pool(2);
        List<Integer> items = IntStream.range(0, 500).boxed().toList();
        List<Long> squares = items.stream().map(x -> (long) x * x).toList();
        assertEquals(squares, pool.map(x -> (long) x * x, items));
        assertEquals(squares, pool.map(x -> (long) x * x, items, 7));
        assertEquals(squares, pool.mapAsync(x -> (long) x * x, items, 1000).get(RESULT_TIMEOUT));
        assertEquals(List.of(), pool.map(x -> x, List.of()));
        assertEquals(List.of("测试多进程", "x"), pool.map(s -> s, List.of("测试多进程", "x")));
        assertEquals(List.of(32.0, 9.0), pool.starmap(Math::pow, List.of(Map.entry(2.0, 5.0), Map.entry(3.0, 2.0))));
        assertEquals(List.of("a1", "b2", "c3"), pool.starmapAsync((String s, Integer i) -> s + i,
                List.of(Map.entry("a", 1), Map.entry("b", 2), Map.entry("c", 3)), 2).get(RESULT_TIMEOUT));
        Set<Long> pids = new HashSet<>(pool.map(x -> pid(), items, 1));
        assertTrue(pids.size() <= 2, "only the pool's two workers ran tasks: " + pids);
    }

    @Test
    void applyAsync_completesLaterAndGetWithATimeoutSaysWhenItHasNot() throws Exception {
        Pool pool = pool(1);
        Event go = new Event();
        AsyncResult<String> result = pool.applyAsync(() -> {
            go.await(Targets.MAX_WAIT);
            return "done in " + Multiprocessing.currentProcess().name();
        });
        assertThrows(TimeoutException.class, () -> result.get(Duration.ofMillis(300)));
        assertFalse(result.ready());
        assertFalse(result.await(Duration.ofMillis(10)));
        assertThrows(IllegalStateException.class, result::successful, "successful() before the result came");
        go.set();
        assertTrue(result.get(RESULT_TIMEOUT).startsWith("done in PoolWorker-"));
        assertTrue(result.ready());
        assertTrue(result.successful());
        assertEquals(result.get(), result.toCompletableFuture().get(1, TimeUnit.SECONDS));
    }

    @Test
    void imap_yieldsInItemOrder_imapUnordered_inCompletionOrder() throws Exception {
        Pool pool = pool(2);
        Event release = new Event();
        ResultIterator<Integer> unordered = pool.imapUnordered(x -> {
            if (x == 0) {
                PoolTargets.awaitQuietly(release);
            }
            return x * 10;
        }, List.of(0, 1, 2, 3));
        Set<Integer> first = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            first.add(unordered.next(RESULT_TIMEOUT));
        }
        assertEquals(Set.of(10, 20, 30), first, "1, 2 and 3 came while 0 still ran");
        release.set();
        assertEquals(0, unordered.next(RESULT_TIMEOUT));
        assertFalse(unordered.hasNext());

        List<Integer> inOrder = new ArrayList<>();
        for (int square : pool.imap(x -> x * x, IntStream.range(0, 50).boxed().toList(), 4)) {
            inOrder.add(square);
        }
        assertEquals(IntStream.range(0, 50).map(x -> x * x).boxed().toList(), inOrder);
        assertEquals(List.of(0, 1, 4), collect(pool.imap(x -> x * x, List.of(0, 1, 2))), "chunk size 1");
    }

    private static <R> List<R> collect(ResultIterator<R> results) {
        List<R> all = new ArrayList<>();
        results.forEach(all::add);
        return all;
    }

    @Test
    void chunks_areOneMessageToOneWorker_withPythonsDefaultSize() throws Exception {
        // with one task per worker, each chunk runs in a fresh worker: the pids show the chunks
        Pool pool = pool(poolBuilder().processes(1).maxTasksPerChild(1));
        List<Long> explicit = pool.map(x -> pid(), IntStream.range(0, 4).boxed().toList(), 3);
        assertEquals(List.of(3, 1), runLengths(explicit), "chunks of 3: " + explicit);
        // Python: chunksize, extra = divmod(5, 1 * 4) -> 1, 1; extra -> 2: chunks of 2, 2, 1
        List<Long> byDefault = pool.map(x -> pid(), IntStream.range(0, 5).boxed().toList());
        assertEquals(List.of(2, 2, 1), runLengths(byDefault), "default chunks: " + byDefault);
    }

    /** The lengths of the runs of equal, consecutive values, which must all be distinct. */
    private static List<Integer> runLengths(List<Long> pids) {
        List<Integer> lengths = new ArrayList<>();
        Set<Long> seen = new LinkedHashSet<>();
        for (int i = 0; i < pids.size(); i++) {
            if (i == 0 || !pids.get(i).equals(pids.get(i - 1))) {
                assertTrue(seen.add(pids.get(i)), "a worker ran two chunks: " + pids);
                lengths.add(1);
            } else {
                lengths.set(lengths.size() - 1, lengths.get(lengths.size() - 1) + 1);
            }
        }
        return lengths;
    }

    // ---------------------------------------------------------------- workers

    @Test
    void initializer_runsOnceInEachWorkerBeforeItsFirstTask() throws Exception {
        Pool pool = pool(poolBuilder().processes(2).initializer(PoolTargets::initialize));
        Barrier both = new Barrier(2);
        // two tasks that wait for each other run in two different workers
        List<String> reports = pool.map(x -> {
            PoolTargets.awaitQuietly(both);
            return PoolTargets.initializedAs() + " / " + Multiprocessing.currentProcess().name();
        }, List.of(1, 2), 1);
        assertEquals(2, new HashSet<>(reports).size(), "two workers: " + reports);
        for (String report : reports) {
            String[] parts = report.split(" / ");
            assertEquals("initialized once in " + parts[1], parts[0], report);
        }
        List<String> later = pool.map(x -> PoolTargets.initializedAs(), IntStream.range(0, 20).boxed().toList(), 1);
        assertTrue(later.stream().allMatch(line -> line.startsWith("initialized once in PoolWorker-")), later.toString());
    }

    @Test
    void maxTasksPerChild_replacesEachWorkerAfterThatManyTasks() throws Exception {
        Pool pool = pool(poolBuilder().processes(1).maxTasksPerChild(2));
        List<Long> pids = pool.map(x -> pid(), IntStream.range(0, 4).boxed().toList(), 1);
        assertEquals(List.of(2, 2), runLengths(pids), "two workers, two tasks each: " + pids);
        assertEquals(1, workers().size(), "the pool keeps one worker");
    }

    @Test
    void aTaskThatThrowsFailsOnlyItsOwnResult() throws Exception {
        Pool pool = pool(2);
        AsyncResult<Integer> good = pool.applyAsync(() -> 1);
        AsyncResult<Integer> bad = pool.applyAsync(() -> {
            throw new IllegalStateException("boom");
        });
        // a Future's get(): ExecutionException whose cause is the task's own exception, which
        // carries the worker's stack trace and, suppressed, the worker's name
        ExecutionException failure = assertThrows(ExecutionException.class, () -> bad.get(RESULT_TIMEOUT));
        assertInstanceOf(IllegalStateException.class, failure.getCause());
        assertEquals("boom", failure.getCause().getMessage());
        assertTrue(failure.getCause().getStackTrace().length > 0, "the worker's stack trace came along");
        ChildProcessException where = assertInstanceOf(ChildProcessException.class, failure.getCause().getSuppressed()[0]);
        assertTrue(where.processName().startsWith("PoolWorker-"), where.processName());
        assertTrue(failure.getMessage().contains(where.processName()), "the message names the worker: " + failure);
        assertEquals(1, good.get(RESULT_TIMEOUT));

        ChildProcessException mapFailure = assertThrows(ChildProcessException.class,
                () -> pool.map(x -> 100 / x, List.of(1, 2, 0, 4)));
        assertInstanceOf(ArithmeticException.class, mapFailure.getCause());
        ResultIterator<Integer> results = pool.imap(x -> 100 / x, List.of(1, 0, 4), 3);
        assertEquals(100, results.next());
        assertThrows(ChildProcessException.class, results::next);
        assertEquals(25, results.next(), "the rest of the failed item's chunk has its results");
        assertEquals(List.of(1, 2, 3), pool.map(x -> x, List.of(1, 2, 3)), "the pool goes on");
        assertEquals(2, workers().size(), "no worker died");
    }

    @Test
    void aWorkerKilledMidTaskIsReplaced_andOnlyItsTaskFails() throws Exception {
        Pool pool = pool(2);
        Event halting = new Event();
        AsyncResult<Integer> killed = pool.applyAsync(() -> {
            halting.set();
            Runtime.getRuntime().halt(7);
            return 0;
        });
        assertTrue(halting.await(RESULT_TIMEOUT));
        AsyncResult<List<Integer>> others = pool.mapAsync(x -> x * x, IntStream.range(0, 40).boxed().toList(), 1);
        ExecutionException died = assertThrows(ExecutionException.class, () -> killed.get(RESULT_TIMEOUT));
        ChildProcessException failure = assertInstanceOf(ChildProcessException.class, died.getCause(),
                "a worker that died threw nothing: the cause says how it ended");
        assertTrue(failure.processName().startsWith("PoolWorker-"), failure.processName());
        assertTrue(failure.getMessage().contains("ended with exit code 7 while running this task"), failure.getMessage());
        assertEquals(IntStream.range(0, 40).map(x -> x * x).boxed().toList(), others.get(RESULT_TIMEOUT),
                "the other tasks all succeeded");
        assertTrue(Poll.until(() -> workers().size() == 2
                && workers().stream().noneMatch(w -> w.getName().equals(failure.processName())), RESULT_TIMEOUT),
                "the dead worker was replaced: " + workers());
        Set<String> names = new HashSet<>(pool.map(x -> Multiprocessing.currentProcess().name(),
                IntStream.range(0, 10).boxed().toList(), 1));
        assertFalse(names.contains(failure.processName()), names.toString());
    }

    @Test
    void aWorkerKilledInTheMiddleOfAMap_failsOnlyItsChunk_andNoOtherChunkIsLostOrRunTwice() throws Exception {
        Pool pool = pool(2);
        assertTrue(pool.awaitReady(RESULT_TIMEOUT));
        Event killedOnce = new Event();
        Queue<Integer> ran = new Queue<>();
        int items = 200;
        // chunks of one: when item 37 kills its worker, that worker has more chunks dealt to it
        ResultIterator<Integer> results = pool.imap(x -> {
            if (x == 37 && !killedOnce.isSet()) {
                killedOnce.set();
                // a call after this worker's puts: where puts are posted to the queue's process
                // (a remote launcher), they have arrived before the worker dies
                ran.qsize();
                Runtime.getRuntime().halt(9);
            }
            ran.put(x);
            return x * x;
        }, IntStream.range(0, items).boxed().toList(), 1);
        List<Integer> failedItems = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            try {
                assertEquals(i * i, results.next(RESULT_TIMEOUT), "item " + i);
            } catch (ChildProcessException e) {
                assertTrue(e.getMessage().contains("ended with exit code 9 while running this task"), e.getMessage());
                failedItems.add(i);
            }
        }
        assertEquals(List.of(37), failedItems, "only the chunk the worker was running failed");
        List<Integer> seen = new ArrayList<>();
        while (true) {
            try {
                seen.add(ran.get(Duration.ofMillis(500)));
            } catch (QueueEmptyException e) {
                break;
            }
        }
        List<Integer> expected = new ArrayList<>(IntStream.range(0, items).boxed().toList());
        expected.remove(Integer.valueOf(37));
        seen.sort(null);
        assertEquals(expected, seen, "every item but the killed one ran exactly once");
        // and the pool goes on, with a replacement worker
        assertEquals(List.of(0, 1, 4, 9), pool.map(x -> x * x, List.of(0, 1, 2, 3), 1));
    }

    // ---------------------------------------------------------------- close, terminate, join

    @Test
    void terminate_endsEveryWorkerNow_andFailsWhatHasNotCome() throws Exception {
        Pool pool = pool(2);
        Event started = new Event();
        List<AsyncResult<Integer>> sleepers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sleepers.add(pool.applyAsync(() -> {
                started.set();
                Targets.sleep(Targets.MAX_WAIT.toMillis());
                return 1;
            }));
        }
        assertTrue(started.await(RESULT_TIMEOUT));
        List<ChildProcess> workers = workers();
        long start = System.nanoTime();
        pool.terminate();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 15_000, "terminate() took " + millis + " ms");
        for (ChildProcess worker : workers) {
            assertFalse(worker.isAlive(), worker + " ended before terminate() returned");
        }
        for (AsyncResult<Integer> sleeper : sleepers) {
            assertThrows(CancellationException.class, () -> sleeper.get(Duration.ZERO));
        }
        assertEquals("Pool not running", assertThrows(IllegalStateException.class,
                () -> pool.applyAsync(() -> 1)).getMessage());
        assertTrue(pool.join(Duration.ZERO));
        assertEquals("<Pool state=TERMINATE pool_size=2>", pool.toString());
    }

    @Test
    void close_refusesNewTasks_letsSubmittedOnesFinish_andJoinWaitsForTheWorkers() throws Exception {
        Pool pool = pool(2);
        assertEquals("Pool is still running", assertThrows(IllegalStateException.class, pool::join).getMessage());
        List<ChildProcess> workers = workers();
        AsyncResult<List<Integer>> squares = pool.mapAsync(x -> {
            Targets.sleep(20);
            return x * x;
        }, IntStream.range(0, 20).boxed().toList(), 1);
        pool.close();
        for (Runnable call : List.<Runnable>of(() -> pool.applyAsync(() -> 1),
                () -> pool.mapAsync(x -> x, List.of(1)), () -> pool.imap(x -> x, List.of(1)))) {
            assertEquals("Pool not running", assertThrows(IllegalStateException.class, call::run).getMessage());
        }
        assertTrue(pool.join(RESULT_TIMEOUT), "join() returned when the workers had ended");
        assertEquals(IntStream.range(0, 20).map(x -> x * x).boxed().toList(), squares.get(Duration.ZERO));
        for (ChildProcess worker : workers) {
            assertEquals(0, exitCodeAfterJoin(worker), worker + " exited by itself once the tasks were done");
        }
        pool.close();
        pool.terminate();
    }

    @Test
    void tryWithResources_closesThePool_andTheWorkersEndOnTheirOwn() throws Exception {
        List<ChildProcess> workers;
        List<Integer> squares;
        try (Pool pool = pool(2)) {
            workers = workers();
            squares = pool.map(x -> x * x, List.of(1, 2, 3));
        }
        assertEquals(List.of(1, 4, 9), squares);
        for (ChildProcess worker : workers) {
            assertEquals(0, exitCodeAfterJoin(worker));
        }
    }

    /**
     * A pool closed, terminated, or closed and left to the JVM's exit while its workers still
     * boot is an orderly end: its JVM logs nothing above DEBUG and no worker prints a stack trace
     * (a worker told to end while booting used to print "Shutdown in progress").
     */
    @Test
    void aPoolEndedWhileItsWorkersBootSaysNothing() {
        ScenarioResult result = scenario(PoolCloseScenario.class).run();
        assertEquals(0, result.exitCode(), () -> "the scenario failed: " + result);
        assertEquals("true", result.value("left.closed"), () -> "the scenario did not reach its end: " + result);
        List<String> noise = new ArrayList<>();
        for (String line : result.stderr()) {
            if (line.contains("WARN") || line.contains("ERROR") || line.contains("Exception") || line.contains("\tat ")) {
                noise.add(line);
            }
        }
        assertEquals(List.of(), noise, "what an orderly end of three pools printed on standard error");
    }

    /**
     * A new pool's first map of CPU-heavy items, once {@link Pool#awaitReady} says its workers
     * are up, runs on both workers and takes less time than the same items one after the other in
     * this JVM (a newcomer saw 5 to 7 of 8 such items on one worker, slower than no pool at all,
     * before there was a way to wait for the workers). The time is compared on a second new pool
     * if the first one's map did not beat it: a burst of other work on the two cores (CI's
     * cluster, a start-cache training) can slow one map; a pool that does not spread its work
     * loses both times.
     */
    @Test
    void aReadyPoolsFirstMapOfCpuWorkRunsOnEveryWorkerAndBeatsSequential() throws Exception {
        String first = firstMapOfAReadyPool();
        if (first != null) {
            String second = firstMapOfAReadyPool();
            assertTrue(second == null, "the first map of a new ready pool took longer than the sequential "
                    + "time, twice: " + first + "; then " + second);
        }
    }

    /**
     * Times 8 CPU-heavy items one after the other in this JVM, then as the first map of a new
     * {@code Pool(2)} once it is ready, and checks that both workers ran items.
     *
     * @return {@code null} if the map took less time than the sequential run, or its figures
     */
    private String firstMapOfAReadyPool() throws Exception {
        List<Integer> ranges = IntStream.range(0, 8).boxed().collect(java.util.stream.Collectors.toList());
        long start = System.nanoTime();
        long expected = 0;
        for (int range : ranges) {
            expected += PoolTargets.primesIn(range);
        }
        long sequentialNanos = System.nanoTime() - start;
        Pool pool = pool(poolBuilder().processes(2));
        assertTrue(pool.awaitReady(READY_TIMEOUT), "the workers were not ready within " + READY_TIMEOUT);
        long mapStart = System.nanoTime();
        List<long[]> results = pool.map(PoolTargets::primesInWithPid, ranges);
        long parallelNanos = System.nanoTime() - mapStart;
        pool.terminate(); // its workers are gone before anything else is timed
        Map<Long, Integer> itemsPerWorker = new java.util.TreeMap<>();
        long total = 0;
        for (long[] result : results) {
            total += result[0];
            itemsPerWorker.merge(result[1], 1, Integer::sum);
        }
        assertEquals(expected, total, "the primes counted by the pool");
        String figures = String.format("map %.0f ms against %.0f ms sequential; items per worker pid %s",
                parallelNanos / 1e6, sequentialNanos / 1e6, itemsPerWorker);
        System.out.println("first map of a ready Pool(2): " + figures);
        assertEquals(2, itemsPerWorker.size(), "both workers ran items: " + figures);
        assertTrue(itemsPerWorker.values().stream().allMatch(n -> n >= 2), "each worker ran at least 2 of 8: " + figures);
        // beats sequential: on the 2-core machine that also runs a Kubernetes control plane and
        // background start-cache trainings (CI), 0.62 to 0.69 alone, 0.79 to 0.86 in CI's passes,
        // once 1.01 (hence the second pool); the speed-up itself is measured where it can be, in
        // the benchmarks (pool_cpu_speedup)
        return parallelNanos < sequentialNanos ? null : figures;
    }
}
