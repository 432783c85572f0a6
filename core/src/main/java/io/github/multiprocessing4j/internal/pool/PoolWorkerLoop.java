package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.ring.PeerGoneException;
import io.github.multiprocessing4j.internal.ring.RingReader;
import io.github.multiprocessing4j.internal.ring.RingWriter;
import io.github.multiprocessing4j.internal.shared.Shared;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serial;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The target of every pool worker: Python's {@code multiprocessing.pool.worker}. Runs the
 * initializer once, then asks its pool's {@link PoolTaskBoard} for a chunk, runs it, and hands
 * the chunk's results back with the request for the next one (one round trip per chunk), until
 * the board says to exit. Then the target returns and the worker's JVM ends with exit code 0.
 * A worker that can map its {@link PoolLane} (the pool is on the same host) gets its chunks and
 * returns its results there instead, with no call per chunk.
 *
 * <p>Each item's exception is caught and sent back as that item's outcome (the JVM's own
 * {@link VirtualMachineError}s, but for {@link StackOverflowError}, end the worker instead,
 * as Python's {@code BaseException}s do); an exception in the initializer ends the worker with
 * exit code 1 and its stack trace on stderr, as in Python.
 */
public final class PoolWorkerLoop implements SerializableRunnable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** How long a worker waits for its next chunk: until the pool writes one, or its exit. */
    private static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

    private final String boardId;
    private final int serial;
    private final SerializableRunnable initializer;
    /** The lane's files (tasks, results), or null if the pool gave the worker none. */
    private final String[] lane;

    /**
     * The job whose function is cached, the function's bytes, and the function or why it could not
     * be read. A job whose function has the same bytes as the cached one gets the same instance: a
     * function is a worker's for as long as it serves (as a Python worker keeps its module's state
     * from task to task).
     */
    private transient long cachedJob;
    private transient byte[] functionBytes;
    private transient PoolFunction function;
    private transient RuntimeException functionFailure;

    /**
     * Creates the loop of one worker.
     *
     * @param boardId the id of the pool's board, a shared object of the parent
     * @param serial the worker's number in its pool, which the board knows it by
     * @param initializer what to run before the first task, or null
     * @param lane the files of the worker's {@link PoolLane} (tasks, results), or null
     */
    public PoolWorkerLoop(String boardId, int serial, SerializableRunnable initializer, List<String> lane) {
        this.boardId = boardId;
        this.serial = serial;
        this.initializer = initializer;
        this.lane = lane == null ? null : lane.toArray(new String[0]);
    }

    /** Runs in the worker until the pool says to exit. */
    @Override
    public void run() throws Exception {
        if (initializer != null) {
            initializer.run();
        }
        cachedJob = Long.MIN_VALUE;
        if (lane != null && runLane()) {
            return;
        }
        byte[] results = null;
        while (true) {
            Object reply = take(results, false);
            results = null;
            if (PoolTaskBoard.NOTHING.equals(reply)) {
                reply = take(null, true);
            }
            if (!(reply instanceof byte[] task)) {
                return;
            }
            // before any of it runs: a chunk the board never hears of was not this worker's
            Shared.post(boardId, PoolTaskBoard.STARTED, serial);
            results = runChunk(task, 0);
        }
    }

    /**
     * Serves through the lane, if this process can map it and the board agrees.
     *
     * @return false if the lane cannot be used here: the worker uses the board's calls instead
     */
    private boolean runLane() throws InterruptedException {
        MappedRing tasksRing;
        MappedRing resultsRing;
        try {
            tasksRing = MappedRing.open(Path.of(lane[0]));
            resultsRing = MappedRing.open(Path.of(lane[1]));
        } catch (IOException | RuntimeException e) {
            // another host, or a container without the session's directory
            return false;
        }
        if (!Boolean.TRUE.equals(Shared.call(boardId, PoolTaskBoard.LANE, serial))) {
            return false;
        }
        // the pool process outlives its workers' reads: its death ends this JVM by other means
        RingReader tasks = tasksRing.reader(() -> true);
        RingWriter results = resultsRing.writer(() -> true);
        long number = 0;
        try {
            while (true) {
                byte[] record = tasks.read(FOREVER);
                byte[] task;
                int offset = 1;
                if (record.length == 1 && record[0] == PoolLane.EXIT) {
                    return true;
                }
                boolean chunk = record.length > 1 && record[0] == PoolLane.CHUNK;
                if (!chunk && !(record.length == 9 && record[0] == PoolLane.FETCH)) {
                    throw new IllegalStateException("the pool wrote a record of " + record.length
                            + " bytes that is not a task into " + lane[0]);
                }
                // before any of it runs: a chunk not claimed here is not this worker's (the pool
                // took it back for another worker)
                if (!PoolLane.claim(tasksRing, number)) {
                    number++;
                    continue;
                }
                if (chunk) {
                    task = record;
                } else {
                    task = (byte[]) Shared.call(boardId, PoolTaskBoard.FETCH, serial, number);
                    offset = 0;
                    if (task == null) {
                        // the pool took it back: it is terminated
                        return true;
                    }
                }
                byte[] outcome = runChunk(task, offset);
                if (outcome.length <= PoolLane.MAX_INLINE) {
                    results.write(new byte[] {PoolLane.RESULTS}, outcome, 0, outcome.length, FOREVER);
                } else {
                    Shared.call(boardId, PoolTaskBoard.DELIVER, serial, number, outcome);
                    results.write(ByteBuffer.allocate(9).put(PoolLane.DELIVERED).putLong(number).array(), FOREVER);
                }
                number++;
            }
        } catch (EOFException | PeerGoneException e) {
            // the pool deleted the lane: it no longer needs this worker
            return true;
        }
    }

    private Object take(byte[] results, boolean wait) {
        try {
            return Shared.call(boardId, PoolTaskBoard.TAKE, serial, results, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PoolTaskBoard.EXIT;
        }
    }

    private byte[] runChunk(byte[] task, int offset) {
        ByteBuffer buffer = ByteBuffer.wrap(task, offset, task.length - offset);
        long job = buffer.getLong();
        int count = buffer.getInt();
        int functionLength = buffer.getInt();
        if (functionLength >= 0) {
            cachedJob = job;
            byte[] bytes = Arrays.copyOfRange(task, buffer.position(), buffer.position() + functionLength);
            if (!Arrays.equals(bytes, functionBytes)) {
                // a new function; the same one again (a loop of maps) is not read again: Java
                // serialization of a lambda costs a worker more than the round trip of its chunk
                functionBytes = bytes;
                try {
                    function = (PoolFunction) Payloads.deserialize(bytes);
                    functionFailure = null;
                } catch (RuntimeException e) {
                    function = null;
                    functionFailure = e;
                }
            }
            buffer.position(buffer.position() + functionLength);
        } else if (cachedJob != job) {
            function = null;
            functionFailure = new IllegalStateException("the pool sent a chunk of job " + job
                    + " without its function");
        }
        Object[] values = new Object[count];
        Throwable[] failures = null;
        List<?> items = null;
        RuntimeException chunkFailure = functionFailure;
        if (chunkFailure == null) {
            try {
                items = (List<?>) Payloads.deserialize(Arrays.copyOfRange(task, buffer.position(), task.length));
                if (items.size() != count) {
                    throw new IllegalStateException("the pool sent a chunk of " + items.size() + " items for " + count);
                }
            } catch (RuntimeException e) {
                chunkFailure = e;
            }
        }
        if (chunkFailure != null) {
            failures = new Throwable[count];
            Arrays.fill(failures, chunkFailure);
            return encode(values, failures);
        }
        for (int i = 0; i < count; i++) {
            try {
                values[i] = function.apply(items.get(i));
            } catch (StackOverflowError e) {
                failures = record(failures, count, i, e);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Exception | Error e) {
                failures = record(failures, count, i, e);
            }
        }
        return encode(values, failures);
    }

    private static Throwable[] record(Throwable[] failures, int count, int index, Throwable failure) {
        Throwable[] all = failures != null ? failures : new Throwable[count];
        all[index] = failure;
        return all;
    }

    /**
     * Serializes the outcomes. What cannot be sent fails its own item only: an exception that is
     * not serializable travels as a stand-in with its text and stack trace; a value that is
     * not serializable becomes that item's {@link IllegalArgumentException}.
     */
    static byte[] encode(Object[] values, Throwable[] failures) {
        Throwable[] sendable = failures == null ? null : new Throwable[failures.length];
        for (int i = 0; sendable != null && i < sendable.length; i++) {
            sendable[i] = failures[i] == null ? null : sendable(failures[i]);
        }
        try {
            return new PoolChunkResult(values, sendable).encode();
        } catch (IllegalArgumentException whole) {
            Throwable[] checked = sendable != null ? sendable : new Throwable[values.length];
            for (int i = 0; i < values.length; i++) {
                if (checked[i] == null) {
                    try {
                        Payloads.serialize(values[i]);
                    } catch (IllegalArgumentException e) {
                        values[i] = null;
                        checked[i] = new IllegalArgumentException("the result cannot be sent back: " + e.getMessage());
                    }
                }
            }
            try {
                return new PoolChunkResult(values, checked).encode();
            } catch (IllegalArgumentException e) {
                // together still too large: every item of the chunk fails with the reason
                Throwable[] all = new Throwable[values.length];
                Arrays.fill(all, new IllegalArgumentException("the results of this chunk cannot be sent: "
                        + e.getMessage() + "; use a smaller chunk size"));
                return new PoolChunkResult(new Object[values.length], all).encode();
            }
        }
    }

    private static Throwable sendable(Throwable failure) {
        try {
            Payloads.serialize(failure);
            return failure;
        } catch (IllegalArgumentException notSerializable) {
            RuntimeException stand = new RuntimeException(failure.toString());
            stand.setStackTrace(failure.getStackTrace());
            return stand;
        }
    }

    @Override
    public String toString() {
        return "PoolWorkerLoop[" + serial + "]";
    }
}
