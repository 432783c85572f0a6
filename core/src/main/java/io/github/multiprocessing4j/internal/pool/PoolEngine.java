package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.ChildProcessException;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.internal.channel.ControlServer;
import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.codec.SerializationDiagnostics;
import io.github.multiprocessing4j.internal.process.ExitCodes;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import java.io.NotSerializableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery behind a {@code Pool}, in the pool's JVM: its workers, its {@link PoolTaskBoard}
 * and three daemon threads, as Python's pool has ({@code _handle_tasks},
 * {@code _handle_results}, {@code _handle_workers}):
 * <ul>
 *   <li>{@code multiprocessing4j-pool-<n>-tasks}, the feeder: turns submissions into chunks on
 *       the board, in submission order, reading a lazy input (imap) only as far as a few chunks
 *       ahead of the workers;</li>
 *   <li>{@code multiprocessing4j-pool-<n>-results}: deserializes results and completes the
 *       jobs, so that user callbacks never run on a control channel's thread;</li>
 *   <li>{@code multiprocessing4j-pool-<n>-workers}: starts workers, and when one ends (its
 *       {@code onExit()}), fails the chunk it was running and starts its replacement.</li>
 * </ul>
 * Workers pull chunks from the board (see there why), or, on the pool's host, the board writes
 * them into each worker's {@link PoolLane} and the result thread reads the results from the lanes;
 * there is no dispatcher in between.
 *
 * <p>Never hang: a chunk is pending on the board, assigned to exactly one live worker, or
 * failed. A worker that ends fails its chunk. A worker that ends before its first request (it
 * could not start, or its initializer threw) while no ready worker is left fails the pending
 * chunks too (Python's pool respawns such workers for ever while its results wait), and its
 * replacement is started after a growing delay, up to {@link #MAX_BACKOFF_MILLIS}.
 * {@link #terminate()} fails every outstanding job.
 */
public final class PoolEngine {

    /** How long terminated workers get to end after SIGTERM before they get SIGKILL. */
    static final Duration TERMINATE_GRACE = Duration.ofSeconds(2);
    /** How long terminate() waits after SIGKILL before it gives up waiting. */
    static final Duration KILL_WAIT = Duration.ofSeconds(30);
    static final long FIRST_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 5000;
    /**
     * The system property that turns the workers' {@link PoolLane}s off ({@code false}): every
     * chunk then travels through the control channel.
     */
    public static final String SHARED_MEMORY_PROPERTY = "multiprocessing4j.pool.sharedMemory";
    /**
     * While chunks are out in lanes, the result thread spins this long after it last found a
     * result, then parks for {@link #FIRST_LANE_PARK_NANOS}, doubling up to
     * {@link #MAX_LANE_PARK_NANOS} (as a ring's reader waits): a result is seen within about a
     * microsecond while results flow, and within a millisecond after a long chunk.
     */
    static final long LANE_SPIN_NANOS = 50_000;
    static final long FIRST_LANE_PARK_NANOS = 10_000;
    static final long MAX_LANE_PARK_NANOS = 1_000_000;

    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final Object END = new Object();
    private static final Runnable STOP = () -> { };
    /** Queued when chunks went into idle lanes: the result thread reads lanes again. */
    private static final Runnable WAKE = () -> { };
    /** The items of an apply: one null. */
    private static final byte[] ONE_NULL_ITEM = Payloads.serialize(Arrays.asList((Object) null));

    private final int processes;
    private final SerializableRunnable initializer;
    private final PoolWorkerProcess.Factory factory;
    /** Whether workers get a {@link PoolLane}. */
    private final boolean lanes;
    private final PoolTaskBoard board;
    private final String boardId;
    private final Map<Long, PoolJob> jobs = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Object> submissions = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Runnable> results = new LinkedBlockingQueue<>();
    private final ScheduledThreadPoolExecutor maintenance;
    private final Thread feeder;
    private final Thread resultHandler;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final AtomicInteger serials = new AtomicInteger();
    /** Touched by the workers thread only. */
    private long backoffMillis;
    private boolean finishing;

    /** What the feeder turns into chunks, one chunk at a time. */
    private interface Submission {
        /**
         * Adds the next chunk to the board.
         *
         * @return whether there are more (false also once the pool is terminated)
         */
        boolean feedNext() throws InterruptedException;
    }

    /**
     * Starts a pool: its threads, then its workers, in the calling thread.
     *
     * @param processes the number of workers, at least 1
     * @param initializer what each worker runs before its first task, or null
     * @param maxTasksPerChild chunks per worker before it is replaced; 0 for no limit
     * @param factory how workers are made
     * @throws RuntimeException what starting the first workers throws; whatever was started is
     *     terminated
     */
    public PoolEngine(int processes, SerializableRunnable initializer, int maxTasksPerChild,
                      PoolWorkerProcess.Factory factory) {
        this.processes = processes;
        this.initializer = initializer;
        this.factory = factory;
        this.lanes = !"false".equalsIgnoreCase(System.getProperty(SHARED_MEMORY_PROPERTY, "true"))
                && factory.workersShareThisHost();
        this.board = new PoolTaskBoard(maxTasksPerChild, 4 * processes + 4, new PoolTaskBoard.Sink() {
            @Override
            public void delivered(PoolChunk chunk, byte[] bytes, String worker) {
                results.add(() -> deliver(chunk, bytes, worker));
            }

            @Override
            public void lanesBusy() {
                results.add(WAKE);
            }
        });
        this.boardId = SharedObjects.host(board);
        String prefix = "multiprocessing4j-pool-" + POOLS.incrementAndGet();
        maintenance = new ScheduledThreadPoolExecutor(1, ControlServer.daemonThreads(prefix + "-workers"));
        maintenance.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        feeder = new Thread(this::feedLoop, prefix + "-tasks");
        feeder.setDaemon(true);
        resultHandler = new Thread(this::resultLoop, prefix + "-results");
        resultHandler.setDaemon(true);
        feeder.start();
        resultHandler.start();
        try {
            for (int i = 0; i < processes; i++) {
                startWorker();
            }
        } catch (RuntimeException e) {
            terminate();
            throw e;
        }
    }

    /**
     * The number of workers the pool keeps.
     *
     * @return the number given at creation
     */
    public int processes() {
        return processes;
    }

    /**
     * Waits until every worker has booted and asked for its first task.
     *
     * @param timeout how long to wait at most, or null for ever
     * @return whether all {@link #processes()} workers are ready; false when the time is up or the
     *     pool was closed or terminated first
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return board.awaitReady(processes, timeout == null ? Long.MAX_VALUE : Math.max(0, timeout.toNanos()));
    }

    // ---------------------------------------------------------------- submissions

    /**
     * Submits an apply (one item) or a map (a materialized list): the function and the items are
     * serialized here, in the caller, so that what cannot be sent fails the call.
     *
     * @param function the function
     * @param items the items; for an apply, a list of one null
     * @param chunkSize items per chunk, at least 1
     * @param single whether the result is the only value rather than the list
     * @return the future of the value or of the unmodifiable list of values
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException if the function or an item cannot be serialized
     */
    public CompletableFuture<Object> submit(PoolFunction function, List<?> items, int chunkSize, boolean single) {
        board.ifRunning(() -> { });
        java.util.Set<String> handles = new java.util.HashSet<>();
        byte[] serialized = serializeFunction(function, handles);
        if (items.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        PoolListJob job = new PoolListJob(serialized, handles, items.size(), single);
        List<PoolChunk> chunks = new ArrayList<>();
        for (int first = 0; first < items.size(); first += chunkSize) {
            List<?> part = items.subList(first, Math.min(items.size(), first + chunkSize));
            chunks.add(new PoolChunk(job, first, part.size(), Payloads.serialize(new ArrayList<>(part))));
        }
        // serialized already: the chunks go on the board at once, in this thread, without the
        // feeder (whose pacing is for lazy inputs) and without waking it
        board.ifRunning(() -> {
            jobs.put(job.id(), job);
            board.addAll(chunks);
        });
        return job.future();
    }

    /**
     * Submits an imap: the items are read lazily by the feeder, a few chunks ahead of the
     * workers. An exception from the items' iterator becomes the outcome of the first item of
     * the chunk it was reading, whose items read before are dropped, and ends the input (Python
     * parity: {@code imap} raises at the start of that chunk).
     *
     * @param function the function
     * @param items the items' iterator
     * @param chunkSize items per chunk, at least 1
     * @param ordered whether results come in item order
     * @return the results as they come
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException if the function cannot be serialized
     */
    public PoolIteratorJob submitLazy(PoolFunction function, Iterator<?> items, int chunkSize,
                                             boolean ordered) {
        board.ifRunning(() -> { });
        java.util.Set<String> handles = new java.util.HashSet<>();
        PoolIteratorJob job = new PoolIteratorJob(serializeFunction(function, handles), handles, ordered);
        enqueue(job, new LazySubmission(job, items, chunkSize));
        return job;
    }

    /**
     * Submits one task of an executor: an apply whose chunk can be {@linkplain #withdraw
     * withdrawn} until a worker takes it. The function is serialized here, in the caller.
     *
     * @param function the function; its item is null
     * @return the task, whose {@link PoolTask#outcome()} completes as it ends
     * @throws IllegalStateException "Pool not running"
     * @throws IllegalArgumentException if the function cannot be serialized; the cause is the
     *     serialization's exception
     */
    public PoolTask submitTask(PoolFunction function) {
        board.ifRunning(() -> { });
        java.util.Set<String> handles = new java.util.HashSet<>();
        PoolTask task = new PoolTask(serializeFunction(function, handles), handles, ONE_NULL_ITEM);
        enqueue(task, () -> {
            board.add(task.chunk());
            return false;
        });
        return task;
    }

    /**
     * Withdraws a task that no worker has taken yet: it will never run, and its outcome fails with
     * a {@link CancellationException}.
     *
     * @param task a task of this pool
     * @return whether it was withdrawn; false if a worker took it, it has ended, or the pool was
     *     terminated
     */
    public boolean withdraw(PoolTask task) {
        if (!board.withdraw(task.chunk())) {
            return false;
        }
        jobs.remove(task.id(), task);
        task.cancel(new CancellationException("the task was cancelled before a worker took it"));
        return true;
    }

    /**
     * Serializes a job's function once, though each worker that runs a chunk of the job reads it:
     * the shared objects whose handles it carries are told of each worker it is handed to (SPEC
     * M9), which holds them until it let go of its copy or ended.
     */
    private static byte[] serializeFunction(PoolFunction function, java.util.Set<String> handles) {
        Object target = function.target();
        boolean stateless = isStateless(function, target);
        if (stateless) {
            byte[] cached = STATELESS_FUNCTIONS.get(target.getClass()).get(function.getClass());
            if (cached != null) {
                return cached;
            }
        }
        byte[] serialized = serializeFunctionNow(function, handles);
        if (stateless && handles.isEmpty()) {
            STATELESS_FUNCTIONS.get(target.getClass()).put(function.getClass(), serialized);
        }
        return serialized;
    }

    /**
     * Whether a function's serialized form is the same every time: a lambda that captures nothing
     * (its class has no fields), wrapped in a wrapper that holds nothing else. Its bytes are
     * made once (Java serialization of a lambda costs more than mapping a small chunk); a lambda
     * that captures values is serialized at each call, as their state may have changed.
     */
    private static boolean isStateless(PoolFunction function, Object target) {
        Class<?> type = target.getClass();
        return (function instanceof PoolFunction.OfFunction<?> || function instanceof PoolFunction.OfPairs<?, ?>
                || function instanceof PoolFunction.OfCallable)
                && type.isSynthetic() && type.getName().contains("$$Lambda") && type.getDeclaredFields().length == 0;
    }

    /** The serialized forms of stateless functions, by lambda class and wrapper class; weak in the lambda class. */
    private static final ClassValue<Map<Class<?>, byte[]>> STATELESS_FUNCTIONS = new ClassValue<>() {
        @Override
        protected Map<Class<?>, byte[]> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private static byte[] serializeFunctionNow(PoolFunction function, java.util.Set<String> handles) {
        try {
            return SharedObjects.serializeCollecting(() -> Payloads.serialize(function), handles);
        } catch (IllegalArgumentException e) {
            String why = e.getCause() instanceof NotSerializableException notSerializable
                    ? SerializationDiagnostics.whatIsNotSerializable(function.target(), notSerializable)
                    : e.getMessage();
            throw new IllegalArgumentException("the task cannot be sent to a pool worker: " + why
                    + ". Make it Serializable, or capture only serializable values.", e.getCause());
        }
    }

    private void enqueue(PoolJob job, Submission submission) {
        board.ifRunning(() -> {
            jobs.put(job.id(), job);
            submissions.add(submission);
        });
    }

    /** An imap's input, read one chunk at a time. */
    private final class LazySubmission implements Submission {
        private final PoolIteratorJob job;
        private final Iterator<?> items;
        private final int chunkSize;
        private int index;

        LazySubmission(PoolIteratorJob job, Iterator<?> items, int chunkSize) {
            this.job = job;
            this.items = items;
            this.chunkSize = chunkSize;
        }

        @Override
        public boolean feedNext() throws InterruptedException {
            List<Object> part = new ArrayList<>(chunkSize);
            RuntimeException broken = null;
            try {
                while (part.size() < chunkSize && items.hasNext()) {
                    part.add(items.next());
                }
            } catch (RuntimeException e) {
                broken = e;
            } catch (Error e) {
                broken = new IllegalStateException("the items' iterator failed: " + e, e);
            }
            if (broken != null) {
                // Python: the iterator's exception is the outcome of the chunk it broke, at the
                // chunk's first item, and the last; the items of that chunk read before are dropped
                failItems(job, index, 1, broken);
                setLength(job, index + 1);
                return false;
            }
            if (!part.isEmpty()) {
                PoolChunk chunk;
                try {
                    chunk = new PoolChunk(job, index, part.size(), Payloads.serialize(new ArrayList<>(part)));
                } catch (IllegalArgumentException e) {
                    chunk = null;
                    failItems(job, index, part.size(), e);
                }
                if (chunk != null && !board.add(chunk)) {
                    return false;
                }
                index += part.size();
            }
            if (part.size() < chunkSize) {
                setLength(job, index);
                return false;
            }
            return true;
        }
    }

    private void failItems(PoolJob job, int first, int count, RuntimeException failure) {
        RuntimeException[] failures = new RuntimeException[count];
        Arrays.fill(failures, failure);
        results.add(() -> {
            job.deliver(first, new Object[count], failures);
            forgetIfDone(job);
        });
    }

    private void setLength(PoolJob job, int length) {
        results.add(() -> {
            job.setLength(length);
            forgetIfDone(job);
        });
    }

    /**
     * The feeder: takes one chunk from each active submission in turn, so that an endless
     * imap does not hold back the submissions after it (Python's task handler would); the
     * board's limit of pending chunks paces it.
     */
    private void feedLoop() {
        ArrayDeque<Submission> active = new ArrayDeque<>();
        boolean closed = false;
        try {
            while (!(closed && active.isEmpty())) {
                Object next = active.isEmpty() ? submissions.take() : submissions.poll();
                for (; next != null; next = submissions.poll()) {
                    if (next == END) {
                        closed = true;
                    } else {
                        active.addLast((Submission) next);
                    }
                }
                Submission submission = active.pollFirst();
                if (submission != null && submission.feedNext()) {
                    active.addLast(submission);
                }
                if (board.state() == PoolTaskBoard.State.TERMINATE) {
                    return;
                }
            }
            board.endInput();
            maintain(this::maybeFinish);
        } catch (InterruptedException e) {
            // terminate(): the jobs not fed are cancelled by it
        } catch (RuntimeException e) {
            Log.LOGGER.error("the task thread of a pool failed; terminating the pool", e);
            beginTermination();
        }
    }

    // ---------------------------------------------------------------- results

    /**
     * The result thread: runs what is queued for it and, while chunks are out in lanes, reads the
     * lanes (spinning, then parking for growing times), delivering their results itself.
     */
    private void resultLoop() {
        List<PoolTaskBoard.Delivery> read = new ArrayList<>();
        long idleSince = 0;
        long park = FIRST_LANE_PARK_NANOS;
        try {
            while (true) {
                Runnable next = results.poll();
                if (next == null) {
                    if (board.lanesHaveResults() && board.pumpLanes(read)) {
                        for (PoolTaskBoard.Delivery delivery : read) {
                            run(() -> deliver(delivery.chunk(), delivery.results(), delivery.worker()));
                        }
                        read.clear();
                        idleSince = 0;
                        continue;
                    }
                    if (!board.lanesBusy()) {
                        next = results.take();
                    } else {
                        long now = System.nanoTime();
                        if (idleSince == 0) {
                            idleSince = now;
                            park = FIRST_LANE_PARK_NANOS;
                        }
                        if (now - idleSince < LANE_SPIN_NANOS) {
                            Thread.onSpinWait();
                            continue;
                        }
                        next = results.poll(park, TimeUnit.NANOSECONDS);
                        park = Math.min(2 * park, MAX_LANE_PARK_NANOS);
                        if (next == null) {
                            continue;
                        }
                    }
                }
                idleSince = 0;
                if (next == STOP) {
                    break;
                }
                run(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // nothing is left to deliver: whatever still waits would wait for ever. A worker that
            // ended just after terminate() changed the board's state may have let this loop stop
            // before terminate() queued cancelAll: those jobs are cancelled by the termination too.
            CancellationException gone = board.state() == PoolTaskBoard.State.TERMINATE
                    ? terminated() : new CancellationException("the pool ended before this task finished");
            jobs.values().forEach(job -> job.cancel(gone));
            jobs.clear();
            maintenance.shutdown();
            // every worker has ended: nobody calls the board any more (SPEC M9)
            SharedObjects.free(boardId);
            ended.complete(null);
        }
    }

    private static void run(Runnable delivery) {
        try {
            delivery.run();
        } catch (RuntimeException e) {
            Log.LOGGER.error("a pool's result could not be delivered", e);
        }
    }

    private void deliver(PoolChunk chunk, byte[] bytes, String worker) {
        PoolJob job = chunk.job();
        if (job.isDone()) {
            return;
        }
        PoolChunkResult result;
        try {
            result = PoolChunkResult.decode(bytes, chunk.count());
        } catch (RuntimeException e) {
            failChunk(chunk, new ChildProcessException(worker, "the results of pool worker '" + worker
                    + "' cannot be read here: " + e.getMessage(), e));
            return;
        }
        RuntimeException[] failures = null;
        if (result.failures() != null) {
            failures = new RuntimeException[chunk.count()];
            for (int i = 0; i < failures.length; i++) {
                Throwable failure = result.failures()[i];
                if (failure != null) {
                    failures[i] = new ChildProcessException(worker, job.describe(chunk.first() + i)
                            + " failed in pool worker '" + worker + "': " + failure, failure);
                }
            }
        }
        job.deliver(chunk.first(), result.values(), failures);
        forgetIfDone(job);
    }

    /** Fails every item of a chunk; called on the result thread. */
    private void failChunk(PoolChunk chunk, RuntimeException failure) {
        RuntimeException[] failures = new RuntimeException[chunk.count()];
        Arrays.fill(failures, failure);
        chunk.job().deliver(chunk.first(), new Object[chunk.count()], failures);
        forgetIfDone(chunk.job());
    }

    private void forgetIfDone(PoolJob job) {
        if (job.isDone()) {
            jobs.remove(job.id(), job);
        }
    }

    private static CancellationException terminated() {
        return new CancellationException("the pool was terminated before this task finished");
    }

    private void cancelAll() {
        CancellationException cancelled = terminated();
        for (PoolJob job : jobs.values()) {
            job.cancel(cancelled);
        }
        jobs.clear();
    }

    // ---------------------------------------------------------------- workers

    private void startWorker() {
        int serial = serials.incrementAndGet();
        PoolLane lane = lanes ? PoolLane.create().orElse(null) : null;
        PoolWorkerProcess worker;
        try {
            List<String> lanePaths = lane == null ? null : lane.paths();
            worker = factory.create(new PoolWorkerLoop(boardId, serial, initializer, lanePaths));
        } catch (RuntimeException e) {
            if (lane != null) {
                lane.delete();
            }
            throw e;
        }
        if (!board.register(serial, worker, lane)) {
            if (lane != null) {
                lane.delete();
            }
            return;
        }
        try {
            worker.start();
        } catch (RuntimeException e) {
            PoolTaskBoard.Departure departure = board.remove(serial);
            if (departure != null) {
                // the caller reports the exception: no warning here
                maintain(() -> departed(departure, "could not be started (" + e.getMessage() + ")", false));
            }
            throw e;
        }
        worker.onExit().whenComplete((code, failure) -> maintain(() -> {
            PoolTaskBoard.Departure departure = board.remove(serial);
            if (departure != null) {
                // a worker ended by a signal was ended by the pool, by the JVM's shutdown or by
                // someone who meant it: only an exit of its own before any task hints at a failed start
                departed(departure, "(pid " + worker.pid() + ") ended with exit code "
                        + (code != null ? code : ExitCodes.LOST), code != null && code >= 0);
            }
        }));
        if (board.state() == PoolTaskBoard.State.TERMINATE) {
            worker.terminate();
        }
    }

    /**
     * On the workers thread: a worker has gone; fail what it leaves and replace it.
     *
     * @param warnIfEarly whether a worker that took no task is worth a warning: it exited by itself
     *     (its initializer, or its JVM, failed) while the pool still had work for it; an orderly
     *     close or terminate, and the JVM's own shutdown, say nothing above DEBUG
     */
    private void departed(PoolTaskBoard.Departure departure, String how, boolean warnIfEarly) {
        String name = departure.slot().process.name();
        if (departure.running() != null) {
            ChildProcessException failure = new ChildProcessException(name,
                    "pool worker '" + name + "' " + how + " while running this task", null);
            results.add(() -> failChunk(departure.running(), failure));
        }
        if (!departure.stranded().isEmpty()) {
            ChildProcessException failure = new ChildProcessException(name, "pool worker '" + name + "' " + how
                    + " before it took a task: it could not start, or its initializer failed (see its standard"
                    + " error); no worker was left to run this task", null);
            for (PoolChunk chunk : departure.stranded()) {
                results.add(() -> failChunk(chunk, failure));
            }
        }
        if (warnIfEarly && departure.early() && board.needsWorkers()) {
            Log.LOGGER.warn("pool worker '{}' {} before it took a task; its initializer may have failed", name, how);
        } else if (departure.early()) {
            Log.LOGGER.debug("pool worker '{}' {} before it took a task", name, how);
        }
        if (departure.replace()) {
            long delay = 0;
            if (departure.early()) {
                backoffMillis = backoffMillis == 0 ? FIRST_BACKOFF_MILLIS : Math.min(MAX_BACKOFF_MILLIS, 2 * backoffMillis);
                delay = backoffMillis;
            } else {
                backoffMillis = 0;
            }
            try {
                maintenance.schedule(this::replaceWorker, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // the pool has ended
            }
        }
        maybeFinish();
    }

    private void replaceWorker() {
        if (!board.needsWorkers()) {
            maybeFinish();
            return;
        }
        try {
            startWorker();
        } catch (RuntimeException e) {
            Log.LOGGER.warn("could not start a pool worker: {}", e.toString());
        }
    }

    /** Runs on the workers thread; once the pool has ended there is nothing left to maintain. */
    private void maintain(Runnable task) {
        try {
            maintenance.execute(task);
        } catch (RejectedExecutionException e) {
            // the pool has ended
        }
    }

    /** On the workers thread: once nothing will run any more, stop the result thread after what it has. */
    private void maybeFinish() {
        if (!finishing && board.finished()) {
            finishing = true;
            submissions.add(END);
            results.add(STOP);
        }
    }

    // ---------------------------------------------------------------- close, terminate, join

    /** Python's {@code close()}: no more submissions; workers exit once every chunk is handed out. */
    public void close() {
        if (board.close()) {
            submissions.add(END);
        }
    }

    /**
     * Python's {@code terminate()}: fails every outstanding job with a
     * {@link CancellationException}, sends SIGTERM to every worker (SIGKILL to those still
     * running after {@link #TERMINATE_GRACE}) and waits for them to end. Called again, it waits
     * again. From the pool's own result thread (a callback), it does not wait.
     */
    public void terminate() {
        beginTermination();
        if (Thread.currentThread() == resultHandler) {
            return;
        }
        try {
            if (!awaitEnd(TERMINATE_GRACE)) {
                board.workers().forEach(PoolWorkerProcess::kill);
                if (!awaitEnd(KILL_WAIT)) {
                    Log.LOGGER.warn("pool workers {} did not end within {} s of SIGKILL", board.workers(),
                            KILL_WAIT.toSeconds());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void beginTermination() {
        List<PoolWorkerProcess> live = board.terminate();
        if (live != null) {
            results.add(this::cancelAll);
            if (Thread.currentThread() != feeder) {
                feeder.interrupt();
            }
            live.forEach(PoolWorkerProcess::terminate);
            maintain(this::maybeFinish);
        }
    }

    /**
     * Python's {@code join()}: waits until every worker has ended and every result is delivered.
     *
     * @param timeout how long to wait, or null for ever
     * @return whether the pool has ended
     * @throws IllegalStateException "Pool is still running" before close or terminate, or when
     *     called from the pool's own result thread
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean join(Duration timeout) throws InterruptedException {
        if (board.state() == PoolTaskBoard.State.RUN) {
            throw new IllegalStateException("Pool is still running");
        }
        if (Thread.currentThread() == resultHandler) {
            throw new IllegalStateException("a pool cannot be joined from its own result callbacks");
        }
        if (timeout == null) {
            try {
                ended.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("unreachable: the end future never fails", e);
            }
            return true;
        }
        return awaitEnd(timeout);
    }

    private boolean awaitEnd(Duration timeout) throws InterruptedException {
        try {
            ended.get(Timeouts.nanos(timeout), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("unreachable: the end future never fails", e);
        }
    }

    /**
     * Python's state names: {@code RUN}, {@code CLOSE}, {@code TERMINATE}.
     *
     * @return the state's name
     */
    public String state() {
        return board.state().name();
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(PoolEngine.class);
    }
}
