package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.launch.Launchers;
import io.github.multiprocessing4j.internal.pool.PoolEngine;
import io.github.multiprocessing4j.internal.pool.PoolFunction;
import io.github.multiprocessing4j.internal.pool.PoolTask;
import io.github.multiprocessing4j.internal.pool.PoolWorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A pool of worker processes that run tasks: Python's {@code multiprocessing.Pool}.
 *
 * <pre>{@code
 * try (Pool pool = new Pool(5)) {
 *     System.out.println(pool.map(x -> x * x, List.of(1, 2, 3)));   // [1, 4, 9]
 * }
 * }</pre>
 *
 * <p>The workers are daemon {@link ChildProcess}es named {@code PoolWorker-<identity>} (Python:
 * {@code SpawnPoolWorker-<identity>}), started by the constructor with the pool's launcher, and
 * reused from task to task: a worker's JVM runs many tasks. Functions, tasks and items are
 * serialized in the calling thread (what cannot be serialized fails the call with an
 * {@link IllegalArgumentException}) and run in a worker; their results are serialized there and
 * come back as copies. Items travel in chunks, one message per chunk, which amortizes the round
 * trip to a worker (a few hundred microseconds) over many small tasks.
 *
 * <p>Failures stay where they happen, and no result waits for ever:
 * <ul>
 *   <li>a task that throws fails its own result only, with a {@link ChildProcessException}
 *       naming the worker, whose cause is the task's exception with the worker's stack trace;</li>
 *   <li>a worker that dies (killed, {@code System.exit}, crash) fails the chunk it was running
 *       with a {@link ChildProcessException} naming the worker and its exit code, and is
 *       replaced; the pool goes on (Python's pool hangs there);</li>
 *   <li>{@link #terminate()} fails every result that has not come with a
 *       {@link CancellationException} (Python's never complete);</li>
 *   <li>a worker that ends before its first task (it could not start, or its initializer threw)
 *       while no other worker is ready fails the waiting tasks, and is replaced after a growing
 *       delay (Python's pool respawns it in a loop while its results wait).</li>
 * </ul>
 *
 * <table>
 *   <caption>Python to Java</caption>
 *   <tr><th>Python</th><th>Java</th></tr>
 *   <tr><td>{@code Pool(processes, initializer, initargs, maxtasksperchild)}</td>
 *       <td>{@link #Pool(int)}, {@link #builder()}: the initializer's arguments are captured by its lambda</td></tr>
 *   <tr><td>{@code apply}, {@code apply_async}</td><td>{@link #apply}, {@link #applyAsync}</td></tr>
 *   <tr><td>{@code map}, {@code map_async}</td><td>{@link #map}, {@link #mapAsync}</td></tr>
 *   <tr><td>{@code imap}, {@code imap_unordered}</td><td>{@link #imap}, {@link #imapUnordered}</td></tr>
 *   <tr><td>{@code starmap}, {@code starmap_async}</td>
 *       <td>{@link #starmap}, {@link #starmapAsync}: two arguments per call, as {@code Map.Entry} pairs</td></tr>
 *   <tr><td>{@code close()}, {@code terminate()}, {@code join()}</td>
 *       <td>{@link #close()}, {@link #terminate()}, {@link #join()}</td></tr>
 *   <tr><td>{@code with Pool() as p:}</td><td>{@code try (Pool p = new Pool()) {..}}: see {@link #close()}</td></tr>
 *   <tr><td>{@code ValueError("Pool not running")}</td><td>{@link IllegalStateException}, same message</td></tr>
 * </table>
 *
 * <p>Instances are safe for use by several threads of the JVM that created them. A pool cannot be
 * sent to a child (it is not serializable); a worker is a daemon, so it cannot start a pool of
 * its own (SPEC L9).
 *
 * @see <a href="https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.Pool">Python's Pool</a>
 */
public final class Pool implements AutoCloseable {

    private final PoolEngine engine;

    /**
     * A pool of {@link Multiprocessing#cpuCount()} workers with the default launcher. Python:
     * {@code Pool()}.
     *
     * @throws ProcessStartException if a worker cannot be started (S1, S2); those started are
     *     terminated
     */
    public Pool() {
        this(builder());
    }

    /**
     * A pool of {@code processes} workers with the default launcher. Python:
     * {@code Pool(processes)}.
     *
     * @param processes the number of workers, at least 1
     * @throws IllegalArgumentException "Number of processes must be at least 1"
     * @throws ProcessStartException if a worker cannot be started; those started are terminated
     */
    public Pool(int processes) {
        this(builder().processes(processes));
    }

    private Pool(Builder builder) {
        this.engine = new PoolEngine(builder.processes, builder.initializer, builder.maxTasksPerChild,
                builder.factory != null ? builder.factory
                        : new PoolChildWorkers(builder.launchers, builder.launcher, builder.jvmOptions,
                                builder.environment, builder.launcherOptions));
    }

    /**
     * A builder for a pool with options beyond {@code processes}: an initializer, a limit of
     * tasks per worker, the launcher and the workers' settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- apply

    /**
     * Runs {@code task} in a worker and returns its value. Python: {@code apply(func)}.
     *
     * @param task what to compute; it and what it captures must be serializable
     * @param <T> the type of the value
     * @return the value (a copy), possibly null
     * @throws ChildProcessException if the task threw (the cause) or its worker died
     * @throws CancellationException if the pool was terminated before the task finished
     * @throws IllegalStateException "Pool not running" after {@link #close()} or
     *     {@link #terminate()}
     * @throws IllegalArgumentException if the task cannot be serialized
     * @throws InterruptedException if the calling thread is interrupted while waiting; the task
     *     goes on
     */
    public <T> T apply(SerializableCallable<T> task) throws InterruptedException {
        return applyAsync(task).value();
    }

    /**
     * Runs {@code task} in a worker; the value comes later. Python: {@code apply_async(func)}.
     *
     * @param task what to compute; it and what it captures must be serializable
     * @param <T> the type of the value
     * @return the result to come, never null
     * @throws IllegalStateException "Pool not running" after {@link #close()} or {@link #terminate()}
     * @throws IllegalArgumentException if the task cannot be serialized
     */
    public <T> AsyncResult<T> applyAsync(SerializableCallable<T> task) {
        PoolFunction function = PoolFunction.ofCallable(task);
        return new AsyncResult<>(cast(engine.submit(function, Arrays.asList((Object) null), 1, true)));
    }

    // ---------------------------------------------------------------- map

    /**
     * Applies {@code function} to every item, in the workers, and returns the results in item
     * order. The items are read at once and sent in chunks of the default size, which is
     * Python's: {@code ceil(items / (4 * processes))}. Python: {@code map(func, iterable)}.
     *
     * @param function what to apply; it and what it captures must be serializable
     * @param items the items, each serializable; null items are allowed
     * @param <A> the type of the items
     * @param <R> the type of the results
     * @return the results (copies), in item order: an unmodifiable list that may hold nulls
     * @throws ChildProcessException for the first item to fail: its task threw (the cause) or its
     *     worker died; the other chunks still run
     * @throws CancellationException if the pool was terminated before every item was done
     * @throws IllegalStateException "Pool not running" after {@link #close()} or {@link #terminate()}
     * @throws IllegalArgumentException if the function or an item cannot be serialized
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public <A, R> List<R> map(SerializableFunction<A, R> function, Iterable<? extends A> items)
            throws InterruptedException {
        return mapAsync(function, items).value();
    }

    /**
     * As {@link #map(SerializableFunction, Iterable)}, in chunks of {@code chunkSize} items.
     * Python: {@code map(func, iterable, chunksize)}.
     *
     * @param function what to apply
     * @param items the items
     * @param chunkSize how many items travel to a worker in one message, at least 1
     * @param <A> the type of the items
     * @param <R> the type of the results
     * @return the results, in item order
     * @throws IllegalArgumentException "Chunksize must be 1+, not 0", or as for
     *     {@link #map(SerializableFunction, Iterable)}
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public <A, R> List<R> map(SerializableFunction<A, R> function, Iterable<? extends A> items, int chunkSize)
            throws InterruptedException {
        return mapAsync(function, items, chunkSize).value();
    }

    /**
     * As {@link #map(SerializableFunction, Iterable)}, but the list comes later. Python:
     * {@code map_async(func, iterable)}.
     *
     * @param function what to apply
     * @param items the items, read at once
     * @param <A> the type of the items
     * @param <R> the type of the results
     * @return the list to come, never null
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException if the function or an item cannot be serialized
     */
    public <A, R> AsyncResult<List<R>> mapAsync(SerializableFunction<A, R> function, Iterable<? extends A> items) {
        List<Object> list = materialize(items);
        return mapList(PoolFunction.ofFunction(function), list, defaultChunkSize(list.size(), engine.processes()));
    }

    /**
     * As {@link #mapAsync(SerializableFunction, Iterable)}, in chunks of {@code chunkSize}
     * items. Python: {@code map_async(func, iterable, chunksize)}.
     *
     * @param function what to apply
     * @param items the items, read at once
     * @param chunkSize how many items travel to a worker in one message, at least 1
     * @param <A> the type of the items
     * @param <R> the type of the results
     * @return the list to come, never null
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException if {@code chunkSize} is less than 1, or the function or an
     *     item cannot be serialized
     */
    public <A, R> AsyncResult<List<R>> mapAsync(SerializableFunction<A, R> function, Iterable<? extends A> items,
                                                int chunkSize) {
        checkChunkSize(chunkSize);
        return mapList(PoolFunction.ofFunction(function), materialize(items), chunkSize);
    }

    // ---------------------------------------------------------------- imap

    /**
     * Applies {@code function} to every item, in the workers, one item per message; the results
     * come in item order, each as soon as it and those before it are done. The items are read
     * lazily, a few chunks ahead of the workers, so the input may be long or endless. Python:
     * {@code imap(func, iterable)}.
     *
     * @param function what to apply
     * @param items the items
     * @param <A> the type of the items
     * @param <R> the type of the results
     * @return the results as they come, never null
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException if the function cannot be serialized
     */
    public <A, R> ResultIterator<R> imap(SerializableFunction<A, R> function, Iterable<? extends A> items) {
        return imap(function, items, 1);
    }

    /**
     * As {@link #imap(SerializableFunction, Iterable)}, in chunks of {@code chunkSize} items.
     * An item that cannot be serialized, or an exception from the items' iterator, becomes that
     * item's outcome: {@link ResultIterator#next()} throws it at its turn (after an iterator's
     * exception, the results end, as in Python).
     *
     * @param function what to apply
     * @param items the items
     * @param chunkSize how many items travel to a worker in one message, at least 1
     * @param <A> the type of the items
     * @param <R> the type of the results
     * @return the results in item order, as they come
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException "Chunksize must be 1+, not 0", or if the function cannot
     *     be serialized
     */
    public <A, R> ResultIterator<R> imap(SerializableFunction<A, R> function, Iterable<? extends A> items,
                                         int chunkSize) {
        checkChunkSize(chunkSize);
        Objects.requireNonNull(items, "items");
        return new PoolResultIterator<>(engine.submitLazy(PoolFunction.ofFunction(function), items.iterator(), chunkSize, true));
    }

    /**
     * As {@link #imap(SerializableFunction, Iterable)}, but the results come in the order they
     * are done. Python: {@code imap_unordered(func, iterable)}.
     *
     * @param function what to apply
     * @param items the items
     * @param <A> the type of the items
     * @param <R> the type of the results
     * @return the results in completion order, as they come
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException if the function cannot be serialized
     */
    public <A, R> ResultIterator<R> imapUnordered(SerializableFunction<A, R> function, Iterable<? extends A> items) {
        return imapUnordered(function, items, 1);
    }

    /**
     * As {@link #imapUnordered(SerializableFunction, Iterable)}, in chunks of {@code chunkSize}
     * items (the results of a chunk come together, in item order).
     *
     * @param function what to apply
     * @param items the items
     * @param chunkSize how many items travel to a worker in one message, at least 1
     * @param <A> the type of the items
     * @param <R> the type of the results
     * @return the results in completion order, as they come
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException "Chunksize must be 1+, not 0", or if the function cannot
     *     be serialized
     */
    public <A, R> ResultIterator<R> imapUnordered(SerializableFunction<A, R> function, Iterable<? extends A> items,
                                                  int chunkSize) {
        checkChunkSize(chunkSize);
        Objects.requireNonNull(items, "items");
        return new PoolResultIterator<>(engine.submitLazy(PoolFunction.ofFunction(function), items.iterator(), chunkSize, false));
    }

    // ---------------------------------------------------------------- starmap

    /**
     * Applies a function of two arguments to every pair, in the workers: Python's
     * {@code starmap(func, [(a, b), ...])}. Java has no tuples: a pair is a {@link Map.Entry}
     * ({@code Map.entry(a, b)}, or the entries of a map), its key the first argument and its
     * value the second; for more arguments, {@link #map} a record. Chunked as
     * {@link #map(SerializableFunction, Iterable)}.
     *
     * <pre>{@code
     * pool.starmap(Math::pow, List.of(Map.entry(2.0, 5.0), Map.entry(3.0, 2.0)));   // [32.0, 9.0]
     * }</pre>
     *
     * @param function what to apply to each pair
     * @param pairs the pairs, read at once; keys and values must be serializable, may be null
     * @param <A> the type of the first arguments
     * @param <B> the type of the second arguments
     * @param <R> the type of the results
     * @return the results, in pair order
     * @throws ChildProcessException for the first pair to fail, as for {@link #map}
     * @throws CancellationException if the pool was terminated before every pair was done
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException if the function, a key or a value cannot be serialized
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public <A, B, R> List<R> starmap(SerializableBiFunction<A, B, R> function,
                                     Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs)
            throws InterruptedException {
        return starmapAsync(function, pairs).value();
    }

    /**
     * As {@link #starmap(SerializableBiFunction, Iterable)}, in chunks of {@code chunkSize} pairs.
     *
     * @param function what to apply to each pair
     * @param pairs the pairs
     * @param chunkSize how many pairs travel to a worker in one message, at least 1
     * @param <A> the type of the first arguments
     * @param <B> the type of the second arguments
     * @param <R> the type of the results
     * @return the results, in pair order
     * @throws IllegalArgumentException "Chunksize must be 1+, not 0", or as for
     *     {@link #starmap(SerializableBiFunction, Iterable)}
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public <A, B, R> List<R> starmap(SerializableBiFunction<A, B, R> function,
                                     Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs, int chunkSize)
            throws InterruptedException {
        return starmapAsync(function, pairs, chunkSize).value();
    }

    /**
     * As {@link #starmap(SerializableBiFunction, Iterable)}, but the list comes later. Python:
     * {@code starmap_async(func, iterable)}.
     *
     * @param function what to apply to each pair
     * @param pairs the pairs, read at once
     * @param <A> the type of the first arguments
     * @param <B> the type of the second arguments
     * @param <R> the type of the results
     * @return the list to come, never null
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException if the function, a key or a value cannot be serialized
     */
    public <A, B, R> AsyncResult<List<R>> starmapAsync(SerializableBiFunction<A, B, R> function,
                                                       Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs) {
        List<Object> list = pairs(pairs);
        return mapList(PoolFunction.ofPairs(function), list, defaultChunkSize(list.size(), engine.processes()));
    }

    /**
     * As {@link #starmapAsync(SerializableBiFunction, Iterable)}, in chunks of {@code chunkSize}
     * pairs.
     *
     * @param function what to apply to each pair
     * @param pairs the pairs, read at once
     * @param chunkSize how many pairs travel to a worker in one message, at least 1
     * @param <A> the type of the first arguments
     * @param <B> the type of the second arguments
     * @param <R> the type of the results
     * @return the list to come, never null
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException if {@code chunkSize} is less than 1, or the function, a
     *     key or a value cannot be serialized
     */
    public <A, B, R> AsyncResult<List<R>> starmapAsync(SerializableBiFunction<A, B, R> function,
                                                       Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs,
                                                       int chunkSize) {
        checkChunkSize(chunkSize);
        return mapList(PoolFunction.ofPairs(function), pairs(pairs), chunkSize);
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Python's {@code close()}: the pool takes no more tasks; the workers run every task
     * submitted so far, then exit. Returns at once; {@link #join()} waits for the end. Closing
     * twice, or after {@link #terminate()}, does nothing.
     *
     * <p>This is also what try-with-resources calls, and there it differs from Python on
     * purpose: Python's {@code with Pool() as p:} calls {@code terminate()} on the way out. One
     * Java method cannot be both, and {@code close()} keeps the meaning Python gives the method
     * of that name, so that the common {@code pool.close(); pool.join()} never kills submitted
     * work. Code that left the block with every result in hand (the only way Python's
     * {@code with} block works, since its terminate leaves unfinished results waiting for ever)
     * sees the same results either way; the workers then end on their own within moments. For
     * Python's exact {@code with}, call {@link #terminate()} in a {@code finally} block.
     */
    @Override
    public void close() {
        engine.close();
    }

    /**
     * Python's {@code terminate()}: stops the workers now (SIGTERM, then SIGKILL for those still
     * running after 2 s) and waits until they have ended. Every result that has not come fails
     * with a {@link CancellationException} (Python leaves them waiting for ever). The pool takes
     * no more tasks. Terminating twice, or after {@link #close()}, is fine. Called from one of
     * this pool's result callbacks, it does not wait.
     */
    public void terminate() {
        engine.terminate();
    }

    /**
     * Python's {@code join()}: waits until every worker has ended and every result has come,
     * after {@link #close()} (the submitted tasks run first) or {@link #terminate()}.
     *
     * @throws IllegalStateException "Pool is still running" before {@code close()} or
     *     {@code terminate()} (Python's message), or when called from one of this pool's
     *     result callbacks
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public void join() throws InterruptedException {
        engine.join(null);
    }

    /**
     * As {@link #join()}, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait at most; zero or negative checks without waiting (SPEC L17)
     * @return whether the pool has ended
     * @throws IllegalStateException "Pool is still running" before {@code close()} or {@code terminate()}
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public boolean join(Duration timeout) throws InterruptedException {
        return engine.join(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Waits until every worker has booted and asked for its first task, so that the next
     * {@code map} spreads over all of them from its first chunk. Python has no such call: its
     * workers are forked and ready almost at once, while a worker JVM boots in a fraction of a
     * second (more in a container). Work submitted before then is not lost or delayed: workers
     * take chunks as they come up, so a short job may end up on the first worker alone. Wait
     * here when the first job is CPU-heavy and should run in parallel from its start.
     *
     * <pre>{@code
     * try (Pool pool = new Pool(4)) {
     *     pool.awaitReady(Duration.ofSeconds(30));
     *     List<Long> counts = pool.map(Primes::countIn, ranges);
     * }
     * }</pre>
     *
     * @param timeout how long to wait at most; zero or negative checks without waiting
     * @return whether every worker is ready; false when the time is up first, or the pool was
     *     closed or terminated
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return engine.awaitReady(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Python's repr, with the same words: {@code <Pool state=RUN pool_size=4>}; the state is
     * {@code RUN}, {@code CLOSE} or {@code TERMINATE}.
     */
    @Override
    public String toString() {
        return "<Pool state=" + engine.state() + " pool_size=" + engine.processes() + ">";
    }

    // ---------------------------------------------------------------- for ProcessPoolExecutor

    /**
     * Submits one task that can be withdrawn until a worker takes it: what
     * {@link ProcessPoolExecutor} builds on.
     *
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException if the function cannot be serialized (the cause says why)
     */
    PoolTask submitTask(PoolFunction function) {
        return engine.submitTask(function);
    }

    /**
     * Withdraws a task no worker has taken; its outcome fails with a {@link CancellationException}.
     *
     * @return whether it will never run
     */
    boolean withdraw(PoolTask task) {
        return engine.withdraw(task);
    }

    /** The number of workers the pool keeps. */
    int processes() {
        return engine.processes();
    }

    // ---------------------------------------------------------------- internals

    /**
     * Python's default chunk size of {@code map}: {@code chunksize, extra = divmod(len(iterable),
     * len(self._pool) * 4); if extra: chunksize += 1}, and at least 1 here.
     *
     * @param items the number of items
     * @param processes the number of workers
     * @return the chunk size
     */
    static int defaultChunkSize(int items, int processes) {
        long batches = 4L * processes;
        long chunkSize = items / batches;
        if (items % batches != 0) {
            chunkSize++;
        }
        return (int) Math.max(1, chunkSize);
    }

    private static void checkChunkSize(int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("Chunksize must be 1+, not " + chunkSize);
        }
    }

    private <R> AsyncResult<List<R>> mapList(PoolFunction function, List<Object> items, int chunkSize) {
        return new AsyncResult<>(cast(engine.submit(function, items, chunkSize, false)));
    }

    private static List<Object> materialize(Iterable<?> items) {
        Objects.requireNonNull(items, "items");
        if (items instanceof Collection<?> collection) {
            return new ArrayList<>(collection);
        }
        List<Object> list = new ArrayList<>();
        items.forEach(list::add);
        return list;
    }

    private static List<Object> pairs(Iterable<? extends Map.Entry<?, ?>> pairs) {
        List<Object> list = new ArrayList<>();
        for (Map.Entry<?, ?> pair : Objects.requireNonNull(pairs, "pairs")) {
            // Map.entry(..) is not serializable: the two arguments travel as an array
            list.add(new Object[] {pair.getKey(), pair.getValue()});
        }
        return list;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    /**
     * Builds a {@link Pool}: Python's {@code Pool(processes, initializer, initargs,
     * maxtasksperchild)}, plus the launcher and the workers' settings.
     */
    public static final class Builder {

        private int processes = Multiprocessing.cpuCount();
        private SerializableRunnable initializer;
        private int maxTasksPerChild;
        private String launcher;
        private Launchers launchers;
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, String> launcherOptions = new LinkedHashMap<>();
        private PoolWorkerProcess.Factory factory;

        Builder() {
        }

        /**
         * The number of workers; by default {@link Multiprocessing#cpuCount()}.
         *
         * @param processes at least 1
         * @return this builder
         * @throws IllegalArgumentException "Number of processes must be at least 1"
         */
        public Builder processes(int processes) {
            if (processes < 1) {
                throw new IllegalArgumentException("Number of processes must be at least 1");
            }
            this.processes = processes;
            return this;
        }

        /**
         * What each worker runs once, before its first task; its arguments (Python's
         * {@code initargs}) are what the lambda captures. If it throws, the worker ends with exit
         * code 1 and the stack trace on its stderr, and is replaced.
         *
         * @param initializer a serializable runnable, or null for none
         * @return this builder
         */
        public Builder initializer(SerializableRunnable initializer) {
            this.initializer = initializer;
            return this;
        }

        /**
         * How many tasks a worker runs before it exits and a fresh worker takes its place. A
         * chunk of a map counts as one task, as in Python. Unset (the default), a worker runs
         * tasks for as long as the pool lives: Python's {@code maxtasksperchild=None}.
         *
         * @param maxTasksPerChild at least 1
         * @return this builder
         * @throws IllegalArgumentException if less than 1 (Python's {@code ValueError}
         *     "maxtasksperchild must be a positive int or None")
         */
        public Builder maxTasksPerChild(int maxTasksPerChild) {
            if (maxTasksPerChild < 1) {
                throw new IllegalArgumentException("maxTasksPerChild must be a positive int, was " + maxTasksPerChild
                        + "; leave it unset for no limit");
            }
            this.maxTasksPerChild = maxTasksPerChild;
            return this;
        }

        /**
         * The workers' launcher by name ({@code local}, {@code docker}, ...); by default the one
         * a {@link ChildProcess} without a launcher uses (SPEC S1). Python: {@code context}.
         *
         * @param launcherName the launcher's name
         * @return this builder
         */
        public Builder launcher(String launcherName) {
            this.launcher = Objects.requireNonNull(launcherName, "launcherName");
            return this;
        }

        /**
         * The set of launchers to choose from, instead of those found on the class path (tests
         * hand in their own providers).
         */
        Builder launchers(Launchers launchers) {
            this.launchers = launchers;
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
            launcherOptions.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds options for the workers' JVMs, as {@link ChildProcess.Builder#jvmOptions(String...)}.
         *
         * @param options the options
         * @return this builder
         */
        public Builder jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
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
            environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Core's unit tests: workers that are threads of the test JVM. */
        Builder workerFactory(PoolWorkerProcess.Factory factory) {
            this.factory = factory;
            return this;
        }

        /**
         * Builds the pool and starts its workers.
         *
         * @return a running pool
         * @throws ProcessStartException if a worker cannot be started (S1, S2); those started
         *     are terminated
         * @throws TargetNotSerializableException if the initializer cannot be serialized
         */
        public Pool build() {
            return new Pool(this);
        }
    }
}
