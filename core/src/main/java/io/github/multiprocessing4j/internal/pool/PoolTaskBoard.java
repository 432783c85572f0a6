package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a pool's workers get their chunks and return their results: a shared object hosted in
 * the pool's JVM, one call per chunk (results of the last chunk in, next chunk out).
 *
 * <p>Why a board and not a task queue shared by the workers (Python's {@code _inqueue}): the
 * board hands a chunk to a worker inside that worker's own call and records it in the worker's
 * slot, under one lock. So the parent always knows which chunk each worker is running; when a
 * worker dies ({@code onExit()}), exactly that chunk fails, and a chunk is never lost between
 * a queue and a dead worker (Python's pool hangs there). It is also each worker's own task
 * channel: a chunk reaches the one worker that asked for it. Results come back inside the next
 * request, so a busy worker costs one round trip per chunk, not two; the engine's result
 * thread deserializes them, off the control channel's threads.
 *
 * <p>The protocol is two operations. {@link #TAKE}{@code (serial, results, wait)} answers
 * {@link #EXIT} when the worker should end (the pool is terminated, closed and drained, or
 * the worker has done its {@code maxTasksPerChild}), {@link #NOTHING} when there is no chunk
 * and {@code wait} is false, else the chunk: its job id, item count, the job's function (only
 * when the worker's previous chunk was of another job, since a worker keeps one function; -1
 * length otherwise) and the serialized items. A call without {@code wait} never blocks and is
 * answered on the channel's own thread. {@link #STARTED}{@code (serial)}, posted (no answer) by a
 * worker as it receives a chunk and before it runs any of it, says that the chunk is the
 * worker's: a worker that departs holding a chunk it never said it started was dead before the
 * chunk reached it (killed while its request waited, before the parent noticed), so the chunk
 * goes back to the front of the board for the next worker instead of failing. The post travels
 * on the worker's channel ahead of the channel's end, which the engine sees before the worker's
 * exit, so a started chunk is always known as such when its worker departs.
 */
public final class PoolTaskBoard implements SharedObjects.Hosted {

    /** take(serial, results or null, wait) returns a chunk (byte[]), {@link #NOTHING} or {@link #EXIT}. */
    public static final int TAKE = 1;
    /** started(serial), posted: the worker has received its chunk and runs it. */
    public static final int STARTED = 2;
    /** No chunk now (only for a call that does not wait). */
    public static final Integer NOTHING = 0;
    /** The worker should end. */
    public static final Integer EXIT = 1;

    /** Python's pool states. */
    enum State { RUN, CLOSE, TERMINATE }

    /** Where results go: the engine's result thread. */
    interface Sink {

        /**
         * A worker returned the results of a chunk. Called under the board's lock: must not block.
         *
         * @param chunk the chunk
         * @param results the serialized {@link PoolChunkResult}
         * @param worker the worker's name
         */
        void delivered(PoolChunk chunk, byte[] results, String worker);
    }

    /** One worker, from its registration until its process has ended. */
    static final class Slot {
        final int serial;
        final PoolWorkerProcess process;
        PoolChunk current;
        boolean started;
        long lastJob = Long.MIN_VALUE;
        int completed;
        boolean ready;
        boolean exiting;

        Slot(int serial, PoolWorkerProcess process) {
            this.serial = serial;
            this.process = process;
        }
    }

    /**
     * What a worker's end leaves to do.
     *
     * @param slot the worker's slot
     * @param running the chunk it was running, or null
     * @param stranded pending chunks that no worker can run (it died before its first request and
     *     no ready worker is left), now removed from the board
     * @param early whether it died before its first request (it did not start, or its
     *     initializer failed)
     * @param replace whether a new worker should take its place
     */
    record Departure(Slot slot, PoolChunk running, List<PoolChunk> stranded, boolean early, boolean replace) {
    }

    private final int maxTasksPerChild;
    private final int maxPending;
    private final Sink sink;
    private final ArrayDeque<PoolChunk> pending = new ArrayDeque<>();
    private final Map<Integer, Slot> slots = new HashMap<>();
    private State state = State.RUN;
    private boolean inputEnded;

    /**
     * Creates a board.
     *
     * @param maxTasksPerChild chunks per worker before it is replaced; 0 for no limit
     * @param maxPending how many chunks may wait here before the feeder waits
     * @param sink where results go
     */
    PoolTaskBoard(int maxTasksPerChild, int maxPending, Sink sink) {
        this.maxTasksPerChild = maxTasksPerChild;
        this.maxPending = maxPending;
        this.sink = sink;
    }

    @Override
    public boolean mayBlock(int op, Object[] args) {
        if (op == STARTED) {
            return false;
        }
        return op != TAKE || args.length < 3 || !Boolean.FALSE.equals(args[2]);
    }

    @Override
    public Object invoke(int op, Object[] args, String caller) throws InterruptedException {
        if (op == STARTED && args.length == 1) {
            started((Integer) args[0]);
            return null;
        }
        if (op != TAKE || args.length != 3) {
            throw new IllegalArgumentException("unknown pool operation " + op + " with " + args.length + " arguments");
        }
        return take((Integer) args[0], (byte[]) args[1], (Boolean) args[2], caller);
    }

    private synchronized void started(int serial) {
        Slot slot = slots.get(serial);
        if (slot != null && slot.current != null) {
            slot.started = true;
        }
    }

    private synchronized Object take(int serial, byte[] results, boolean wait, String caller)
            throws InterruptedException {
        Slot slot = slots.get(serial);
        if (slot == null) {
            return EXIT;
        }
        if (!slot.ready) {
            slot.ready = true;
            notifyAll();
        }
        if (results != null && slot.current != null) {
            sink.delivered(slot.current, results, slot.process.name());
            slot.current = null;
            slot.started = false;
            slot.completed++;
        }
        while (true) {
            if (state == State.TERMINATE || slots.get(serial) != slot || slot.exiting) {
                return EXIT;
            }
            if (maxTasksPerChild > 0 && slot.completed >= maxTasksPerChild) {
                slot.exiting = true;
                return EXIT;
            }
            PoolChunk chunk = pending.pollFirst();
            if (chunk != null) {
                chunk.job().taken();
                slot.current = chunk;
                slot.started = false;
                boolean withFunction = slot.lastJob != chunk.job().id();
                slot.lastJob = chunk.job().id();
                notifyAll();
                if (withFunction) {
                    for (String handle : chunk.job().handles()) {
                        SharedObjects.handedOut(handle, caller);
                    }
                }
                return encode(chunk, withFunction);
            }
            if (inputEnded) {
                slot.exiting = true;
                return EXIT;
            }
            if (!wait) {
                return NOTHING;
            }
            // a cancelled call (the worker died while waiting) is interrupted here, holding nothing
            wait();
        }
    }

    private static byte[] encode(PoolChunk chunk, boolean withFunction) {
        byte[] function = withFunction ? chunk.job().function() : null;
        ByteBuffer buffer = ByteBuffer.allocate(16 + (function == null ? 0 : function.length) + chunk.items().length);
        buffer.putLong(chunk.job().id()).putInt(chunk.count()).putInt(function == null ? -1 : function.length);
        if (function != null) {
            buffer.put(function);
        }
        buffer.put(chunk.items());
        return buffer.array();
    }

    // ---------------------------------------------------------------- the engine's side

    /**
     * Runs {@code action} if the pool is running, atomically with respect to close and terminate.
     *
     * @param action what to do
     * @throws IllegalStateException "Pool not running" otherwise (Python's message)
     */
    synchronized void ifRunning(Runnable action) {
        if (state != State.RUN) {
            throw new IllegalStateException("Pool not running");
        }
        action.run();
    }

    synchronized State state() {
        return state;
    }

    /**
     * Registers a worker before it starts, so that its first request finds its slot.
     *
     * @return false if the pool is terminated: do not start it
     */
    synchronized boolean register(int serial, PoolWorkerProcess process) {
        if (state == State.TERMINATE) {
            return false;
        }
        slots.put(serial, new Slot(serial, process));
        return true;
    }

    /**
     * Adds a chunk for the workers, waiting while {@code maxPending} chunks wait already.
     *
     * @return false if the pool was terminated: the chunk was not added
     * @throws InterruptedException if the feeder is interrupted
     */
    synchronized boolean add(PoolChunk chunk) throws InterruptedException {
        while (state != State.TERMINATE && !chunk.job().withdrawn() && pending.size() >= maxPending) {
            wait();
        }
        if (state == State.TERMINATE) {
            return false;
        }
        if (!chunk.job().withdrawn()) {
            pending.addLast(chunk);
            notifyAll();
        }
        return true;
    }

    /**
     * Withdraws a chunk that no worker has taken: it is removed from the board, or dropped when
     * the feeder adds it.
     *
     * @param chunk the only chunk of a job that can be withdrawn
     * @return whether it will never run; false if a worker took it or the pool is terminated
     */
    synchronized boolean withdraw(PoolChunk chunk) {
        if (state == State.TERMINATE || !chunk.job().withdraw()) {
            return false;
        }
        if (pending.remove(chunk)) {
            // room for the feeder; and a closed pool's idle workers may exit now
            notifyAll();
        }
        return true;
    }

    /** The feeder has added every chunk it will: idle workers of a closed pool exit. */
    synchronized void endInput() {
        inputEnded = true;
        notifyAll();
    }

    /**
     * Python's {@code close()}: no more submissions.
     *
     * @return whether the pool was running
     */
    synchronized boolean close() {
        if (state != State.RUN) {
            return false;
        }
        state = State.CLOSE;
        return true;
    }

    /**
     * Python's {@code terminate()}: workers get {@link #EXIT} at their next request, nothing
     * pending runs.
     *
     * @return the workers to signal, or null if the pool was terminated already
     */
    synchronized List<PoolWorkerProcess> terminate() {
        if (state == State.TERMINATE) {
            return null;
        }
        state = State.TERMINATE;
        pending.clear();
        List<PoolWorkerProcess> live = new ArrayList<>();
        for (Slot slot : slots.values()) {
            slot.current = null;
            live.add(slot.process);
        }
        notifyAll();
        return live;
    }

    /**
     * Waits until {@code count} workers have asked for work at least once and are not leaving,
     * the pool stops needing workers, or the time is up.
     *
     * @param count how many workers
     * @param timeoutNanos how long to wait at most
     * @return whether {@code count} workers are ready
     * @throws InterruptedException if interrupted while waiting
     */
    synchronized boolean awaitReady(int count, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            long ready = slots.values().stream().filter(slot -> slot.ready && !slot.exiting).count();
            if (ready >= count) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !needsWorkers()) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /**
     * The workers registered now.
     *
     * @return a snapshot
     */
    synchronized List<PoolWorkerProcess> workers() {
        List<PoolWorkerProcess> live = new ArrayList<>();
        slots.values().forEach(slot -> live.add(slot.process));
        return live;
    }

    /**
     * A worker's process has ended, or it could not be started.
     *
     * @return what is left to do, or null if it was not registered
     */
    synchronized Departure remove(int serial) {
        Slot slot = slots.remove(serial);
        if (slot == null) {
            return null;
        }
        PoolChunk running = slot.current;
        slot.current = null;
        if (running != null && !slot.started && state != State.TERMINATE) {
            // handed to a request of a worker that was already dead: it never had it
            pending.addFirst(running);
            running = null;
        }
        boolean early = !slot.ready;
        List<PoolChunk> stranded = List.of();
        if (early && state != State.TERMINATE && slots.values().stream().noneMatch(s -> s.ready && !s.exiting)) {
            stranded = new ArrayList<>(pending);
            pending.clear();
        }
        notifyAll();
        return new Departure(slot, running, stranded, early, needsWorkers());
    }

    /**
     * Whether workers are still needed: the pool runs, or it is closed with work left to hand out.
     *
     * @return true if a worker that ended should be replaced
     */
    synchronized boolean needsWorkers() {
        return state == State.RUN || (state == State.CLOSE && !(inputEnded && pending.isEmpty()));
    }

    /**
     * Whether the pool has finished: closed and drained, or terminated, and no worker left.
     *
     * @return true once nothing will run any more
     */
    synchronized boolean finished() {
        return state != State.RUN && slots.isEmpty() && !needsWorkers();
    }

    @Override
    public synchronized String toString() {
        return "PoolTaskBoard[state=" + state + " workers=" + slots.size() + " pending=" + pending.size() + "]";
    }
}
