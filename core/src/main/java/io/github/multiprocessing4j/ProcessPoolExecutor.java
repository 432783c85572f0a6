package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.codec.SerializationDiagnostics;
import io.github.multiprocessing4j.internal.launch.Launchers;
import io.github.multiprocessing4j.internal.pool.PoolFunction;
import io.github.multiprocessing4j.internal.pool.PoolTask;
import io.github.multiprocessing4j.internal.pool.PoolWorkerProcess;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ExecutorService} whose tasks run in worker JVMs: Python's
 * {@code concurrent.futures.ProcessPoolExecutor}, built on a {@link Pool}.
 *
 * <pre>{@code
 * try (ProcessPoolExecutor executor = new ProcessPoolExecutor(4)) {
 *     CompletableFuture<Long> a = executor.submit(() -> fib(30));
 *     CompletableFuture<Long> b = executor.submit(() -> fib(31));
 *     System.out.println(a.thenCombine(b, Long::sum).get());
 * }
 * }</pre>
 *
 * <p><b>Tasks travel.</b> A task and what it captures are serialized in the calling thread and
 * run in a worker; its value comes back as a copy. The {@code submit} and {@code execute}
 * overloads that take a {@link SerializableCallable} or a {@link Task} make a lambda
 * serializable where it is written; a {@link Callable} or {@link Runnable} given through the
 * {@code ExecutorService} interface must be serializable itself (a class that implements
 * {@link Serializable}, or a lambda cast to {@code SerializableCallable} or {@code Task}). A task that is not
 * fails in {@code submit} with a {@link TargetNotSerializableException} that names the class and
 * where it was captured (SPEC L10); nothing was submitted. So does a JDK wrapper that cannot
 * travel: {@code CompletableFuture.supplyAsync(.., executor)} and {@code ExecutorCompletionService}
 * wrap tasks in their own objects and do not work with this executor; use {@code submit}.
 *
 * <p><b>Futures.</b> {@code submit} returns a {@link CompletableFuture}, so results compose
 * ({@code thenCombine}, {@code allOf}, ...); {@link AsyncResult#toCompletableFuture()} is the
 * same for a {@code Pool}'s results. A future is completed on a thread of
 * {@code CompletableFuture}'s default asynchronous executor (the common {@code ForkJoinPool}),
 * never on the pool's own threads: callbacks chained without an executor run there (or in the
 * thread that chains them, if the future is done), so a slow callback cannot hold up other
 * results. What the future holds:
 * <ul>
 *   <li>the task's value; a {@code Runnable} gives null, or the result given to
 *       {@link #submit(Runnable, Object)} (which stays in this JVM);</li>
 *   <li>the task's own exception, as the cause of the {@link ExecutionException} that
 *       {@code get()} throws, with the worker's stack trace and, suppressed, a
 *       {@link ChildProcessException} naming the worker (Python re-raises it in
 *       {@code result()}), as every future of this library holds a child's failure; an
 *       exception that is not serializable comes as a {@code RuntimeException} with its text and
 *       stack trace;</li>
 *   <li>a {@link ChildProcessException} naming the worker and its exit code when the worker
 *       died running the task (killed, {@code System.exit}, crash). Only that task fails: the
 *       worker is replaced and the executor goes on. Python marks the whole executor broken
 *       ({@code BrokenProcessPool}) and fails every pending future;</li>
 *   <li>a {@link CancellationException} when the task was cancelled, or stopped by
 *       {@link #shutdownNow()}.</li>
 * </ul>
 *
 * <p><b>Cancellation.</b> {@code cancel} on a task no worker has taken yet removes it: it never
 * runs. On a running task, {@code cancel} completes the future with a
 * {@link CancellationException} and returns true, as {@code CompletableFuture} does, but the
 * task runs to its end in its worker (no thread of another JVM can be interrupted) and its value
 * is dropped; Python's {@code cancel()} returns false for a running task and leaves it alone.
 * Completing the future yourself does not stop the task either.
 *
 * <p><b>Workers.</b> The workers are a {@code Pool}'s: daemon processes named
 * {@code PoolWorker-<n>}, started by the constructor (Python starts them as tasks come), as many
 * as {@code maxWorkers} (by default {@link Multiprocessing#cpuCount()}, as Python's
 * {@code os.process_cpu_count()}), each running many tasks.
 *
 * <table>
 *   <caption>Python to Java</caption>
 *   <tr><th>Python</th><th>Java</th></tr>
 *   <tr><td>{@code ProcessPoolExecutor(max_workers, mp_context, initializer, initargs, max_tasks_per_child)}</td>
 *       <td>{@link #ProcessPoolExecutor(int)}, {@link #builder()}: the launcher is the context;
 *       the initializer's arguments are what its lambda captures</td></tr>
 *   <tr><td>{@code submit(fn, *args)}</td><td>{@link #submit(SerializableCallable)}: the arguments are captured</td></tr>
 *   <tr><td>{@code map(fn, iterable)}</td><td>{@link #map(SerializableFunction, Iterable)}: a list, not an iterator</td></tr>
 *   <tr><td>{@code as_completed(fs)}, {@code wait(fs, return_when)}</td>
 *       <td>{@code whenComplete}, {@code CompletableFuture.anyOf}, {@code allOf}; {@link #invokeAny}, {@link #invokeAll}</td></tr>
 *   <tr><td>{@code Future.result(timeout)}, {@code exception()}, {@code done()},
 *       {@code cancelled()}, {@code add_done_callback(fn)}</td>
 *       <td>{@code get(timeout, unit)}, {@code handle}, {@code isDone()}, {@code isCancelled()},
 *       {@code whenComplete(fn)}</td></tr>
 *   <tr><td>{@code shutdown(wait=False)}, {@code shutdown(wait=True)}</td>
 *       <td>{@link #shutdown()}, {@link #close()}</td></tr>
 *   <tr><td>{@code shutdown(wait, cancel_futures)}</td><td>{@link #shutdown(boolean, boolean)}</td></tr>
 *   <tr><td>{@code with ProcessPoolExecutor() as e:}</td><td>{@code try (ProcessPoolExecutor e = ..) {..}}</td></tr>
 *   <tr><td>{@code RuntimeError("cannot schedule new futures after shutdown")}</td>
 *       <td>{@link RejectedExecutionException}, same message</td></tr>
 * </table>
 *
 * <p>Instances are safe for use by several threads of the JVM that created them; an executor
 * cannot be sent to a child.
 *
 * @see <a href="https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor">Python's ProcessPoolExecutor</a>
 */
public final class ProcessPoolExecutor implements ExecutorService, AutoCloseable {

    private static final AtomicInteger EXECUTORS = new AtomicInteger();

    private final Pool pool;
    private final String name;
    /** Submissions hold the read lock, shutdowns the write lock: no task slips past a shutdown. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile boolean shutdown;
    private final CompletableFuture<Void> shutdownSignal = new CompletableFuture<>();
    /** The tasks whose futures have not been completed from their outcome, by submission order. */
    private final ConcurrentSkipListMap<Long, Submitted<?>> unfinished = new ConcurrentSkipListMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Object drained = new Object();

    /**
     * An executor of {@link Multiprocessing#cpuCount()} workers with the default launcher.
     * Python: {@code ProcessPoolExecutor()}.
     *
     * @throws ProcessStartException if a worker cannot be started; those started are terminated
     */
    public ProcessPoolExecutor() {
        this(builder());
    }

    /**
     * An executor of {@code maxWorkers} workers with the default launcher. Python:
     * {@code ProcessPoolExecutor(max_workers)}.
     *
     * @param maxWorkers the number of workers, at least 1
     * @throws IllegalArgumentException "max_workers must be greater than 0" (Python's message)
     * @throws ProcessStartException if a worker cannot be started; those started are terminated
     */
    public ProcessPoolExecutor(int maxWorkers) {
        this(builder().maxWorkers(maxWorkers));
    }

    private ProcessPoolExecutor(Builder builder) {
        this.pool = builder.pool.build();
        this.name = "ProcessPoolExecutor-" + EXECUTORS.incrementAndGet();
    }

    /**
     * A builder for an executor with options beyond {@code maxWorkers}: an initializer, a limit
     * of tasks per worker, the launcher and the workers' settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The number of workers the executor keeps.
     *
     * @return the number given at creation
     */
    public int maxWorkers() {
        return pool.processes();
    }

    // ---------------------------------------------------------------- submit

    /**
     * Runs {@code task} in a worker. Python: {@code submit(fn)}. A lambda given here is
     * serializable; what it captures must be too.
     *
     * @param task what to compute
     * @param <T> the type of the value
     * @return the future value, never null
     * @throws RejectedExecutionException "cannot schedule new futures after shutdown"
     * @throws TargetNotSerializableException if the task cannot be serialized, naming the class
     *     and where it was captured
     * @throws IllegalArgumentException if the task is larger than the message limit
     * @throws NullPointerException if {@code task} is null
     */
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
        return submit((Callable<T>) task);
    }

    /**
     * Runs {@code task} in a worker; its value is null. A lambda given here is serializable.
     *
     * @param task what to run
     * @return the future, completed with null when the task has run, never null
     * @throws RejectedExecutionException "cannot schedule new futures after shutdown"
     * @throws TargetNotSerializableException if the task cannot be serialized
     * @throws NullPointerException if {@code task} is null
     */
    public CompletableFuture<Void> submit(Task task) {
        return submit((Runnable) task);
    }

    /**
     * Runs {@code task} in a worker; the future's value is {@code result}, which stays in this
     * JVM. A lambda given here is serializable.
     *
     * @param task what to run
     * @param result the value of the future once the task has run
     * @param <T> the type of the value
     * @return the future, never null
     * @throws RejectedExecutionException "cannot schedule new futures after shutdown"
     * @throws TargetNotSerializableException if the task cannot be serialized
     * @throws NullPointerException if {@code task} is null
     */
    public <T> CompletableFuture<T> submit(Task task, T result) {
        return submit((Runnable) task, result);
    }

    /**
     * Runs {@code task} in a worker; it must be serializable ({@link SerializableCallable}).
     *
     * @param task what to compute
     * @param <T> the type of the value
     * @return the future value, a {@link CompletableFuture}, never null
     * @throws RejectedExecutionException "cannot schedule new futures after shutdown"
     * @throws TargetNotSerializableException if the task cannot be serialized
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return schedule(task, true, ProcessPoolExecutor::cast);
    }

    /**
     * Runs {@code task} in a worker; it must be serializable (a {@link Task}).
     *
     * @param task what to run
     * @return the future, completed with null when the task has run, never null
     * @throws RejectedExecutionException "cannot schedule new futures after shutdown"
     * @throws TargetNotSerializableException if the task cannot be serialized
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    public CompletableFuture<Void> submit(Runnable task) {
        return submit(task, null);
    }

    /**
     * Runs {@code task} in a worker; it must be serializable (a {@link Task}). The
     * future's value is {@code result}, which stays in this JVM.
     *
     * @param task what to run
     * @param result the value of the future once the task has run
     * @param <T> the type of the value
     * @return the future, never null
     * @throws RejectedExecutionException "cannot schedule new futures after shutdown"
     * @throws TargetNotSerializableException if the task cannot be serialized
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        return schedule(task, false, value -> result);
    }

    /**
     * Runs {@code command} in a worker, with no future. If it fails, the failure is logged as a
     * warning (where a thread pool's task would reach its thread's uncaught exception handler).
     * A lambda given here is serializable.
     *
     * @param command what to run
     * @throws RejectedExecutionException "cannot schedule new futures after shutdown"
     * @throws TargetNotSerializableException if the command cannot be serialized
     * @throws NullPointerException if {@code command} is null
     */
    public void execute(Task command) {
        execute((Runnable) command);
    }

    /**
     * Runs {@code command} in a worker, with no future; it must be serializable (a {@link Task}).
     * If it fails, the failure is logged as a warning.
     *
     * @param command what to run
     * @throws RejectedExecutionException "cannot schedule new futures after shutdown"
     * @throws TargetNotSerializableException if the command cannot be serialized
     * @throws NullPointerException if {@code command} is null
     */
    @Override
    public void execute(Runnable command) {
        submit(command).whenComplete((value, failure) -> {
            if (failure != null && !(failure instanceof CancellationException)) {
                Log.LOGGER.warn("a task given to {}.execute() failed: {}", name, command, failure);
            }
        });
    }

    /**
     * Submits a Callable ({@code call}) or a Runnable; {@code value} makes the future's value of
     * the task's.
     */
    private <T> CompletableFuture<T> schedule(Object task, boolean call, Function<Object, T> value) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Submitted<T> submitted;
        gate.readLock().lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("cannot schedule new futures after shutdown: " + task
                        + " was not submitted to " + this);
            }
            if (!(task instanceof Serializable sendable)) {
                throw notSerializable(task, new NotSerializableException(task.getClass().getName()));
            }
            PoolTask poolTask;
            try {
                poolTask = pool.submitTask(PoolFunction.ofTask(sendable, call));
            } catch (IllegalArgumentException e) {
                if (e.getCause() instanceof NotSerializableException notSerializable) {
                    throw notSerializable(task, notSerializable);
                }
                throw e;
            }
            submitted = new Submitted<>(sequence.incrementAndGet(), task, poolTask, future, value);
            unfinished.put(submitted.id, submitted);
        } finally {
            gate.readLock().unlock();
        }
        PoolTask poolTask = submitted.poolTask;
        future.whenComplete((result, failure) -> {
            if (future.isCancelled()) {
                pool.withdraw(poolTask);
            }
        });
        // the outcome completes on the pool's result thread: the user's callbacks run elsewhere
        poolTask.outcome().whenComplete((result, failure) ->
                CompletableFuture.runAsync(() -> submitted.deliver(result, failure)));
        return future;
    }

    private static TargetNotSerializableException notSerializable(Object task, NotSerializableException e) {
        return SerializationDiagnostics.explain(task, "task " + task.getClass().getName()
                + " cannot be sent to a worker process", advice(task), e);
    }

    private static String advice(Object task) {
        if (task instanceof Serializable) {
            return "";
        }
        return "A Callable or Runnable travels to a worker only if it is Serializable: give a lambda as a"
                + " SerializableCallable or ProcessPoolExecutor.Task (ProcessPoolExecutor's own submit and execute"
                + " do; through the ExecutorService interface, cast it), and call submit() rather than"
                + " CompletableFuture.supplyAsync(.., executor), whose wrapper cannot travel.";
    }

    // ---------------------------------------------------------------- map, invokeAll, invokeAny

    /**
     * Applies {@code function} to every item, each call a task of its own, all submitted at once,
     * and returns the values in item order. Python: {@code list(executor.map(fn, iterable))};
     * Python's map returns an iterator, this waits for every value. For many small items, a
     * {@link Pool#map}, which sends them in chunks, is faster.
     *
     * @param function what to apply; it and what it captures must be serializable
     * @param items the items, each serializable; null items are allowed
     * @param <A> the type of the items
     * @param <R> the type of the values
     * @return the values, in item order: an unmodifiable list that may hold nulls
     * @throws ExecutionException for the first item, in item order, whose task failed: the cause
     *     is its exception; the tasks not done are cancelled, as Python's iterator does
     * @throws InterruptedException if interrupted while waiting; the tasks not done are cancelled
     * @throws RejectedExecutionException "cannot schedule new futures after shutdown"
     * @throws TargetNotSerializableException if the function or an item cannot be serialized;
     *     the tasks submitted before are cancelled
     * @throws NullPointerException if {@code function} or {@code items} is null
     */
    public <A, R> List<R> map(SerializableFunction<A, R> function, Iterable<? extends A> items)
            throws InterruptedException, ExecutionException {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(items, "items");
        List<CompletableFuture<R>> futures = new ArrayList<>();
        try {
            for (A item : items) {
                futures.add(submit(() -> function.apply(item)));
            }
            List<R> values = new ArrayList<>(futures.size());
            for (CompletableFuture<R> future : futures) {
                values.add(future.get());
            }
            return Collections.unmodifiableList(values);
        } finally {
            futures.forEach(future -> future.cancel(true));
        }
    }

    /**
     * Runs every task and waits until each has completed (or failed, or was cancelled).
     *
     * @param tasks the tasks, each serializable
     * @param <T> the type of the values
     * @return their futures, in the order of {@code tasks}, every one done
     * @throws InterruptedException if interrupted while waiting; the tasks not yet done are
     *     cancelled
     * @throws RejectedExecutionException after shutdown; the tasks submitted before are cancelled
     * @throws TargetNotSerializableException if a task cannot be serialized; the tasks submitted
     *     before it are cancelled
     * @throws NullPointerException if {@code tasks} or one of them is null
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return invokeAllWithin(tasks, -1);
    }

    /**
     * Runs every task and waits until each has completed or the time is up; then the tasks not
     * done are cancelled.
     *
     * @param tasks the tasks, each serializable
     * @param timeout how long to wait at most; zero or negative does not wait (SPEC L17)
     * @param unit the unit of {@code timeout}
     * @param <T> the type of the values
     * @return their futures, in the order of {@code tasks}, every one done or cancelled
     * @throws InterruptedException if interrupted while waiting; the tasks not yet done are
     *     cancelled
     * @throws RejectedExecutionException after shutdown; the tasks submitted before are cancelled
     * @throws TargetNotSerializableException if a task cannot be serialized; the tasks submitted
     *     before it are cancelled
     * @throws NullPointerException if an argument or a task is null
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        return invokeAllWithin(tasks, Math.max(0, unit.toNanos(timeout)));
    }

    /** With {@code nanos} negative for no timeout. */
    private <T> List<Future<T>> invokeAllWithin(Collection<? extends Callable<T>> tasks, long nanos)
            throws InterruptedException {
        Objects.requireNonNull(tasks, "tasks");
        long deadline = System.nanoTime() + nanos;
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        boolean done = false;
        try {
            for (Callable<T> task : tasks) {
                futures.add(submit(task));
            }
            for (Future<T> future : futures) {
                if (!future.isDone()) {
                    try {
                        if (nanos < 0) {
                            future.get();
                        } else {
                            future.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                        }
                    } catch (ExecutionException | CancellationException e) {
                        // the future holds it
                    } catch (TimeoutException e) {
                        return futures;
                    }
                }
            }
            done = true;
            return futures;
        } finally {
            if (!done) {
                futures.forEach(future -> future.cancel(true));
            }
        }
    }

    /**
     * Runs the tasks and returns the value of the first to complete without failing; the others
     * are cancelled (those running run to their end in their workers, their values dropped).
     *
     * @param tasks the tasks, each serializable, at least one
     * @param <T> the type of the values
     * @return the first value
     * @throws ExecutionException if every task failed; the cause is the last failure
     * @throws InterruptedException if interrupted while waiting; the tasks are cancelled
     * @throws IllegalArgumentException if {@code tasks} is empty
     * @throws RejectedExecutionException after shutdown
     * @throws TargetNotSerializableException if a task cannot be serialized
     * @throws NullPointerException if {@code tasks} or one of them is null
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAnyWithin(tasks, -1);
        } catch (TimeoutException e) {
            throw new IllegalStateException("unreachable: no timeout was given", e);
        }
    }

    /**
     * As {@link #invokeAny(Collection)}, waiting at most {@code timeout}.
     *
     * @param tasks the tasks, each serializable, at least one
     * @param timeout how long to wait at most; zero or negative does not wait (SPEC L17)
     * @param unit the unit of {@code timeout}
     * @param <T> the type of the values
     * @return the first value
     * @throws TimeoutException if no task completed in time; the tasks are cancelled
     * @throws ExecutionException if every task failed; the cause is the last failure
     * @throws InterruptedException if interrupted while waiting; the tasks are cancelled
     * @throws IllegalArgumentException if {@code tasks} is empty
     * @throws RejectedExecutionException after shutdown
     * @throws TargetNotSerializableException if a task cannot be serialized
     * @throws NullPointerException if an argument or a task is null
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return invokeAnyWithin(tasks, Math.max(0, unit.toNanos(timeout)));
    }

    /** With {@code nanos} negative for no timeout. */
    private <T> T invokeAnyWithin(Collection<? extends Callable<T>> tasks, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(tasks, "tasks");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        // completes with the first value, or with the last failure once every task has failed
        CompletableFuture<Object[]> first = new CompletableFuture<>();
        AtomicInteger running = new AtomicInteger(tasks.size());
        List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> task : tasks) {
                CompletableFuture<T> future = submit(task);
                futures.add(future);
                future.whenComplete((value, failure) -> {
                    if (failure == null) {
                        first.complete(new Object[] {value, null});
                    } else if (running.decrementAndGet() == 0) {
                        first.complete(new Object[] {null, failure});
                    }
                });
            }
            Object[] outcome = nanos < 0 ? first.get() : first.get(nanos, TimeUnit.NANOSECONDS);
            if (outcome[1] != null) {
                throw new ExecutionException("every task failed; the cause is the last failure",
                        (Throwable) outcome[1]);
            }
            return cast(outcome[0]);
        } finally {
            futures.forEach(future -> future.cancel(true));
        }
    }

    // ---------------------------------------------------------------- shutdown

    /**
     * Takes no more tasks; those submitted run to their end, then the workers exit. Returns at
     * once; {@link #awaitTermination} or {@link #close()} wait. Python:
     * {@code shutdown(wait=False)}. Calling it again does nothing.
     */
    @Override
    public void shutdown() {
        gate.writeLock().lock();
        try {
            if (!shutdown) {
                // closed first: isTerminated() asks a pool that is no longer running
                pool.close();
                shutdown = true;
            }
        } finally {
            gate.writeLock().unlock();
        }
        shutdownSignal.complete(null);
    }

    /**
     * Python's {@code shutdown(wait, cancel_futures)}: takes no more tasks; with
     * {@code cancelFutures}, cancels every task no worker has taken yet (the running ones run to
     * their end); with {@code wait}, waits until every running task has ended and the workers
     * have exited.
     *
     * @param wait whether to wait for the end, as {@link #awaitTermination} without a timeout
     * @param cancelFutures whether to cancel the tasks not started
     * @throws InterruptedException if interrupted while waiting; the executor goes on shutting down
     */
    public void shutdown(boolean wait, boolean cancelFutures) throws InterruptedException {
        shutdown();
        if (cancelFutures) {
            withdrawUnstarted();
        }
        while (wait && !awaitTermination(1L, TimeUnit.DAYS)) {
            // a day at a time, as ExecutorService.close() of JDK 19+
        }
    }

    /**
     * Takes no more tasks, cancels the tasks no worker has taken yet and stops the workers
     * (SIGTERM, then SIGKILL after 2 s); the futures of the tasks they were running fail with a
     * {@link CancellationException}. Returns once the workers have ended. Python:
     * {@code shutdown(wait=True, cancel_futures=True)}, which lets the running tasks finish.
     *
     * @return the tasks that never started, in submission order: each {@link Runnable} as given
     *     to {@code submit} or {@code execute}, and for a {@link Callable} a {@link FutureTask}
     *     of it (as a {@code ThreadPoolExecutor} returns); their futures are cancelled
     */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        List<Runnable> unstarted = new ArrayList<>();
        for (Submitted<?> submitted : withdrawUnstarted()) {
            unstarted.add(submitted.task instanceof Runnable runnable ? runnable
                    : new FutureTask<>((Callable<?>) submitted.task));
        }
        pool.terminate();
        // the pool has failed every outcome: complete the futures before returning
        for (Submitted<?> submitted : unfinished.values()) {
            submitted.poolTask.outcome().whenComplete(submitted::deliver);
        }
        return unstarted;
    }

    /** Withdraws the tasks not taken, the last submitted first (workers take from the front). */
    private List<Submitted<?>> withdrawUnstarted() {
        List<Submitted<?>> withdrawn = new ArrayList<>();
        for (Submitted<?> submitted : unfinished.descendingMap().values()) {
            if (pool.withdraw(submitted.poolTask)) {
                withdrawn.add(submitted);
                submitted.future.cancel(false);
            }
        }
        Collections.reverse(withdrawn);
        return withdrawn;
    }

    /**
     * Whether {@link #shutdown()}, {@link #shutdownNow()} or {@link #close()} was called.
     *
     * @return true once the executor takes no more tasks
     */
    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    /**
     * Whether the executor has shut down, every task has ended with its future completed, and
     * every worker has exited.
     *
     * @return true once nothing runs any more
     */
    @Override
    public boolean isTerminated() {
        if (!shutdown) {
            return false;
        }
        try {
            return pool.join(Duration.ZERO) && unfinished.isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until the executor has terminated ({@link #isTerminated()}) after a shutdown, or the
     * time is up. Before a shutdown, it waits for one.
     *
     * @param timeout how long to wait at most; zero or negative checks without waiting (SPEC L17)
     * @param unit the unit of {@code timeout}
     * @return whether the executor has terminated
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Math.max(0, unit.toNanos(timeout));
        long deadline = System.nanoTime() + nanos;
        try {
            shutdownSignal.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("unreachable: the shutdown signal never fails", e);
        }
        if (!pool.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            return false;
        }
        synchronized (drained) {
            while (!unfinished.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
        return true;
    }

    /**
     * Shuts down and waits until the executor has terminated: the JDK 19+
     * {@code ExecutorService.close()}, on JDK 17 too. If interrupted while waiting, it calls
     * {@link #shutdownNow()}, goes on waiting, and returns with the interrupt status set. Python:
     * {@code shutdown(wait=True)}, the end of a {@code with} block. Do not call it from a
     * callback of this executor's futures: it would wait for itself.
     */
    @Override
    public void close() {
        boolean terminated = isTerminated();
        if (!terminated) {
            shutdown();
            boolean interrupted = false;
            while (!terminated) {
                try {
                    terminated = awaitTermination(1L, TimeUnit.DAYS);
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        shutdownNow();
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The state, the number of workers and of tasks not done:
     * {@code <ProcessPoolExecutor state=RUN max_workers=4 unfinished=0>}; the state is
     * {@code RUN}, {@code SHUTDOWN} or {@code TERMINATED}.
     */
    @Override
    public String toString() {
        String state = !shutdown ? "RUN" : isTerminated() ? "TERMINATED" : "SHUTDOWN";
        return "<ProcessPoolExecutor state=" + state + " max_workers=" + maxWorkers() + " unfinished="
                + unfinished.size() + ">";
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    /** A task from submission until its future is completed from its outcome. */
    private final class Submitted<T> {
        final long id;
        final Object task;
        final PoolTask poolTask;
        final CompletableFuture<T> future;
        final Function<Object, T> value;

        Submitted(long id, Object task, PoolTask poolTask, CompletableFuture<T> future, Function<Object, T> value) {
            this.id = id;
            this.task = task;
            this.poolTask = poolTask;
            this.future = future;
            this.value = value;
        }

        /** Completes the future (if no one did) and forgets the task; may be called more than once. */
        void deliver(Object result, Throwable failure) {
            try {
                if (failure == null) {
                    future.complete(value.apply(result));
                } else {
                    // the task's own exception, marked with its worker: the rule of every Future here
                    future.completeExceptionally(Failures.childsOwn(failure));
                }
            } finally {
                if (unfinished.remove(id) != null && unfinished.isEmpty()) {
                    synchronized (drained) {
                        drained.notifyAll();
                    }
                }
            }
        }
    }

    /**
     * A {@link Runnable} that can travel to a worker: what the {@code submit} and {@code execute}
     * overloads for tasks without a value take, so that a lambda written there is serializable.
     * It is a {@code Runnable}, as {@link ExecutorService} needs, so, unlike a
     * {@link SerializableRunnable}, it cannot throw checked exceptions: for a task that does,
     * submit a {@link SerializableCallable} that returns null.
     */
    @FunctionalInterface
    public interface Task extends Runnable, Serializable {
    }

    /**
     * Builds a {@link ProcessPoolExecutor}: Python's {@code ProcessPoolExecutor(max_workers,
     * mp_context, initializer, initargs, max_tasks_per_child)}, with the launcher as the context.
     */
    public static final class Builder {

        private final Pool.Builder pool = Pool.builder();

        Builder() {
        }

        /**
         * The number of workers; by default {@link Multiprocessing#cpuCount()}.
         *
         * @param maxWorkers at least 1
         * @return this builder
         * @throws IllegalArgumentException "max_workers must be greater than 0" (Python's message)
         */
        public Builder maxWorkers(int maxWorkers) {
            if (maxWorkers < 1) {
                throw new IllegalArgumentException("max_workers must be greater than 0, was " + maxWorkers);
            }
            pool.processes(maxWorkers);
            return this;
        }

        /**
         * What each worker runs once, before its first task; its arguments (Python's
         * {@code initargs}) are what the lambda captures. If it throws, the worker ends and is
         * replaced (as {@link Pool.Builder#initializer}); Python marks the executor broken.
         *
         * @param initializer a serializable runnable, or null for none
         * @return this builder
         */
        public Builder initializer(SerializableRunnable initializer) {
            pool.initializer(initializer);
            return this;
        }

        /**
         * How many tasks a worker runs before a fresh worker takes its place. Python:
         * {@code max_tasks_per_child}. Unset, a worker runs tasks for as long as the executor lives.
         *
         * @param maxTasksPerChild at least 1
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder maxTasksPerChild(int maxTasksPerChild) {
            pool.maxTasksPerChild(maxTasksPerChild);
            return this;
        }

        /**
         * The workers' launcher by name ({@code local}, {@code docker}, ...); by default the one
         * a {@link ChildProcess} without a launcher uses. Python: {@code mp_context}.
         *
         * @param launcherName the launcher's name
         * @return this builder
         */
        public Builder launcher(String launcherName) {
            pool.launcher(launcherName);
            return this;
        }

        /**
         * A launcher-specific setting for every worker, as
         * {@link ChildProcess.Builder#launcherOption(String, String)}.
         *
         * @param key the setting's name
         * @param value its value
         * @return this builder
         */
        public Builder launcherOption(String key, String value) {
            pool.launcherOption(key, value);
            return this;
        }

        /**
         * Adds options for the workers' JVMs, as {@link ChildProcess.Builder#jvmOptions(String...)}.
         *
         * @param options the options
         * @return this builder
         */
        public Builder jvmOptions(String... options) {
            pool.jvmOptions(options);
            return this;
        }

        /**
         * Adds an environment variable for every worker, as
         * {@link ChildProcess.Builder#environment(String, String)}.
         *
         * @param key the name
         * @param value the value
         * @return this builder
         */
        public Builder environment(String key, String value) {
            pool.environment(key, value);
            return this;
        }

        /** Tests hand in their own launchers. */
        Builder launchers(Launchers launchers) {
            pool.launchers(launchers);
            return this;
        }

        /** Core's unit tests: workers that are threads of the test JVM. */
        Builder workerFactory(PoolWorkerProcess.Factory factory) {
            pool.workerFactory(factory);
            return this;
        }

        /**
         * Builds the executor and starts its workers.
         *
         * @return a running executor
         * @throws ProcessStartException if a worker cannot be started; those started are terminated
         * @throws TargetNotSerializableException if the initializer cannot be serialized
         */
        public ProcessPoolExecutor build() {
            return new ProcessPoolExecutor(this);
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(ProcessPoolExecutor.class);
    }
}
