package io.github.multiprocessing4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multiprocessing4j.internal.BackgroundCall;
import io.github.multiprocessing4j.internal.memory.SessionMemory;
import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.ring.RingReader;
import io.github.multiprocessing4j.internal.ring.RingWriter;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PoolTaskBoard's TAKE protocol, called as a worker's {@link PoolWorkerLoop} calls it, and the
 * engine's side of the board: a chunk reaches exactly one worker, with its job's function when
 * that worker's last chunk was of another job; results ride on the next request; a worker is
 * told to EXIT when the pool is terminated, closed and drained, or when it has done its
 * {@code maxTasksPerChild}; the board knows which chunk each worker runs when it departs. And the
 * same through a worker's {@link PoolLane}, with the worker's side played by the test.
 */
@Timeout(BackgroundCall.TEST_SECONDS)
class PoolTaskBoardTest {

    @RegisterExtension
    final BackgroundCall.Tracker calls = new BackgroundCall.Tracker();

    /** What the board handed to its sink. */
    private record Delivery(PoolChunk chunk, byte[] results, String worker) {
    }

    private final List<Delivery> delivered = new CopyOnWriteArrayList<>();
    private final Job jobA = new Job(new byte[] {'f', 'A'});
    private final Job jobB = new Job(new byte[] {'f', 'B', 'B'});

    @Test
    void aWorkerTheBoardDoesNotKnowIsToldToExit() throws Exception {
        PoolTaskBoard board = board(0, 10);
        board.add(chunk(jobA, 0));
        assertEquals(PoolTaskBoard.EXIT, take(board, 7, null, false));
        assertEquals(PoolTaskBoard.EXIT, take(board, 7, null, true), "without waiting");
    }

