package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.ChildProcessException;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessPoolExecutor;
import io.github.multiprocessing4j.SerializableCallable;
import io.github.multiprocessing4j.TargetNotSerializableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link ProcessPoolExecutor}: Python's {@code concurrent.futures.ProcessPoolExecutor} as a Java
 * {@code ExecutorService}, with the launcher under test. Tasks run in worker processes and their
 * futures are {@code CompletableFuture}s; a task's exception comes back as the cause of
 * {@code ExecutionException}; a worker killed mid-task fails that task only; a task that cannot
 * be serialized fails in {@code submit}; cancel removes a task not started; shutdown, shutdownNow,
 * awaitTermination and close keep the {@code ExecutorService} contract.
 *
 * <p>One executor of two workers serves the tests that leave it running (worker JVMs take a
 * while to start); the tests of its end make their own, of one worker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ExecutorSuite extends TckSuite {

    private static final long WAIT_SECONDS = 60;

    private ProcessPoolExecutor shared;
    private final List<ProcessPoolExecutor> own = new ArrayList<>();

    /** For subclasses. */
    protected ExecutorSuite() {
    }

    /**
     * A builder for an executor whose workers use the launcher under test, its options, and this
     * test run's tag.
     *
     * @return the builder
     */
    protected ProcessPoolExecutor.Builder executorBuilder() {
        ProcessPoolExecutor.Builder builder = ProcessPoolExecutor.builder().launcher(launcher().name())
                .environment(NoLeakedProcesses.RUN_TAG_VARIABLE, NoLeakedProcesses.RUN_TAG);
        launcher().options().forEach(builder::launcherOption);
        return builder;
    }

    /** The executor of two workers that the tests share; they leave it running. */
    private ProcessPoolExecutor shared() {
        if (shared == null) {
            shared = executorBuilder().maxWorkers(2).build();
        }
        return shared;
    }

    private ProcessPoolExecutor ownExecutor() {
        ProcessPoolExecutor executor = executorBuilder().maxWorkers(1).build();
        own.add(executor);
        return executor;
    }

    /** Ends the executors, and waits for their workers, before the leak check. */
    @AfterAll
    void closeExecutors() throws InterruptedException {
        own.forEach(ProcessPoolExecutor::shutdownNow);
        if (shared != null) {
            shared.shutdownNow();
            assertTrue(shared.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
        }
    }

    private static Set<ChildProcess> workers() {
        Set<ChildProcess> workers = new HashSet<>();
        Multiprocessing.activeChildren().stream().filter(child -> child.getName().startsWith("PoolWorker-"))
                .forEach(workers::add);
        return workers;
    }

    private static long pid() {
        return Multiprocessing.currentProcess().pid();
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- futures

    @Test
    void submit_runsTasksInWorkerProcesses_andItsFuturesCompose() throws Exception {
        ProcessPoolExecutor executor = shared();
        Set<Long> workerPids = new HashSet<>();
        workers().forEach(worker -> workerPids.add(worker.pid().orElseThrow()));
        long ran = get(executor.submit(() -> pid()));
        assertNotEquals(Multiprocessing.currentProcess().pid(), ran, "the task ran in another process");
        assertTrue(workerPids.contains(ran), ran + " is the pid of one of the workers " + workerPids);

        Event runnable = new Event();
        Event withResult = new Event();
        Event executed = new Event();
        assertNull(get(executor.submit(() -> {
            runnable.set();
        })));
        assertTrue(runnable.isSet());
        assertEquals("given", get(executor.submit(() -> {
            withResult.set();
        }, "given")));
        assertTrue(withResult.isSet());
        executor.execute(() -> executed.set());
        assertTrue(executed.await(Targets.MAX_WAIT), "execute ran the task");

        CompletableFuture<Integer> six = executor.submit(() -> 6);
        CompletableFuture<Integer> seven = executor.submit(() -> 7);
        CompletableFuture<Integer> product = six.thenCombine(seven, (a, b) -> a * b);
        assertEquals(42, get(product));
        List<CompletableFuture<Long>> squares = new ArrayList<>();
        for (long i = 0; i < 10; i++) {
            long x = i;
            squares.add(executor.submit(() -> x * x));
        }
        CompletableFuture<Long> sum = CompletableFuture.allOf(squares.toArray(CompletableFuture[]::new))
                .thenApply(done -> squares.stream().mapToLong(CompletableFuture::join).sum());
        assertEquals(285L, get(sum));
        assertEquals(List.of(0L, 1L, 4L, 9L), executor.map(x -> (long) x * x, List.of(0, 1, 2, 3)),
                "Python's executor.map");
        String thread = get(executor.submit(() -> 1).thenApply(x -> Thread.currentThread().getName()));
        assertFalse(thread.startsWith("multiprocessing4j-"), "callbacks run off the library's threads: " + thread);
    }

    @Test
    void invokeAll_waitsForEveryTask_invokeAny_returnsTheFirstValueAndCancelsTheRest() throws Exception {
        ProcessPoolExecutor executor = shared();
        List<SerializableCallable<Integer>> tasks = List.of(() -> 1, () -> {
            throw new IllegalStateException("two");
        }, () -> 3);
        List<Future<Integer>> all = executor.invokeAll(tasks);
        assertTrue(all.stream().allMatch(Future::isDone));
        assertEquals(1, all.get(0).get());
        assertInstanceOf(IllegalStateException.class, assertThrows(ExecutionException.class, all.get(1)::get).getCause());
        assertEquals(3, all.get(2).get());

        Event release = new Event();
        Event slowEnded = new Event();
        try {
            List<SerializableCallable<String>> race = List.of(() -> {
                release.await(Targets.MAX_WAIT);
                slowEnded.set();
                return "slow";
            }, () -> "fast");
            assertEquals("fast", executor.invokeAny(race));
            List<SerializableCallable<String>> timed = List.of(() -> "quick", () -> {
                release.await(Targets.MAX_WAIT);
                return "late";
            });
            List<Future<String>> outcome = executor.invokeAll(timed, 500, TimeUnit.MILLISECONDS);
            assertEquals("quick", outcome.get(0).get());
            assertTrue(outcome.get(1).isCancelled(), "the task not done in time was cancelled");
        } finally {
            release.set();
        }
        assertTrue(slowEnded.await(Targets.MAX_WAIT), "the losing task, running when it was cancelled, ran to its end");
        List<SerializableCallable<String>> failing = List.of(() -> {
            throw new IOException("one");
        }, () -> {
            throw new IOException("two");
        });
        assertInstanceOf(IOException.class, assertThrows(ExecutionException.class,
                () -> executor.invokeAny(failing)).getCause());
    }

    @Test
    void aTasksExceptionIsTheCauseOfExecutionException_withTheWorkersStackTrace() throws Exception {
        ProcessPoolExecutor executor = shared();
        CompletableFuture<Integer> unchecked = executor.submit(() -> {
            throw new IllegalStateException("boom in " + Multiprocessing.currentProcess().name());
        });
        ExecutionException failure = assertThrows(ExecutionException.class, () -> get(unchecked));
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, failure.getCause());
        assertTrue(cause.getMessage().startsWith("boom in PoolWorker-"), cause.getMessage());
        assertTrue(cause.getStackTrace().length > 0, "the worker's stack trace came along");
        ChildProcessException where = assertInstanceOf(ChildProcessException.class, cause.getSuppressed()[0],
                "marked with its worker, as every future's failure in this library");
        assertTrue(cause.getMessage().endsWith(where.processName()), where.processName() + " ran " + cause.getMessage());
        CompletableFuture<Integer> checked = executor.submit(() -> {
            throw new IOException("disk");
        });
        assertEquals("disk", assertInstanceOf(IOException.class,
                assertThrows(ExecutionException.class, () -> get(checked)).getCause()).getMessage());
        assertEquals("handled: disk", get(checked.handle((value, e) -> "handled: " + e.getMessage())),
                "Python's Future.exception()");
    }

    @Test
    void aWorkerKilledRunningATaskFailsThatTaskOnly_andTheExecutorGoesOn() throws Exception {
        ProcessPoolExecutor executor = shared();
        Event halting = new Event();
        CompletableFuture<Integer> killed = executor.submit(() -> {
            halting.set();
            Runtime.getRuntime().halt(7);
            return 0;
        });
        assertTrue(halting.await(Targets.MAX_WAIT));
        CompletableFuture<Integer> other = executor.submit(() -> 6 * 7);
        ExecutionException failure = assertThrows(ExecutionException.class, () -> get(killed));
        ChildProcessException died = assertInstanceOf(ChildProcessException.class, failure.getCause());
        assertTrue(died.processName().startsWith("PoolWorker-"), died.processName());
        assertTrue(died.getMessage().contains("ended with exit code 7 while running this task"), died.getMessage());
        assertEquals(42, get(other));
        assertTrue(Poll.until(() -> workers().size() == 2
                && workers().stream().noneMatch(worker -> worker.getName().equals(died.processName())), READY_TIMEOUT),
                "the dead worker was replaced: " + workers());
        assertEquals(1, get(executor.submit(() -> 1)));
    }

    @Test
    void l10_aTaskThatCannotBeSerializedFailsInSubmit_namingTheClassOrTheCapturedValue() throws Exception {
        ExecutorService executor = shared();
        Callable<Integer> plain = () -> 1;
        TargetNotSerializableException lambda = assertThrows(TargetNotSerializableException.class,
                () -> executor.submit(plain));
        assertTrue(lambda.getMessage().contains(plain.getClass().getName() + " is not serializable"),
                lambda.getMessage());
        assertTrue(lambda.getMessage().contains("SerializableCallable"), "says what to do: " + lambda.getMessage());

        NotSerializable local = new NotSerializable();
        TargetNotSerializableException captured = assertThrows(TargetNotSerializableException.class,
                () -> executor.submit((SerializableCallable<String>) () -> local.toString()));
        assertEquals(NotSerializable.class.getName(), captured.offendingClass());
        assertTrue(captured.getMessage().contains("captured value #1 of lambda"), captured.getMessage());
        assertThrows(TargetNotSerializableException.class, () -> CompletableFuture.supplyAsync(() -> 1, executor));
        assertEquals(2, get(executor.submit((SerializableCallable<Integer>) () -> 2)), "a serializable task runs");
    }

    // ---------------------------------------------------------------- cancel, shutdown, close

    @Test
    void cancel_removesATaskNotStarted_closeWaitsForTheRunningOne_andSubmitAfterShutdownIsRejected() throws Exception {
        Event release = new Event();
        Event finished = new Event();
        Event ran = new Event();
        CompletableFuture<Integer> running;
        CompletableFuture<Integer> pending;
        ProcessPoolExecutor executor = ownExecutor();
        try (executor) {
            Event started = new Event();
            running = executor.submit(() -> {
                started.set();
                release.await(Targets.MAX_WAIT);
                finished.set();
                return 1;
            });
            assertTrue(started.await(Targets.MAX_WAIT));
            pending = executor.submit(() -> {
                ran.set();
                return 2;
            });
            assertTrue(pending.cancel(true));
            assertTrue(pending.isCancelled());
            assertTrue(running.cancel(true), "a running task's future is cancelled, as CompletableFuture's");
            assertTrue(running.isCancelled());
            assertFalse(executor.awaitTermination(0, TimeUnit.SECONDS), "not shut down");
            release.set();
        }
        assertTrue(executor.isTerminated(), "close() returned once the executor had terminated");
        assertTrue(finished.isSet(), "the running task ran to its end in its worker");
        assertFalse(ran.isSet(), "the task cancelled before it started never ran");
        assertTrue(executor.isShutdown());
        RejectedExecutionException rejected = assertThrows(RejectedExecutionException.class,
                () -> executor.submit(() -> 3));
        assertTrue(rejected.getMessage().startsWith("cannot schedule new futures after shutdown"),
                rejected.getMessage());
        assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
        assertTrue(executor.awaitTermination(0, TimeUnit.SECONDS));
    }

    @Test
    void shutdownNow_returnsTheTasksNeverStarted_cancelsTheirFutures_andLeavesNoWorker() throws Exception {
        Set<ChildProcess> before = workers();
        ProcessPoolExecutor executor = ownExecutor();
        Set<ChildProcess> mine = workers();
        mine.removeAll(before);
        assertEquals(1, mine.size(), "one worker: " + mine);
        Event started = new Event();
        Event never = new Event();
        CompletableFuture<Boolean> running = executor.submit(() -> {
            started.set();
            return never.await(Targets.MAX_WAIT);
        });
        assertTrue(started.await(Targets.MAX_WAIT));
        ProcessPoolExecutor.Task second = () -> never.set();
        SerializableCallable<Integer> third = () -> 3;
        CompletableFuture<Void> secondFuture = executor.submit(second);
        CompletableFuture<Integer> thirdFuture = executor.submit(third);

        List<Runnable> unstarted = executor.shutdownNow();
        assertEquals(2, unstarted.size(), unstarted.toString());
        assertSame(second, unstarted.get(0), "a Runnable comes back as given");
        assertInstanceOf(FutureTask.class, unstarted.get(1), "a Callable comes back in a FutureTask");
        assertTrue(secondFuture.isCancelled());
        assertTrue(thirdFuture.isCancelled());
        assertTrue(running.isCancelled(), "the running task was stopped");
        for (ChildProcess worker : mine) {
            assertFalse(worker.isAlive(), worker + " ended before shutdownNow() returned");
        }
        assertTrue(executor.isTerminated());
        assertTrue(executor.awaitTermination(0, TimeUnit.SECONDS));
        assertFalse(never.isSet(), "the task never started did not run");
    }
}
