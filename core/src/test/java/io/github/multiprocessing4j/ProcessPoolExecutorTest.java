package io.github.multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The executor's semantics with workers that are threads of this JVM ({@link PoolThreadWorkers}):
 * futures, failures, cancellation, invokeAll/invokeAny, shutdown. What needs worker JVMs is in
 * the tck's ExecutorSuite.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolExecutorTest {

    private static final long WAIT = 20;
    /** Latches and marks that tasks use, by name: tasks run in this JVM, so they see them. */
    private static final Set<String> RAN = ConcurrentHashMap.newKeySet();

    private final PoolThreadWorkers workers = new PoolThreadWorkers();
    private final List<ProcessPoolExecutor> executors = new ArrayList<>();

    private ProcessPoolExecutor executor(int workerCount) {
        ProcessPoolExecutor executor = ProcessPoolExecutor.builder().maxWorkers(workerCount)
                .workerFactory(workers).build();
        executors.add(executor);
        return executor;
    }

    @AfterEach
    void shutdownExecutors() {
        executors.forEach(ProcessPoolExecutor::shutdownNow);
        NamedLatches.releaseAll();
        RAN.clear();
    }

    static CountDownLatch latch(String name) {
        return NamedLatches.latch(name);
    }

    static boolean await(String name) {
        return NamedLatches.await(name);
    }

    /** Blocks the executor's workers until {@code name} is counted down. */
    private static void occupy(ProcessPoolExecutor executor, String name) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(executor.maxWorkers());
        NamedLatches.put(name + " started", started);
        for (int i = 0; i < executor.maxWorkers(); i++) {
            executor.submit(() -> {
                latch(name + " started").countDown();
                await(name);
            });
        }
        assertTrue(started.await(WAIT, TimeUnit.SECONDS), "every worker runs a blocking task");
    }

    @Test
    void submit_returnsCompletableFuturesOfTheTasksValues() throws Exception {
        ProcessPoolExecutor executor = executor(2);
        assertEquals("<ProcessPoolExecutor state=RUN max_workers=2 unfinished=0>", executor.toString());
        CompletableFuture<Integer> a = executor.submit(() -> 6 * 7);
        CompletableFuture<Void> b = executor.submit(() -> {
            RAN.add("b");
        });
        CompletableFuture<String> c = executor.submit(() -> {
            RAN.add("c");
        }, "given");
        assertEquals(42, a.get(WAIT, TimeUnit.SECONDS));
        assertNull(b.get(WAIT, TimeUnit.SECONDS));
        assertEquals("given", c.get(WAIT, TimeUnit.SECONDS));
        assertTrue(RAN.containsAll(Set.of("b", "c")));
        assertEquals(43, a.thenCombine(executor.submit(() -> 1), Integer::sum).get(WAIT, TimeUnit.SECONDS));
        executor.execute(() -> latch("executed").countDown());
        assertTrue(latch("executed").await(WAIT, TimeUnit.SECONDS));
    }

    @Test
    void theBuilderGivesTheWorkersTheirInitializerAndMaxTasksPerChild() throws Exception {
        ProcessPoolExecutor executor = ProcessPoolExecutor.builder().maxWorkers(1).maxTasksPerChild(1)
                .initializer(() -> RAN.add("initialized " + Thread.currentThread().getName()))
                .workerFactory(workers).build();
        executors.add(executor);
        String first = executor.submit(() -> Thread.currentThread().getName()).get(WAIT, TimeUnit.SECONDS);
        String second = executor.submit(() -> Thread.currentThread().getName()).get(WAIT, TimeUnit.SECONDS);
        assertFalse(first.equals(second), "a fresh worker after one task: " + first + ", " + second);
        assertTrue(RAN.containsAll(Set.of("initialized " + first, "initialized " + second)), RAN.toString());
        assertEquals(1, executor.maxWorkers());
        assertThrows(IllegalArgumentException.class, () -> ProcessPoolExecutor.builder().maxTasksPerChild(0));
    }

    @Test
    void callbacksRunOffThePoolsOwnThreads() throws Exception {
        ProcessPoolExecutor executor = executor(1);
        occupy(executor, "hold");
        CompletableFuture<String> thread = executor.submit(() -> 1).thenApply(x -> Thread.currentThread().getName());
        latch("hold").countDown();
        String name = thread.get(WAIT, TimeUnit.SECONDS);
        assertFalse(name.startsWith("multiprocessing4j-pool-"), name);
        assertFalse(name.startsWith("ThreadWorker-"), name);
    }

    @Test
    void theTasksOwnExceptionIsTheCauseOfExecutionException() throws Exception {
        ProcessPoolExecutor executor = executor(1);
        CompletableFuture<Integer> unchecked = executor.submit(() -> {
            throw new IllegalStateException("boom");
        });
        ExecutionException failure = assertThrows(ExecutionException.class, () -> unchecked.get(WAIT, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failure.getCause());
        assertEquals("boom", failure.getCause().getMessage());
        ChildProcessException where = assertInstanceOf(ChildProcessException.class,
                failure.getCause().getSuppressed()[0], "marked with the worker, as every future's failure");
        assertEquals(workers.created.get(0).name(), where.processName());
        CompletableFuture<Integer> checked = executor.submit(() -> {
            throw new IOException("disk");
        });
        failure = assertThrows(ExecutionException.class, () -> checked.get(WAIT, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, failure.getCause());
        assertEquals(7, executor.submit(() -> 7).get(WAIT, TimeUnit.SECONDS), "the executor goes on");
    }

    @Test
    void aWorkerThatDiesFailsItsTaskWithChildProcessException_andTheExecutorGoesOn() throws Exception {
        ProcessPoolExecutor executor = executor(1);
        CompletableFuture<String> stuck = executor.submit(() -> {
            RAN.add(Thread.currentThread().getName());
            latch("running").countDown();
            await("never");
            return "unreachable";
        });
        assertTrue(latch("running").await(WAIT, TimeUnit.SECONDS));
        workers.created.get(0).die(9);
        ExecutionException failure = assertThrows(ExecutionException.class, () -> stuck.get(WAIT, TimeUnit.SECONDS));
        ChildProcessException died = assertInstanceOf(ChildProcessException.class, failure.getCause());
        assertEquals(workers.created.get(0).name(), died.processName());
        assertTrue(died.getMessage().contains("ended with exit code 9 while running this task"), died.getMessage());
        assertEquals(7, executor.submit(() -> 7).get(WAIT, TimeUnit.SECONDS), "a replacement runs the next task");
    }

    @Test
    void aTaskThatCannotBeSerializedFailsInSubmit_namingTheClassOrTheCapturedValue() {
        ProcessPoolExecutor executor = executor(1);
        ExecutorService service = executor;
        Callable<Integer> plain = () -> 1;
        TargetNotSerializableException lambda = assertThrows(TargetNotSerializableException.class,
                () -> service.submit(plain));
        assertTrue(lambda.getMessage().contains(plain.getClass().getName() + " is not serializable"), lambda.getMessage());
        assertTrue(lambda.getMessage().contains("SerializableCallable"), "says what to do: " + lambda.getMessage());

        Object local = new Object() {
            @Override
            public String toString() {
                return "local";
            }
        };
        TargetNotSerializableException captured = assertThrows(TargetNotSerializableException.class,
                () -> executor.submit(() -> local.toString()));
        assertEquals(local.getClass().getName(), captured.offendingClass());
        assertTrue(captured.getMessage().contains("captured value #1 of lambda"), captured.getMessage());
        assertThrows(TargetNotSerializableException.class, () -> service.execute(() -> { }));
        assertThrows(TargetNotSerializableException.class,
                () -> CompletableFuture.supplyAsync(() -> 1, service));
        assertEquals("<ProcessPoolExecutor state=RUN max_workers=1 unfinished=0>", executor.toString(),
                "nothing was submitted");
    }

    @Test
    void cancel_removesATaskNotStarted_andARunningTaskRunsToItsEnd() throws Exception {
        ProcessPoolExecutor executor = executor(1);
        CompletableFuture<Integer> running = executor.submit(() -> {
            latch("running").countDown();
            await("finish");
            RAN.add("running");
            return 1;
        });
        assertTrue(latch("running").await(WAIT, TimeUnit.SECONDS));
        CompletableFuture<Integer> waiting = executor.submit(() -> {
            RAN.add("waiting");
            return 2;
        });
        assertTrue(waiting.cancel(true));
        assertTrue(waiting.isCancelled());
        assertTrue(running.cancel(true), "as CompletableFuture.cancel");
        assertTrue(running.isCancelled());
        latch("finish").countDown();
        executor.shutdown();
        assertTrue(executor.awaitTermination(WAIT, TimeUnit.SECONDS));
        assertEquals(Set.of("running"), RAN, "the running task ran to its end; the one cancelled before it started never ran");
    }

    @Test
    void submitAfterShutdown_isRejectedWithPythonsMessage() throws Exception {
        ProcessPoolExecutor executor = executor(1);
        assertFalse(executor.awaitTermination(10, TimeUnit.MILLISECONDS), "not shut down: waits for the timeout");
        executor.shutdown();
        assertTrue(executor.isShutdown());
        RejectedExecutionException rejected = assertThrows(RejectedExecutionException.class,
                () -> executor.submit(() -> 1));
        assertTrue(rejected.getMessage().startsWith("cannot schedule new futures after shutdown"), rejected.getMessage());
        assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> executor.invokeAll(List.of(() -> 1)));
        assertTrue(executor.awaitTermination(WAIT, TimeUnit.SECONDS));
        assertTrue(executor.isTerminated());
        assertEquals("<ProcessPoolExecutor state=TERMINATED max_workers=1 unfinished=0>", executor.toString());
        assertThrows(IllegalArgumentException.class, () -> ProcessPoolExecutor.builder().maxWorkers(0));
    }

    @Test
    void shutdownNow_returnsTheTasksNeverStarted_andCancelsEveryFuture() throws Exception {
        ProcessPoolExecutor executor = executor(1);
        CompletableFuture<Integer> running = executor.submit(() -> {
            latch("running").countDown();
            await("never");
            return 1;
        });
        assertTrue(latch("running").await(WAIT, TimeUnit.SECONDS));
        ProcessPoolExecutor.Task second = () -> RAN.add("second");
        SerializableCallable<Integer> third = () -> 3;
        CompletableFuture<Void> secondFuture = executor.submit(second);
        CompletableFuture<Integer> thirdFuture = executor.submit(third);
        List<Runnable> unstarted = executor.shutdownNow();
        assertEquals(2, unstarted.size(), unstarted.toString());
        assertSame(second, unstarted.get(0));
        assertInstanceOf(FutureTask.class, unstarted.get(1));
        assertTrue(secondFuture.isCancelled());
        assertTrue(thirdFuture.isCancelled());
        assertTrue(running.isCancelled(), "the running task was stopped");
        assertTrue(executor.isTerminated());
        assertFalse(RAN.contains("second"));
    }

    @Test
    void shutdownWithCancelFutures_cancelsThePendingTasks_andLetsTheRunningOneFinish() throws Exception {
        ProcessPoolExecutor executor = executor(1);
        CompletableFuture<Integer> running = executor.submit(() -> {
            latch("running").countDown();
            await("finish");
            return 1;
        });
        assertTrue(latch("running").await(WAIT, TimeUnit.SECONDS));
        CompletableFuture<Integer> pending = executor.submit(() -> 2);
        executor.shutdown(false, true);
        assertTrue(pending.isCancelled());
        latch("finish").countDown();
        executor.shutdown(true, false);
        assertTrue(executor.isTerminated());
        assertEquals(1, running.get(0, TimeUnit.SECONDS));
    }

    @Test
    void map_returnsTheValuesInItemOrder_andThrowsTheFirstFailureInItemOrder() throws Exception {
        ProcessPoolExecutor executor = executor(2);
        assertEquals(List.of(1, 4, 9), executor.map(x -> x * x, List.of(1, 2, 3)));
        assertEquals(List.of(), executor.map(x -> x, List.of()));
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> executor.map(x -> 12 / x, List.of(1, 0, 3)));
        assertInstanceOf(ArithmeticException.class, failure.getCause());
        Object local = new Object();
        assertThrows(TargetNotSerializableException.class, () -> executor.map(x -> x, List.of(1, local)));
    }

    @Test
    void invokeAll_waitsForEveryTask_andWithATimeoutCancelsTheRest() throws Exception {
        ProcessPoolExecutor executor = executor(2);
        List<SerializableCallable<Integer>> tasks = List.of(() -> 1, () -> {
            throw new IllegalStateException("two");
        }, () -> 3);
        List<Future<Integer>> futures = executor.invokeAll(tasks);
        assertTrue(futures.stream().allMatch(Future::isDone));
        assertEquals(1, futures.get(0).get());
        assertInstanceOf(IllegalStateException.class, assertThrows(ExecutionException.class, futures.get(1)::get).getCause());
        assertEquals(3, futures.get(2).get());

        List<SerializableCallable<Integer>> slow = List.of(() -> 1, () -> {
            await("never");
            return 2;
        });
        List<Future<Integer>> timed = executor.invokeAll(slow, 300, TimeUnit.MILLISECONDS);
        assertEquals(1, timed.get(0).get());
        assertTrue(timed.get(1).isCancelled());
    }

    @Test
    void invokeAny_returnsTheFirstValue_andCancelsTheRest() throws Exception {
        ProcessPoolExecutor executor = executor(2);
        List<SerializableCallable<String>> tasks = List.of(() -> {
            await("never");
            return "slow";
        }, () -> "fast");
        assertEquals("fast", executor.invokeAny(tasks));
        List<SerializableCallable<String>> failing = List.of(() -> {
            throw new IllegalStateException("one");
        }, () -> {
            throw new IllegalStateException("two");
        });
        ExecutionException all = assertThrows(ExecutionException.class, () -> executor.invokeAny(failing));
        assertInstanceOf(IllegalStateException.class, all.getCause());
        assertThrows(TimeoutException.class, () -> executor.invokeAny(List.<SerializableCallable<String>>of(() -> {
            await("never");
            return "late";
        }), 100, TimeUnit.MILLISECONDS));
        assertThrows(IllegalArgumentException.class, () -> executor.invokeAny(List.<Callable<String>>of()));
    }

    @Test
    void close_interruptedWhileItWaits_stopsTheTasksAsShutdownNow_andKeepsTheInterruptStatus() throws Exception {
        ProcessPoolExecutor executor = executor(1);
        CompletableFuture<Integer> stuck = executor.submit(() -> {
            latch("running").countDown();
            await("never");
            return 1;
        });
        assertTrue(latch("running").await(WAIT, TimeUnit.SECONDS));
        Thread.currentThread().interrupt();
        executor.close();
        assertTrue(Thread.interrupted(), "the interrupt status is set again");
        assertTrue(stuck.isCancelled());
        assertTrue(executor.isTerminated());
    }

    @Test
    void close_waitsUntilTheTasksHaveRun() throws Exception {
        CompletableFuture<Integer> last;
        try (ProcessPoolExecutor executor = executor(1)) {
            executor.submit(() -> {
                await("never");
                return 0;
            }).cancel(true);
            last = executor.submit(() -> {
                Thread.sleep(100);
                return 1;
            });
            // the cancelled task runs on in the worker until released
            latch("never").countDown();
        }
        assertTrue(last.isDone());
        assertEquals(1, last.get(0, TimeUnit.SECONDS));
        assertTrue(executors.get(0).isTerminated());
        assertTrue(executors.get(0).awaitTermination(0, TimeUnit.SECONDS));
    }
}