    @Test
    void anIdleWorkerThatDoesNotWaitGetsNothing() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        assertFalse(board.mayBlock(PoolTaskBoard.TAKE, new Object[] {1, null, false}));
        assertTrue(board.mayBlock(PoolTaskBoard.TAKE, new Object[] {1, null, true}));
        assertEquals(PoolTaskBoard.NOTHING, take(board, 1, null, false));
    }

    @Test
    void aChunkCarriesItsJobItsCountTheFunctionAndItsItems() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        PoolChunk chunk = new PoolChunk(jobA, 4, 3, new byte[] {10, 11, 12, 13});
        board.add(chunk);
        Task task = Task.decode(take(board, 1, null, false));
        assertEquals(jobA.id(), task.job());
        assertEquals(3, task.count());
        assertArrayEquals(jobA.function(), task.function());
        assertArrayEquals(chunk.items(), task.items());
    }

    /** SPEC M9: a function read by every worker once counts one copy per worker it is handed to. */
    @Test
    void eachWorkerHandedAFunctionHoldsTheObjectsOfItsHandlesUntilItEnds() throws Exception {
        String queue = SharedObjects.hostCounted(new io.github.multiprocessing4j.internal.shared.HostedQueue(0));
        Job job = new Job(new byte[] {'f', 'Q'}, java.util.Set.of(queue));
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        register(board, 2);
        board.add(chunk(job, 0));
        board.add(chunk(job, 1));
        take(board, 1, null, false);
        take(board, 2, null, false);
        // no handle of it is in this JVM: the two workers hold it, neither has read it yet
        assertTrue(SharedObjects.describeReferences(queue).contains("holders=[child-1, child-2]")
                || SharedObjects.describeReferences(queue).contains("holders=[child-2, child-1]"),
                SharedObjects.describeReferences(queue));
        SharedObjects.router().callerGone("child-1", false);
        assertTrue(SharedObjects.isHostedHere(queue), "the second worker, which has not read it yet, holds it");
        SharedObjects.router().callerGone("child-2", false);
        assertFalse(SharedObjects.isHostedHere(queue), "freed once both workers ended");
    }

    @Test
    void chunksGoOutInTheOrderTheyCameEachToOneWorker() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        register(board, 2);
        PoolChunk first = chunk(jobA, 0);
        PoolChunk second = chunk(jobA, 1);
        PoolChunk third = chunk(jobA, 2);
        board.add(first);
        board.add(second);
        board.add(third);
        assertArrayEquals(first.items(), Task.decode(take(board, 1, null, false)).items());
        assertArrayEquals(second.items(), Task.decode(take(board, 2, null, false)).items());
        assertArrayEquals(third.items(), Task.decode(take(board, 2, new byte[] {1}, false)).items());
        assertEquals(PoolTaskBoard.NOTHING, take(board, 1, new byte[] {1}, false));
    }

    @Test
    void theFunctionIsSentToAWorkerOnlyWhenItsLastChunkWasOfAnotherJob() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        register(board, 2);
        for (int i = 0; i < 4; i++) {
            board.add(chunk(jobA, i));
        }
        assertArrayEquals(jobA.function(), Task.decode(take(board, 1, null, false)).function());
        assertArrayEquals(jobA.function(), Task.decode(take(board, 2, null, false)).function(),
                "each worker gets it once");
        assertNull(Task.decode(take(board, 1, new byte[0], false)).function());
        assertNull(Task.decode(take(board, 2, new byte[0], false)).function());
        board.add(chunk(jobB, 0));
        board.add(chunk(jobA, 4));
        assertArrayEquals(jobB.function(), Task.decode(take(board, 1, new byte[0], false)).function());
        // the worker loop caches the function of its last job only: coming back to a job sends it again
        assertArrayEquals(jobA.function(), Task.decode(take(board, 1, new byte[0], false)).function());
    }

    @Test
    void theResultsOfAChunkRideOnTheNextRequest() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        PoolChunk first = chunk(jobA, 0);
        PoolChunk second = chunk(jobA, 1);
        board.add(first);
        board.add(second);
        take(board, 1, null, false);
        assertTrue(delivered.isEmpty());
        byte[] results = {42, 43};
        assertArrayEquals(second.items(), Task.decode(take(board, 1, results, false)).items());
        assertEquals(1, delivered.size());
        assertSame(first, delivered.get(0).chunk());
        assertArrayEquals(results, delivered.get(0).results());
        assertEquals("worker-1", delivered.get(0).worker());
        assertEquals(PoolTaskBoard.NOTHING, take(board, 1, new byte[] {44}, false));
        assertEquals(2, delivered.size());
        assertSame(second, delivered.get(1).chunk());
        assertEquals(PoolTaskBoard.NOTHING, take(board, 1, new byte[] {45}, false));
        assertEquals(2, delivered.size(), "results without a chunk running are no chunk's: dropped");
    }

    @Test
    void aWorkerThatHasDoneItsMaxTasksPerChildIsToldToExitAfterItsLastResults() throws Exception {
        PoolTaskBoard board = board(2, 10);
        register(board, 1);
        PoolChunk third = chunk(jobA, 2);
        board.add(chunk(jobA, 0));
        board.add(chunk(jobA, 1));
        board.add(third);
        Task.decode(take(board, 1, null, false));
        Task.decode(take(board, 1, new byte[] {1}, false));
        assertEquals(PoolTaskBoard.EXIT, take(board, 1, new byte[] {2}, false));
        assertEquals(2, delivered.size(), "the last results are delivered with the exit");
        assertEquals(PoolTaskBoard.EXIT, take(board, 1, null, true), "an exiting worker stays exiting");
        PoolTaskBoard.Departure departure = board.remove(1);
        assertNull(departure.running());
        assertTrue(departure.replace(), "the pool runs: a new worker takes its place");
        register(board, 2);
        assertArrayEquals(third.items(), Task.decode(take(board, 2, null, false)).items(),
                "the chunk it left goes to the next worker");
    }

    @Test
    void aWaitingWorkerGetsTheNextChunkAddedAndOnlyOneWorkerGetsIt() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        register(board, 2);
        BackgroundCall<Object> one = calls.start("worker-1", () -> take(board, 1, null, true)).assertBlocked();
        BackgroundCall<Object> two = calls.start("worker-2", () -> take(board, 2, null, true)).assertBlocked();
        PoolChunk chunk = chunk(jobA, 0);
        board.add(chunk);
        BackgroundCall<Object> served = BackgroundCall.firstEnded(one, two);
        BackgroundCall<Object> idle = served == one ? two : one;
        assertArrayEquals(chunk.items(), Task.decode(served.value()).items());
        idle.assertStillBlocked();
        board.endInput();
        assertEquals(PoolTaskBoard.EXIT, idle.value(), "no more input: an idle worker exits");
    }

    @Test
    void terminateTellsWaitingAndLaterRequestsToExitAndDropsWhatIsPending() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        register(board, 2);
        board.add(chunk(jobA, 0));
        board.add(chunk(jobA, 1));
        Task.decode(take(board, 1, null, false));
        take(board, 2, null, false);
        board.add(chunk(jobA, 2));
        take(board, 2, new byte[] {1}, false);
        BackgroundCall<Object> waiting = calls.start("worker-2", () -> take(board, 2, new byte[] {2}, true))
                .assertBlocked();
        delivered.clear();
        List<PoolWorkerProcess> live = board.terminate();
        assertEquals(2, live.size());
        assertEquals(PoolTaskBoard.EXIT, waiting.value());
        assertEquals(PoolTaskBoard.EXIT, take(board, 1, new byte[] {9}, false));
        assertTrue(delivered.isEmpty(), "results that arrive after terminate are not delivered");
        assertNull(board.terminate(), "terminated already");
        assertFalse(board.add(chunk(jobA, 3)));
        assertFalse(board.register(3, new Worker("worker-3"), null));
        assertEquals(PoolTaskBoard.EXIT, take(board, 3, null, false));
        assertEquals("Pool not running", assertThrows(IllegalStateException.class, () -> board.ifRunning(() -> { }))
                .getMessage());
        assertNull(board.remove(1).running(), "terminate forgot the running chunks");
    }

    @Test
    void aClosedPoolHandsOutWhatIsPendingThenTellsItsWorkersToExit() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        PoolChunk chunk = chunk(jobA, 0);
        board.add(chunk);
        assertTrue(board.close());
        assertFalse(board.close());
        assertEquals(PoolTaskBoard.State.CLOSE, board.state());
        assertThrows(IllegalStateException.class, () -> board.ifRunning(() -> { }));
        assertTrue(board.needsWorkers(), "its input has not ended");
        board.endInput();
        assertTrue(board.needsWorkers(), "a chunk is still pending");
        assertArrayEquals(chunk.items(), Task.decode(take(board, 1, null, true)).items());
        assertFalse(board.needsWorkers());
        assertFalse(board.finished(), "a worker is still registered");
        assertEquals(PoolTaskBoard.EXIT, take(board, 1, new byte[] {1}, true));
        assertEquals(1, delivered.size());
        assertFalse(board.remove(1).replace());
        assertTrue(board.finished());
    }

    @Test
    void ifRunningRunsTheActionOnlyWhileThePoolRuns() {
        PoolTaskBoard board = board(0, 10);
        boolean[] ran = {false};
        board.ifRunning(() -> ran[0] = true);
        assertTrue(ran[0]);
        board.close();
        ran[0] = false;
        assertThrows(IllegalStateException.class, () -> board.ifRunning(() -> ran[0] = true));
        assertFalse(ran[0]);
    }

    @Test
    void anInterruptedWaitingRequestHoldsNoChunk() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        register(board, 2);
        BackgroundCall<Object> waiting = calls.start("worker-1", () -> take(board, 1, null, true)).assertBlocked();
        waiting.interrupt();
        waiting.failure(InterruptedException.class);
        PoolChunk chunk = chunk(jobA, 0);
        board.add(chunk);
        assertArrayEquals(chunk.items(), Task.decode(take(board, 2, null, false)).items());
        assertNull(board.remove(1).running());
    }

    @Test
    void theFeederWaitsWhileMaxPendingChunksWait() throws Exception {
        PoolTaskBoard board = board(0, 1);
        register(board, 1);
        assertTrue(board.add(chunk(jobA, 0)));
        PoolChunk second = chunk(jobA, 1);
        BackgroundCall<Boolean> feeder = calls.start("feeder", () -> board.add(second)).assertBlocked();
        Task.decode(take(board, 1, null, false));
        assertEquals(true, feeder.value());
        BackgroundCall<Boolean> blocked = calls.start("feeder-2", () -> board.add(chunk(jobA, 2))).assertBlocked();
        board.terminate();
        assertEquals(false, blocked.value(), "terminate releases the feeder without adding its chunk");
    }

    @Test
    void aDepartingWorkerLeavesTheChunkItWasRunning() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        PoolChunk running = chunk(jobA, 0);
        board.add(running);
        take(board, 1, null, false);
        started(board, 1);
        PoolTaskBoard.Departure departure = board.remove(1);
        assertSame(running, departure.running());
        assertEquals("worker-1", departure.slot().process.name());
        assertFalse(departure.early());
        assertTrue(departure.stranded().isEmpty());
        assertTrue(departure.replace());
        assertNull(board.remove(1), "removed already");
    }

    /**
     * Found by the reliability soak: a worker SIGKILLed while idle still had its request waiting
     * on the board until the parent noticed its end; a chunk added meanwhile went to that request,
     * and the worker's departure failed it with "ended with exit code -9 while running this task",
     * though no worker ever ran it. A chunk its worker never said it started goes back to the
     * front of the board, for the next worker.
     */
    @Test
    void aChunkHandedToAWorkerThatDepartsBeforeSayingItStartedGoesToTheNextWorker() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        register(board, 2);
        assertFalse(board.mayBlock(PoolTaskBoard.STARTED, new Object[] {1}), "answered on the channel's thread");
        BackgroundCall<Object> deadWorkersRequest = calls.start("worker-1", () -> take(board, 1, null, true)).assertBlocked();
        PoolChunk chunk = chunk(jobA, 0);
        PoolChunk later = chunk(jobA, 1);
        board.add(chunk);
        assertArrayEquals(chunk.items(), Task.decode(deadWorkersRequest.value()).items(), "handed to the waiting request");
        board.add(later);
        PoolTaskBoard.Departure departure = board.remove(1);
        assertNull(departure.running(), "it never ran: nothing fails");
        assertTrue(departure.replace());
        assertArrayEquals(chunk.items(), Task.decode(take(board, 2, null, false)).items(),
                "the next worker gets it first, in its order");
        started(board, 2);
        assertArrayEquals(later.items(), Task.decode(take(board, 2, new byte[] {1}, false)).items());
        assertEquals(1, delivered.size());
        assertSame(chunk, delivered.get(0).chunk());
    }

    @Test
    void aWaitingRequestOfARemovedWorkerIsToldToExit() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        BackgroundCall<Object> waiting = calls.start("worker-1", () -> take(board, 1, null, true)).assertBlocked();
        board.remove(1);
        assertEquals(PoolTaskBoard.EXIT, waiting.value());
    }

    @Test
    void aWorkerThatDiesBeforeItsFirstRequestStrandsThePendingChunksOnlyIfNoReadyWorkerIsLeft() throws Exception {
        PoolTaskBoard board = board(0, 10);
        register(board, 1);
        register(board, 2);
        register(board, 3);
        assertEquals(PoolTaskBoard.NOTHING, take(board, 3, null, false));
        PoolChunk first = chunk(jobA, 0);
        PoolChunk second = chunk(jobA, 1);
        board.add(first);
        board.add(second);
        PoolTaskBoard.Departure withReadyWorker = board.remove(1);
        assertTrue(withReadyWorker.early());
        assertTrue(withReadyWorker.stranded().isEmpty(), "worker 3 is ready and will run them");
        board.remove(3);
        PoolTaskBoard.Departure lastOne = board.remove(2);
        assertTrue(lastOne.early());
        assertEquals(List.of(first, second), lastOne.stranded());
        register(board, 4);
        assertEquals(PoolTaskBoard.NOTHING, take(board, 4, null, false), "stranded chunks left the board");
    }

    @Test
    void aTaskNoWorkerTookCanBeWithdrawn_onTheBoardOrBeforeItGetsThere_butNotOnceTaken() throws Exception {
        PoolTaskBoard board = board(0, 1);
        register(board, 1);
        PoolTask onBoard = new PoolTask(new byte[] {'f'}, new byte[] {1});
        PoolTask notYetAdded = new PoolTask(new byte[] {'g'}, new byte[] {2});
        PoolTask taken = new PoolTask(new byte[] {'h'}, new byte[] {3});
        board.add(onBoard.chunk());
        assertTrue(board.withdraw(onBoard.chunk()));
        assertTrue(board.withdraw(notYetAdded.chunk()));
        board.add(chunk(jobA, 0));
        assertTrue(board.add(notYetAdded.chunk()), "dropped without waiting for room on the full board");
        assertEquals(jobA.id(), Task.decode(take(board, 1, null, false)).job());
        assertEquals(PoolTaskBoard.NOTHING, take(board, 1, new byte[] {1}, false), "neither task reached a worker");
        board.add(taken.chunk());
        assertEquals(taken.id(), Task.decode(take(board, 1, null, false)).job());
        assertFalse(board.withdraw(taken.chunk()), "a worker runs it");
        PoolTask late = new PoolTask(new byte[] {'i'}, new byte[] {4});
        board.add(late.chunk());
        board.terminate();
        assertFalse(board.withdraw(late.chunk()), "terminate() fails it instead");
    }

    // ---------------------------------------------------------------- lanes

    /** A worker's end of its lane, as {@link PoolWorkerLoop} holds it. */
    private static final class LaneWorker {
        final MappedRing tasksRing;
        final RingReader tasks;
        final RingWriter results;
        long number;

        LaneWorker(PoolLane lane) throws Exception {
            tasksRing = MappedRing.open(Path.of(lane.paths().get(0)));
            tasks = tasksRing.reader(() -> true);
            results = MappedRing.open(Path.of(lane.paths().get(1))).writer(() -> true);
        }

        /** Reads the next chunk record and tries to claim it: its task, or null if it was taken back. */
        Task next() throws Exception {
            byte[] record = tasks.read(Duration.ofSeconds(5));
            assertEquals(PoolLane.CHUNK, record[0]);
            return PoolLane.claim(tasksRing, number++) ? Task.decode(Arrays.copyOfRange(record, 1, record.length)) : null;
        }

        void answer(byte result) throws Exception {
            assertTrue(results.write(new byte[] {PoolLane.RESULTS, result}, Duration.ofSeconds(5)));
        }
    }

    private PoolLane laneFor(PoolTaskBoard board, int serial) throws Exception {
        assumeTrue(SessionMemory.visibleDirectory().isPresent(), "no usable /dev/shm here");
        PoolLane lane = PoolLane.create().orElseThrow();
        assertTrue(board.register(serial, new Worker("worker-" + serial), lane));
        assertEquals(Boolean.TRUE, board.invoke(PoolTaskBoard.LANE, new Object[] {serial}, "child-" + serial));
        return lane;
    }

    @Test
    void aWorkerThatDiesFailsTheChunkItClaimed_andItsUnclaimedChunksGoBackInOrder() throws Exception {
        PoolTaskBoard board = board(0, 10);
        PoolLane lane = laneFor(board, 1);
        register(board, 2);
        PoolChunk first = chunk(jobA, 0);
        PoolChunk second = chunk(jobA, 1);
        PoolChunk third = chunk(jobA, 2);
        board.add(first);
        board.add(second);
        board.add(third);
        LaneWorker worker = new LaneWorker(lane);
        assertArrayEquals(first.items(), worker.next().items(), "the first chunk, claimed");
        PoolTaskBoard.Departure departure = board.remove(1);
        assertSame(first, departure.running(), "the claimed chunk was running: it fails");
        assertArrayEquals(second.items(), Task.decode(take(board, 2, null, false)).items());
        assertArrayEquals(third.items(), Task.decode(take(board, 2, null, false)).items());
        assertTrue(Files.notExists(Path.of(lane.paths().get(0))) && Files.notExists(Path.of(lane.paths().get(1))),
                "the lane's files are deleted");
    }

    @Test
    void chunksAWorkerHasNotClaimedAreTakenBackForAWorkerWithNothingLeftToRun() throws Exception {
        PoolTaskBoard board = board(0, 10);
        PoolLane one = laneFor(board, 1);
        PoolLane two = laneFor(board, 2);
        List<PoolChunk> chunks = List.of(chunk(jobA, 0), chunk(jobA, 1), chunk(jobA, 2), chunk(jobA, 3));
        chunks.forEach(chunk -> board.addAll(List.of(chunk)));
        LaneWorker busy = new LaneWorker(one);
        LaneWorker quick = new LaneWorker(two);
        // dealt one each in turn: 0 and 2 to the first worker, 1 and 3 to the second
        assertArrayEquals(chunks.get(0).items(), busy.next().items(), "a long chunk");
        assertArrayEquals(chunks.get(1).items(), quick.next().items());
        quick.answer((byte) 1);
        assertArrayEquals(chunks.get(3).items(), quick.next().items());
        quick.answer((byte) 3);
        List<PoolTaskBoard.Delivery> read = new ArrayList<>();
        assertTrue(board.pumpLanes(read));
        assertEquals(List.of(chunks.get(1), chunks.get(3)), read.stream().map(PoolTaskBoard.Delivery::chunk).toList());
        // the second worker has nothing left: chunk 2, queued behind the long one, is now its
        assertNull(busy.next(), "the first worker can no longer claim chunk 2");
        Task moved = quick.next();
        assertArrayEquals(chunks.get(2).items(), moved.items());
        assertNull(moved.function(), "the second worker holds the job's function already");
        quick.answer((byte) 2);
        read.clear();
        assertTrue(board.pumpLanes(read));
        assertEquals(List.of(chunks.get(2)), read.stream().map(PoolTaskBoard.Delivery::chunk).toList());
        // the first worker dies running chunk 0: only that one fails
        assertSame(chunks.get(0), board.remove(1).running());
        assertNull(board.remove(2).running(), "the second ended with nothing to run");
        assertTrue(Files.notExists(Path.of(two.paths().get(0))), "its lane's files are deleted");
    }

    @Test
    void anUnknownOperationOrArgumentCountIsRefused() {
        PoolTaskBoard board = board(0, 10);
        assertThrows(IllegalArgumentException.class, () -> board.invoke(3, new Object[] {1, null, false}, "c"));
        assertThrows(IllegalArgumentException.class, () -> board.invoke(PoolTaskBoard.TAKE, new Object[] {1, null}, "c"));
    }

    private PoolTaskBoard board(int maxTasksPerChild, int maxPending) {
        return new PoolTaskBoard(maxTasksPerChild, maxPending,
                (chunk, results, worker) -> delivered.add(new Delivery(chunk, results, worker)));
    }

    private static void register(PoolTaskBoard board, int serial) {
        assertTrue(board.register(serial, new Worker("worker-" + serial), null));
    }

    private static void started(PoolTaskBoard board, int serial) throws Exception {
        assertNull(board.invoke(PoolTaskBoard.STARTED, new Object[] {serial}, "child-" + serial));
    }

    private static Object take(PoolTaskBoard board, int serial, byte[] results, boolean wait) throws Exception {
        return board.invoke(PoolTaskBoard.TAKE, new Object[] {serial, results, wait}, "child-" + serial);
    }

    private int chunkCount;

    /** Chunk {@code index} of {@code job}: one item, whose bytes differ from every other chunk's. */
    private PoolChunk chunk(Job job, int index) {
        byte[] items = new byte[1 + index];
        Arrays.fill(items, (byte) ++chunkCount);
        return new PoolChunk(job, index, 1, items);
    }

    /** A chunk as a worker reads it from the board's answer. */
    private record Task(long job, int count, byte[] function, byte[] items) {

        static Task decode(Object reply) {
            ByteBuffer buffer = ByteBuffer.wrap(assertInstanceOf(byte[].class, reply, "a chunk"));
            long job = buffer.getLong();
            int count = buffer.getInt();
            int functionLength = buffer.getInt();
            byte[] function = null;
            if (functionLength >= 0) {
                function = new byte[functionLength];
                buffer.get(function);
            } else {
                assertEquals(-1, functionLength);
            }
            byte[] items = new byte[buffer.remaining()];
            buffer.get(items);
            return new Task(job, count, function, items);
        }
    }

    /** A job whose outcomes this test does not follow: the board reads only its id and function. */
    private static final class Job extends PoolJob {

        Job(byte[] function) {
            super(function);
        }

        Job(byte[] function, java.util.Set<String> handles) {
            super(function, handles);
        }

        @Override
        void deliver(int first, Object[] values, RuntimeException[] failures) {
            throw new UnsupportedOperationException("the board does not deliver");
        }

        @Override
        void setLength(int length) {
            throw new UnsupportedOperationException("the board does not set lengths");
        }

        @Override
        void cancel(RuntimeException cause) {
            throw new UnsupportedOperationException("the board does not cancel jobs");
        }

        @Override
        boolean isDone() {
            return false;
        }

        @Override
        String describe(int index) {
            return "item " + index;
        }
    }

    /** A worker as the board sees it: a name. */
    private record Worker(String name) implements PoolWorkerProcess {

        @Override
        public void start() {
            throw new UnsupportedOperationException("the board does not start workers");
        }

        @Override
        public long pid() {
            return 0;
        }

        @Override
        public CompletableFuture<Integer> onExit() {
            return new CompletableFuture<>();
        }

        @Override
        public void terminate() {
            throw new UnsupportedOperationException("the board does not signal workers");
        }

        @Override
        public void kill() {
            throw new UnsupportedOperationException("the board does not signal workers");
        }
    }
}
