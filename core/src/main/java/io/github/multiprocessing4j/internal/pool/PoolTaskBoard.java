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
 *
 * <p>On one host, a worker that can map its {@link PoolLane} says so with {@link #LANE} and from
 * then on gets its chunks and returns its results through the lane: the board pushes chunks into
 * it (at most {@link PoolLane#DEPTH} unanswered) as they are added and as results come back,
 * and the engine's result thread reads the results with {@link #pumpLanes}. The rules are the
 * same: each chunk is pending, in exactly one worker's slot, or failed. {@link #FETCH} and
 * {@link #DELIVER} carry the chunks and results too large for a lane's record.
 */
public final class PoolTaskBoard implements SharedObjects.Hosted {

    /** take(serial, results or null, wait) returns a chunk (byte[]), {@link #NOTHING} or {@link #EXIT}. */
    public static final int TAKE = 1;
    /** started(serial), posted: the worker has received its chunk and runs it. */
    public static final int STARTED = 2;
    /** lane(serial) returns whether the worker gets its chunks through its {@link PoolLane} from now on. */
    public static final int LANE = 3;
    /** fetch(serial, number) returns a chunk too large for the lane (byte[]), or null if it is gone. */
    public static final int FETCH = 4;
    /** deliver(serial, number, results): results too large for the lane; a lane record follows. */
    public static final int DELIVER = 5;
    /** No chunk now (only for a call that does not wait). */
    public static final Integer NOTHING = 0;
    /** The worker should end. */
    public static final Integer EXIT = 1;

    /** Python's pool states. */
    enum State { RUN, CLOSE, TERMINATE }

    /** Where results go: the engine's result thread. */
    @FunctionalInterface
    interface Sink {

        /**
         * A worker returned the results of a chunk. Called under the board's lock: must not block.
         *
         * @param chunk the chunk
         * @param results the serialized {@link PoolChunkResult}
         * @param worker the worker's name
         */
        void delivered(PoolChunk chunk, byte[] results, String worker);

        /**
         * Chunks went into a lane while none was outstanding: the lanes need reading again.
         * Called under the board's lock: must not block. A board without lanes never calls it.
         */
        default void lanesBusy() {
        }
    }

    /**
     * Results read from a lane, for the result thread to deliver after it let go of the lock.
     *
     * @param chunk the chunk
     * @param results the serialized {@link PoolChunkResult}
     * @param worker the worker's name
     */
    record Delivery(PoolChunk chunk, byte[] results, String worker) {
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
        /** The worker's lane, or null if it has none or does not use it. */
        PoolLane lane;
        /** Whether the worker said it uses its lane ({@link #LANE}). */
        boolean laneActive;
        /** The worker's key as its calls give it: who holds a function's handles (SPEC M9). */
        String caller;
        /** Chunks written into the lane, not answered and not taken back, oldest first. */
        final ArrayDeque<Sent> sent = new ArrayDeque<>();
        /** Chunks written into the lane: the next chunk's number. */
        long pushed;
        /** Chunks were taken back from the lane since its worker last answered: write no more behind its chunk. */
        boolean heldBack;
        /** Chunks and results too large for the lane, by number. */
        final Map<Long, byte[]> largeTasks = new HashMap<>();
        final Map<Long, byte[]> largeResults = new HashMap<>();

        Slot(int serial, PoolWorkerProcess process, PoolLane lane) {
            this.serial = serial;
            this.process = process;
            this.lane = lane;
        }
    }

    /**
     * A chunk in a lane.
     *
     * @param chunk the chunk
     * @param number its number in the lane
     */
    record Sent(PoolChunk chunk, long number) {
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
    /** Chunks in lanes, not answered, over all slots; written under the lock. */
    private volatile int outstanding;
    /** The lanes in use, for a look without the lock; replaced under the lock. */
    private volatile PoolLane[] activeLanes = new PoolLane[0];

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
        if (op != TAKE) {
            return false;
        }
        return args.length < 3 || !Boolean.FALSE.equals(args[2]);
    }

    @Override
    public Object invoke(int op, Object[] args, String caller) throws InterruptedException {
        if (op == STARTED && args.length == 1) {
            started((Integer) args[0]);
            return null;
        }
        if (op == LANE && args.length == 1) {
            return lane((Integer) args[0], caller);
        }
        if (op == FETCH && args.length == 2) {
            return fetch((Integer) args[0], (Long) args[1]);
        }
        if (op == DELIVER && args.length == 3) {
            deliverLarge((Integer) args[0], (Long) args[1], (byte[]) args[2]);
            return null;
        }
        if (op != TAKE || args.length != 3) {
            throw new IllegalArgumentException("unknown pool operation " + op + " with " + args.length + " arguments");
        }
        return take((Integer) args[0], (byte[]) args[1], (Boolean) args[2], caller);
    }

    private synchronized boolean lane(int serial, String caller) {
        Slot slot = slots.get(serial);
        if (slot == null || slot.lane == null || slot.laneActive || state == State.TERMINATE) {
            return false;
        }
        slot.laneActive = true;
        slot.caller = caller;
        PoolLane[] more = java.util.Arrays.copyOf(activeLanes, activeLanes.length + 1);
        more[more.length - 1] = slot.lane;
        activeLanes = more;
        slot.ready = true;
        notifyAll();
        fill(slot);
        // a worker that comes late may find the chunks it could run queued behind another's
        rebalance();
        return true;
    }

    private synchronized byte[] fetch(int serial, long number) {
        Slot slot = slots.get(serial);
        return slot == null ? null : slot.largeTasks.remove(number);
    }

    private synchronized void deliverLarge(int serial, long number, byte[] results) {
        Slot slot = slots.get(serial);
        if (slot != null && slot.laneActive) {
            slot.largeResults.put(number, results);
        }
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
        if (slot.lane != null && !slot.laneActive) {
            // the worker cannot map its lane (another host): it uses this call only
            slot.lane.delete();
            slot.lane = null;
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

    // ---------------------------------------------------------------- lanes

    /** Fills a worker's lane up to {@link PoolLane#DEPTH} unanswered chunks, or writes its exit. */
    private void fill(Slot slot) {
        fill(slot, PoolLane.DEPTH);
    }

    /** Fills a worker's lane up to {@code upTo} unanswered chunks, or writes its exit. */
    private void fill(Slot slot, int upTo) {
        if (!slot.laneActive || slot.exiting) {
            return;
        }
        while (true) {
            if (state == State.TERMINATE || slots.get(slot.serial) != slot) {
                exit(slot);
                return;
            }
            if (maxTasksPerChild > 0 && slot.completed + slot.sent.size() >= maxTasksPerChild) {
                if (slot.sent.isEmpty()) {
                    exit(slot);
                }
                return;
            }
            if (slot.sent.size() >= upTo) {
                return;
            }
            PoolChunk chunk = pending.peekFirst();
            if (chunk == null) {
                if (inputEnded && slot.sent.isEmpty()) {
                    exit(slot);
                }
                return;
            }
            if (!slot.sent.isEmpty() && (!chunk.job().prefetchable() || slot.heldBack)) {
                return;
            }
            if (!push(slot, chunk)) {
                return;
            }
            pending.pollFirst();
        }
    }

    /**
     * When a worker has nothing to run and nothing is pending, takes back the chunks that other
     * workers have in their lanes and have not claimed, so that no chunk waits behind a long one
     * while a worker idles (Python's workers take their tasks one at a time from one queue).
     */
    private void rebalance() {
        if (!pending.isEmpty() || state == State.TERMINATE) {
            return;
        }
        boolean idle = false;
        for (Slot slot : slots.values()) {
            idle |= slot.laneActive && !slot.exiting && slot.sent.isEmpty();
        }
        if (!idle) {
            return;
        }
        for (Slot slot : slots.values()) {
            // a chunk that can be withdrawn is only ever alone in an idle worker's lane: left there
            if (slot.laneActive && !slot.sent.isEmpty() && slot.sent.peekFirst().chunk().job().prefetchable()) {
                if (returnToBoard(slot, slot.lane.takeBack(slot.pushed)) > 0) {
                    // what the worker skips may have carried the function it was to keep
                    slot.lastJob = Long.MIN_VALUE;
                    // its current chunk is long: no more chunks behind it until it is done
                    slot.heldBack = true;
                }
            }
        }
        if (!pending.isEmpty()) {
            fillAll();
        }
    }

    /**
     * Moves the chunks of a lane numbered {@code first} and above back to the front of the board,
     * in their order; the worker will not run them.
     *
     * @return how many were moved
     */
    private int returnToBoard(Slot slot, long first) {
        int moved = 0;
        while (!slot.sent.isEmpty() && slot.sent.peekLast().number() >= first) {
            Sent sent = slot.sent.pollLast();
            slot.largeTasks.remove(sent.number());
            pending.addFirst(sent.chunk());
            outstanding--;
            moved++;
        }
        return moved;
    }

    /** Fills every lane: one chunk each first, so that the chunks of a map spread over the workers. */
    private void fillAll() {
        for (int upTo = 1; upTo <= PoolLane.DEPTH; upTo++) {
            for (Slot slot : slots.values()) {
                fill(slot, upTo);
            }
        }
    }

    private void exit(Slot slot) {
        slot.exiting = true;
        slot.lane.writeExit();
    }

    /** Writes a chunk into a lane; false if the lane has no room for it now (nothing was done). */
    private boolean push(Slot slot, PoolChunk chunk) {
        boolean withFunction = slot.lastJob != chunk.job().id();
        byte[] encoded = encode(chunk, withFunction);
        if (!slot.lane.fits(encoded.length)) {
            return false;
        }
        chunk.job().taken();
        slot.lastJob = chunk.job().id();
        if (withFunction) {
            for (String handle : chunk.job().handles()) {
                SharedObjects.handedOut(handle, slot.caller);
            }
        }
        long number = slot.pushed++;
        if (!slot.lane.writeChunk(encoded, number)) {
            slot.largeTasks.put(number, encoded);
        }
        slot.sent.addLast(new Sent(chunk, number));
        if (outstanding++ == 0) {
            sink.lanesBusy();
        }
        notifyAll();
        return true;
    }

    /**
     * Whether some lane has chunks out: the result thread should keep reading the lanes.
     *
     * @return true while a chunk sent through a lane is not answered
     */
    boolean lanesBusy() {
        return outstanding > 0;
    }

    /**
     * Whether a worker committed results to its lane that {@link #pumpLanes} has not read: a look
     * without the lock, for the result thread's wait.
     *
     * @return true if there is something to read
     */
    boolean lanesHaveResults() {
        for (PoolLane lane : activeLanes) {
            if (lane.hasResults()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads every result the workers committed to their lanes and refills the lanes, for the
     * result thread, which delivers the results after this returns.
     *
     * @param deliveries where the results go, in each worker's order
     * @return whether anything was read
     */
    synchronized boolean pumpLanes(List<Delivery> deliveries) {
        boolean any = false;
        for (Slot slot : slots.values()) {
            if (slot.laneActive && !slot.sent.isEmpty()) {
                any |= drain(slot, deliveries);
                fill(slot);
            }
        }
        if (any) {
            rebalance();
        }
        return any;
    }

    /** Reads a lane's committed results; under the lock. */
    private boolean drain(Slot slot, List<Delivery> deliveries) {
        boolean any = false;
        byte[] record;
        while (!slot.sent.isEmpty() && (record = slot.lane.poll()) != null) {
            any = true;
            byte[] results = null;
            if (record.length >= 1 && record[0] == PoolLane.RESULTS) {
                results = java.util.Arrays.copyOfRange(record, 1, record.length);
            } else if (record.length == 9 && record[0] == PoolLane.DELIVERED) {
                results = slot.largeResults.remove(ByteBuffer.wrap(record, 1, 8).getLong());
            }
            answer(slot, results, deliveries);
        }
        return any;
    }

    /** The oldest chunk of a lane is answered: its results, or null if they cannot be read. */
    private void answer(Slot slot, byte[] results, List<Delivery> deliveries) {
        PoolChunk chunk = slot.sent.pollFirst().chunk();
        slot.completed++;
        slot.heldBack = false;
        outstanding--;
        byte[] bytes = results != null ? results : new byte[0];
        if (deliveries != null) {
            deliveries.add(new Delivery(chunk, bytes, slot.process.name()));
        } else {
            sink.delivered(chunk, bytes, slot.process.name());
        }
        notifyAll();
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
     * @param serial the worker's number
     * @param process the worker
     * @param lane its lane, or null; deleted with the slot
     *
     * @return false if the pool is terminated: do not start it
     */
    synchronized boolean register(int serial, PoolWorkerProcess process, PoolLane lane) {
        if (state == State.TERMINATE) {
            return false;
        }
        slots.put(serial, new Slot(serial, process, lane));
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
            fillAll();
            notifyAll();
        }
        return true;
    }

    /**
     * Adds the chunks of a materialized job at once: they are in memory already, so the limit of
     * pending chunks, which paces lazy inputs, does not apply.
     *
     * @param chunks the chunks, in order
     * @throws IllegalStateException "Pool not running" if the pool is closed or terminated
     */
    synchronized void addAll(List<PoolChunk> chunks) {
        if (state != State.RUN) {
            throw new IllegalStateException("Pool not running");
        }
        pending.addAll(chunks);
        fillAll();
        notifyAll();
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
        fillAll();
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
            outstanding -= slot.sent.size();
            slot.sent.clear();
            if (slot.laneActive && !slot.exiting) {
                exit(slot);
            }
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
        if (slot.lane != null) {
            PoolChunk inLane = leaveLane(slot);
            running = inLane != null ? inLane : running;
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
     * A worker with a lane has ended: what it answered is delivered, the chunk it started and did
     * not answer is returned (it was running), the chunks it did not start go back to the front
     * of the board in their order, and the lane's files are deleted.
     */
    private PoolChunk leaveLane(Slot slot) {
        PoolChunk running = null;
        if (slot.laneActive) {
            drain(slot, null);
            // results it handed over by call but had no time to announce in the lane
            while (!slot.sent.isEmpty() && slot.largeResults.containsKey(slot.sent.peekFirst().number())) {
                answer(slot, slot.largeResults.remove(slot.sent.peekFirst().number()), null);
            }
            // it runs its chunks one at a time, in order: only the oldest can have been claimed
            if (!slot.sent.isEmpty() && slot.lane.started() > slot.sent.peekFirst().number()) {
                running = slot.sent.pollFirst().chunk();
                outstanding--;
            }
            if (state != State.TERMINATE) {
                returnToBoard(slot, Long.MIN_VALUE);
            }
            outstanding -= slot.sent.size();
            slot.sent.clear();
            slot.largeTasks.clear();
            slot.largeResults.clear();
        }
        PoolLane lane = slot.lane;
        activeLanes = java.util.Arrays.stream(activeLanes).filter(active -> active != lane).toArray(PoolLane[]::new);
        lane.delete();
        slot.lane = null;
        fillAll();
        return state == State.TERMINATE ? null : running;
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
