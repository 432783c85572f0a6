package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.internal.memory.SessionMemory;
import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.ring.PeerGoneException;
import io.github.multiprocessing4j.internal.ring.RingReader;
import io.github.multiprocessing4j.internal.ring.RingWriter;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A pool worker's own way to its pool on the same host: two {@link MappedRing}s in the session's
 * shared memory, chunks one way and results the other, so that a worker that is kept busy makes
 * no system call and waits for no other thread between chunks (the data-path issue: no round
 * trip per chunk). This is the pool's side; {@link PoolWorkerLoop} holds the worker's.
 *
 * <p>The pool writes a lane only under its board's lock and keeps at most {@link #DEPTH} chunks
 * in it that the worker has not answered. Records, each one message of the ring:
 * <ul>
 *   <li>tasks: {@link #CHUNK} and the chunk as {@link PoolTaskBoard} encodes it; {@link #FETCH} and
 *       the chunk's number, for a chunk larger than {@link #MAX_INLINE} (the worker asks the
 *       board for it over the control channel); {@link #EXIT};</li>
 *   <li>results, in the order of the chunks: {@link #RESULTS} and the chunk's serialized
 *       {@link PoolChunkResult}; {@link #DELIVERED} and the chunk's number, for results larger
 *       than {@link #MAX_INLINE}, which the worker handed to the board over the control channel
 *       before it wrote this record.</li>
 * </ul>
 * The task ring's header word {@link #STARTED} is the number of the next chunk the worker may
 * claim: it claims a chunk it read, before it runs any of it, by moving the word from the chunk's
 * number to the next with a compare-and-set; the pool takes back the chunks not claimed yet by
 * moving it past them ({@link #takeBack}), and the worker skips a chunk it can no longer claim.
 * When the worker ends, the pool reads what is left of its results and then that word: a chunk
 * claimed and not answered was running (it fails), chunks not claimed go back to the board for
 * the next worker, as with {@link PoolTaskBoard#STARTED} on the control channel. A record is
 * committed whole or not at all (SPEC M4), so a worker killed while writing leaves only whole
 * results.
 */
final class PoolLane {

    /** Task record: a chunk. */
    static final byte CHUNK = 1;
    /** Task record: a chunk to fetch from the board, by number. */
    static final byte FETCH = 2;
    /** Task record: the worker should end. */
    static final byte EXIT = 3;
    /** Result record: a chunk's results. */
    static final byte RESULTS = 1;
    /** Result record: a chunk's results were handed to the board, by number. */
    static final byte DELIVERED = 2;
    /** The task ring's header word with the number of the next chunk the worker may claim. */
    static final int STARTED = 0;
    /** Each ring's capacity. */
    static final int CAPACITY = 1 << 20;
    /**
     * The largest chunk or result a record carries: {@link #DEPTH} of them and an exit always fit
     * in a ring, so the pool never waits for room while it holds the board's lock.
     */
    static final int MAX_INLINE = CAPACITY / 16;
    /**
     * Chunks the pool keeps in a lane that the worker has not answered: a worker goes from one
     * chunk to the next without waiting for the pool's result thread, which may be parked, to
     * notice its results and write more. The chunks a worker has not claimed are taken back for a
     * worker that has nothing to run ({@link #takeBack}), so no chunk waits behind a long one.
     */
    static final int DEPTH = 8;

    private static final Duration NOW = Duration.ZERO;

    private final MappedRing tasksRing;
    private final MappedRing resultsRing;
    private final RingWriter tasks;
    private final RingReader results;
    private boolean deleted;

    private PoolLane(MappedRing tasksRing, MappedRing resultsRing) {
        this.tasksRing = tasksRing;
        this.resultsRing = resultsRing;
        // the pool never waits on a lane: it writes only what fits and reads only what is there
        this.tasks = tasksRing.writer(() -> true);
        this.results = resultsRing.reader(() -> true);
    }

    /**
     * Creates a lane in the session's shared memory.
     *
     * @return the lane, or empty where shared memory cannot be used (the pool's workers then use
     *     the control channel only; {@link SessionMemory} logs why once)
     */
    static Optional<PoolLane> create() {
        return SessionMemory.createRings("pool", 2, CAPACITY).map(rings -> new PoolLane(rings.get(0), rings.get(1)));
    }

    /**
     * The files the worker maps: tasks, then results.
     *
     * @return the two absolute paths
     */
    List<String> paths() {
        return List.of(tasksRing.path().toString(), resultsRing.path().toString());
    }

    /**
     * Whether the lane has room for a chunk of {@code encodedLength} bytes and, after it, an
     * exit: records the worker skips (chunks taken back while it ran a long one) take room until
     * it reads them, so a worker that runs one chunk for long gets no more than its ring holds.
     *
     * @param encodedLength the chunk's length, as the board encodes it
     * @return true if {@link #writeChunk} will not wait
     */
    boolean fits(int encodedLength) {
        int record = MappedRing.recordSize(encodedLength <= MAX_INLINE ? 1 + encodedLength : 9);
        return tasksRing.freeBytes() >= record + MappedRing.recordSize(1);
    }

    /**
     * Writes a chunk, or a fetch record for a chunk larger than {@link #MAX_INLINE}; call
     * {@link #fits} first.
     *
     * @param encoded the chunk, as the board encodes it
     * @param number the chunk's number in this lane, from 0
     * @return whether the chunk itself was written; false if a fetch record was, and the board
     *     must keep the chunk until the worker fetches it
     */
    boolean writeChunk(byte[] encoded, long number) {
        if (encoded.length <= MAX_INLINE) {
            write(new byte[] {CHUNK}, encoded);
            return true;
        }
        write(ByteBuffer.allocate(9).put(FETCH).putLong(number).array(), new byte[0]);
        return false;
    }

    /** Writes the record that ends the worker. */
    void writeExit() {
        write(new byte[] {EXIT}, new byte[0]);
    }

    private void write(byte[] head, byte[] body) {
        try {
            if (!tasks.write(head, body, 0, body.length, NOW)) {
                // the board asked fits() first, and the exit's room is always kept
                throw new IllegalStateException("the lane " + tasksRing.path() + " of a pool worker is full");
            }
        } catch (PeerGoneException | InterruptedException e) {
            // never waits, so never interrupted; the worker never closes its end
            throw new IllegalStateException("the lane " + tasksRing.path() + " of a pool worker is closed", e);
        }
    }

    /**
     * Reads the next result record if the worker has committed one.
     *
     * @return the record (its first byte {@link #RESULTS} or {@link #DELIVERED}), or null
     * @throws IllegalStateException if the ring is corrupted
     */
    byte[] poll() {
        try {
            return results.read(NOW);
        } catch (EOFException | PeerGoneException | InterruptedException e) {
            // the worker never closes its end, and a read that does not wait is never interrupted
            throw new IllegalStateException("the lane " + resultsRing.path() + " of a pool worker is closed", e);
        }
    }

    /**
     * Whether the worker committed a result record that was not read yet; any thread may ask,
     * without the board's lock.
     *
     * @return true if {@link #poll()} has a record to return
     */
    boolean hasResults() {
        return resultsRing.hasUnread();
    }

    /**
     * The number of the first chunk the worker has neither claimed nor seen taken back: every
     * chunk below it was started by the worker or taken back by the pool.
     *
     * @return the task ring's header word {@link #STARTED}
     */
    long started() {
        return tasksRing.word(STARTED);
    }

    /**
     * Takes back every chunk written and not claimed by the worker: the worker skips their
     * records. Atomic with respect to the worker's claim ({@link #claim}), through one word.
     *
     * @param pushed how many chunks were written into the lane
     * @return the number of the first chunk taken back; {@code pushed} if none was
     */
    long takeBack(long pushed) {
        while (true) {
            long next = tasksRing.word(STARTED);
            if (next >= pushed || tasksRing.compareAndSetWord(STARTED, next, pushed)) {
                return Math.min(next, pushed);
            }
        }
    }

    /**
     * The worker's side: claims chunk {@code number} before it runs any of it.
     *
     * @param tasksRing the worker's mapping of the task ring
     * @param number the chunk's number (the worker counts the chunk records it reads)
     * @return true if the chunk is the worker's; false if the pool took it back
     */
    static boolean claim(MappedRing tasksRing, long number) {
        return tasksRing.compareAndSetWord(STARTED, number, number + 1);
    }

    /** Deletes the two files; the mappings go with the last process that holds them. Twice does nothing. */
    void delete() {
        if (!deleted) {
            deleted = true;
            tasks.close();
            results.close();
            SessionMemory.delete(tasksRing.path());
            SessionMemory.delete(resultsRing.path());
        }
    }

    @Override
    public String toString() {
        return "PoolLane[" + tasksRing.path().getFileName() + ", " + resultsRing.path().getFileName() + "]";
    }
}
