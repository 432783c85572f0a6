package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.multiprocessing4j.AsyncResult;
import io.github.multiprocessing4j.Barrier;
import io.github.multiprocessing4j.BufferTooShortException;
import io.github.multiprocessing4j.CallableProcess;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Condition;
import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.Held;
import io.github.multiprocessing4j.JoinableQueue;
import io.github.multiprocessing4j.Lock;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.Pool;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.QueueFullException;
import io.github.multiprocessing4j.QueueShutDownException;
import io.github.multiprocessing4j.RLock;
import io.github.multiprocessing4j.ResultIterator;
import io.github.multiprocessing4j.Semaphore;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.SimpleQueue;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.ObjectInputStream;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Python parity: behaviours checked side by side with CPython 3.11–3.13 where the library
 * differed without saying so, and the calls of Python's API that were missing. Each test names
 * the SPEC rule it proves where there is one (L14, L17, L23), else the object it is about. The
 * tests sequence parent and children with events, queues and files, never with sleeps.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class ParitySuite extends TckSuite {

    /** A negative timeout: SPEC L17 says it means zero. */
    private static final Duration NEGATIVE = Duration.ofSeconds(-1);
    /** A timeout short enough to wait for in a test. */
    private static final Duration SHORT = Duration.ofMillis(200);
    /** How long calls that must not wait may take in all, with slack for a busy host. */
    private static final Duration NO_WAIT = Duration.ofSeconds(10);
    /** How long a test waits for a pool's result. */
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(60);

    private final List<Pool> pools = new ArrayList<>();

    /** For subclasses. */
    protected ParitySuite() {
    }

    private ChildProcess child(CheckedTarget target) {
        return started(CheckedTarget.unchecked(target));
    }

    private Pool pool(Pool.Builder builder) {
        Pool pool = builder.build();
        pools.add(pool);
        return pool;
    }

    /** A builder for a pool whose workers use the launcher under test and this run's tag. */
    private Pool.Builder poolBuilder() {
        Pool.Builder builder = Pool.builder().launcher(launcher().name())
                .environment(NoLeakedProcesses.RUN_TAG_VARIABLE, NoLeakedProcesses.RUN_TAG);
        launcher().options().forEach(builder::launcherOption);
        return builder;
    }

    /** Terminates the pools a test left running; terminate() waits for the workers to end. */
    @AfterEach
    void terminatePools() {
        pools.forEach(Pool::terminate);
        pools.clear();
    }

    // ---------------------------------------------------------------- L17

    @Test
    void L17_aNegativeTimeoutMeansZeroInEveryBlockingCall() throws Exception {
        Queue<String> empty = new Queue<>();
        Queue<String> full = new Queue<>(1);
        full.put("taken");
        Pipe pipe = Pipe.open();
        Connection silent = pipe.right();
        Lock lock = new Lock();
        RLock rlock = new RLock();
        Semaphore none = new Semaphore(0);
        Event event = new Event();
        Condition condition = new Condition();
        Barrier barrier = new Barrier(2);
        JoinableQueue<String> unfinished = new JoinableQueue<>();
        unfinished.put("not done");
        Queue<Object> reports = new Queue<>();
        lock.acquire();
        rlock.acquire();
        // every call that would wait returns at once, in a child as in the parent
        CheckedTarget calls = () -> {
            long start = System.nanoTime();
            List<String> outcomes = new ArrayList<>();
            try {
                outcomes.add("get returned " + empty.get(NEGATIVE));
            } catch (QueueEmptyException e) {
                outcomes.add("get: empty");
            }
            try {
                full.put("more", NEGATIVE);
                outcomes.add("put returned");
            } catch (QueueFullException e) {
                outcomes.add("put: full");
            }
            outcomes.add("poll: " + silent.poll(NEGATIVE));
            outcomes.add("lock: " + lock.acquire(NEGATIVE));
            outcomes.add("rlock: " + rlock.acquire(NEGATIVE));
            outcomes.add("semaphore: " + none.acquire(NEGATIVE));
            outcomes.add("event: " + event.await(NEGATIVE));
            condition.acquire();
            outcomes.add("condition: " + condition.await(NEGATIVE));
            outcomes.add("waitFor: " + condition.waitFor(() -> false, NEGATIVE));
            condition.release();
            outcomes.add("join: " + unfinished.join(NEGATIVE));
            try {
                outcomes.add("barrier returned " + barrier.await(NEGATIVE));
            } catch (TimeoutException e) {
                outcomes.add("barrier: timeout");
            }
            outcomes.add("fast: " + (System.nanoTime() - start < NO_WAIT.toNanos()));
            reports.put(outcomes);
        };
        List<String> expected = List.of("get: empty", "put: full", "poll: false", "lock: false", "rlock: false",
                "semaphore: false", "event: false", "condition: false", "waitFor: false", "join: false",
                "barrier: timeout", "fast: true");
        ChildProcess child = child(calls);
        assertEquals(expected, next(reports), "in a child");
        assertEquals(0, exitCodeAfterJoin(child));

        barrier.reset();
        SerializableRunnable inThread = CheckedTarget.unchecked(calls);
        Thread other = new Thread(() -> {
            try {
                inThread.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "tck-other-thread");
        other.start();
        other.join(JOIN_TIMEOUT.toMillis());
        assertEquals(expected, next(reports), "in another thread of the parent");

        String ready = file("p.ready");
        String go = file("p.go");
        ChildProcess running = started(() -> Targets.readyThenAwait(ready, go));
        awaitFile(ready, "the child to run its target");
        long start = System.nanoTime();
        assertFalse(running.join(NEGATIVE), "join(negative) of a running process returns false at once");
        assertTrue(System.nanoTime() - start < NO_WAIT.toNanos(), "join(negative) did not wait");
        Targets.touch(go);
        assertEquals(0, exitCodeAfterJoin(running));
        assertTrue(running.join(NEGATIVE), "join(negative) of an ended process returns true");

        Event release = new Event();
        Pool pool = pool(poolBuilder().processes(1));
        AsyncResult<String> pending = pool.applyAsync(() -> {
            PoolTargets.awaitQuietly(release);
            return "done";
        });
        ResultIterator<Integer> results = pool.imap(x -> {
            PoolTargets.awaitQuietly(release);
            return x;
        }, List.of(1));
        start = System.nanoTime();
        assertThrows(TimeoutException.class, () -> pending.get(NEGATIVE), "AsyncResult.get(negative)");
        assertFalse(pending.await(NEGATIVE), "AsyncResult.await(negative)");
        assertThrows(TimeoutException.class, () -> results.next(NEGATIVE), "ResultIterator.next(negative)");
        pool.close();
        assertFalse(pool.join(NEGATIVE), "Pool.join(negative) while tasks run");
        assertTrue(System.nanoTime() - start < NO_WAIT.toNanos(), "none of the pool's calls waited");
        release.set();
        assertEquals("done", pending.get(RESULT_TIMEOUT));
        assertEquals(1, results.next(RESULT_TIMEOUT));
        assertTrue(pool.join(RESULT_TIMEOUT));
    }

    // ---------------------------------------------------------------- L23 and interrupt()

    @Test
    void L23_terminateEndsAChildAtOnceWithItsDaemonChildrenAndWithoutWaitingForItsNonDaemonChildren()
            throws Exception {
        Family family = childWithTwoGrandchildren();
        family.child.terminate();
        assertEquals(-15, exitCodeAfterJoin(family.child));
        // the non-daemon grandchild finishes only once the test lets it: had its parent waited
        // for it, the file would be there
        assertFalse(Files.exists(Path.of(family.done)),
                "the terminated child did not wait for its non-daemon child (Python: SIGTERM ends it at once)");
        if (launcher().has(Capability.GRANDCHILDREN_IN_HOST_PROCESS_TABLE)) {
            assertTrue(OsProcesses.awaitGone(family.daemonPid, READY_TIMEOUT),
                    "the daemon grandchild ended with its terminated parent");
        }
        if (launcher().has(Capability.GRANDCHILDREN_OUTLIVE_A_KILLED_CHILD)) {
            Targets.touch(family.go);
            awaitFile(family.done, "the non-daemon grandchild to run to its end after its parent was terminated");
        }
    }

    @Test
    void L23_interruptEndsAChildThroughItsNormalExitPathWithExitCodeOne() throws Exception {
        ChildProcess unstarted = process(Targets::nothing);
        assertEquals("can only interrupt a started process",
                assertThrows(IllegalStateException.class, unstarted::interrupt).getMessage());

        Family family = childWithTwoGrandchildren();
        family.child.interrupt();
        // SIGINT is Python's KeyboardInterrupt: the child runs its normal exit path, which
        // terminates its daemon child first, then waits for its non-daemon child
        awaitFile(family.daemonTerminated, "the interrupted child to terminate its daemon child");
        assertFalse(family.child.join(Duration.ofSeconds(3)),
                "the interrupted child waits for its non-daemon child, which waits for the test");
        Targets.touch(family.go);
        assertEquals(1, exitCodeAfterJoin(family.child), "exit code 1, as a Python child's KeyboardInterrupt");
        assertTrue(Files.exists(Path.of(family.done)), "the non-daemon child ran to its end before its parent ended");
        family.child.interrupt(); // once the process has ended: nothing
        assertEquals(1, family.child.exitCode().getAsInt());
    }

    /**
     * A child with a daemon and a non-daemon grandchild, started with the launcher that
     * children of the launcher under test use; the child's target waits (bounded) after that.
     *
     * @param daemonPid the daemon grandchild's pid as it sees it: in this host's process table
     *     only with {@link Capability#GRANDCHILDREN_IN_HOST_PROCESS_TABLE}
     * @param daemonTerminated what the daemon grandchild's shutdown hook creates
     * @param go what the non-daemon grandchild waits for (bounded) before it finishes
     * @param done what the non-daemon grandchild creates when it finishes
     */
    private record Family(ChildProcess child, long daemonPid, String daemonTerminated, String go, String done) {
    }

    private Family childWithTwoGrandchildren() throws InterruptedException {
        String daemonTerminated = file("daemon.terminated");
        String daemonPidFile = file("daemon.pid");
        String nonDaemonPidFile = file("nondaemon.pid");
        String go = file("nondaemon.go");
        String done = file("nondaemon.done");
        String ready = file("child.ready");
        TckLauncher nested = launcher().nested();
        ChildProcess child = started(() -> {
            ChildProcess daemon = nested.builder(() -> {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Targets.touch(daemonTerminated)));
                Targets.write(daemonPidFile, Long.toString(Multiprocessing.currentProcess().pid()));
                Targets.sleep(Targets.MAX_WAIT.toMillis());
            }).daemon(true).build();
            ChildProcess nonDaemon = nested.builder(() -> {
                Targets.write(nonDaemonPidFile, Long.toString(Multiprocessing.currentProcess().pid()));
                Targets.awaitFile(go);
                Targets.touch(done);
            }).daemon(false).build();
            daemon.start();
            nonDaemon.start();
            Targets.awaitFile(daemonPidFile);
            Targets.awaitFile(nonDaemonPidFile);
            Targets.touch(ready);
            Targets.sleep(Targets.MAX_WAIT.toMillis());
        });
        awaitFile(ready, "the child to start its grandchildren");
        long daemonPid = Long.parseLong(read(daemonPidFile));
        if (launcher().has(Capability.GRANDCHILDREN_IN_HOST_PROCESS_TABLE)) {
            trackPid(daemonPid);
            trackPid(Long.parseLong(read(nonDaemonPidFile)));
        }
        return new Family(child, daemonPid, daemonTerminated, go, done);
    }

    // ---------------------------------------------------------------- L11, L14

    @Test
    void L11_whenStartReturnsTheProcessNoLongerHoldsItsTargetNorWhatItCaptured() throws Exception {
        // Python: test_lose_target_ref
        Object[] payload = {new int[1024]};
        WeakReference<Object> captured = new WeakReference<>(payload[0]);
        ChildProcess process = process(targetCapturing(payload));
        gc();
        assertNotNull(captured.get(), "before start() the process holds its target: the check below can fail");
        process.start();
        assertTrue(Poll.until(() -> gc() && captured.get() == null, READY_TIMEOUT),
                "what the target captured was collected once start() returned");
        assertEquals(0, exitCodeAfterJoin(process), "the child ran the target it was sent");

        Object[] value = {new int[] {6, 7}};
        WeakReference<Object> capturedByCallable = new WeakReference<>(value[0]);
        CallableProcess<Integer> callable = track(new CallableProcess<>(callableCapturing(value)));
        callable.start();
        assertTrue(Poll.until(() -> gc() && capturedByCallable.get() == null, READY_TIMEOUT),
                "what a CallableProcess's callable captured was collected once start() returned");
        assertEquals(42, callable.result().get());
    }

    /** A target that captures the only strong reference to {@code holder[0]}, which is cleared. */
    private static io.github.multiprocessing4j.SerializableRunnable targetCapturing(Object[] holder) {
        int[] numbers = (int[]) holder[0];
        holder[0] = null;
        return () -> {
            if (numbers.length != 1024) {
                throw new IllegalStateException("the target's capture did not arrive");
            }
        };
    }

    private static io.github.multiprocessing4j.SerializableCallable<Integer> callableCapturing(Object[] holder) {
        int[] numbers = (int[]) holder[0];
        holder[0] = null;
        return () -> numbers[0] * numbers[1];
    }

    private static boolean gc() {
        System.gc();
        return true;
    }

    @Test
    void L14_aChildThatSetsItsStandardStreamsToNullExitsAsAnyOther() throws Exception {
        ChildProcess returns = started(() -> {
            System.setOut(null);
            System.setErr(null);
        });
        assertEquals(0, exitCodeAfterJoin(returns), "the target returned: exit code 0, as in Python");
        ChildProcess throwing = started(() -> {
            System.setOut(null);
            System.setErr(null);
            throw new IllegalStateException("with no System.err");
        });
        assertEquals(1, exitCodeAfterJoin(throwing), "an uncaught exception: exit code 1");
    }

    // ---------------------------------------------------------------- pipes

    @Test
    void pipe_anEndHandedToOneChildAfterAnotherWorksForEachAndTheCreatorMayUseItToo() throws Exception {
        Pipe pipe = Pipe.open(false);
        Connection reader = pipe.left();
        Connection writer = pipe.right();
        ChildProcess first = child(() -> writer.send("first"));
        assertEquals(0, exitCodeAfterJoin(first));
        assertEquals("first", recv(reader));
        assertTrue(reader.poll(READY_TIMEOUT), "no process holds the write end now: end of stream");
        assertThrows(EOFException.class, reader::recv);
        ChildProcess second = child(() -> writer.send("second"));
        assertEquals(0, exitCodeAfterJoin(second), "the second child could send on the end the first one had");
        assertEquals("second", recv(reader));
        assertThrows(EOFException.class, reader::recv, "the second child has ended too");
        writer.send("the creator's own");
        assertEquals("the creator's own", recv(reader));
        assertFalse(reader.poll(SHORT), "the creator used the write end itself: it holds it, no end of stream");
    }

    @Test
    void pipe_messagesLeftUnreadWhenAChildThatOnlyPolledTheEndExitsAreStillReceived() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection polled = pipe.right();
        mine.sendBytes(new byte[] {1});
        mine.sendBytes(new byte[] {2});
        ChildProcess poller = child(() -> {
            if (!polled.poll(Targets.MAX_WAIT)) {
                throw new IllegalStateException("poll() saw nothing");
            }
        });
        assertEquals(0, exitCodeAfterJoin(poller));
        assertArrayEquals(new byte[] {1}, recvBytes(polled), "the first unread message");
        assertArrayEquals(new byte[] {2}, recvBytes(polled), "the second unread message");
        assertFalse(polled.poll(SHORT), "the creator holds the other end: no end of stream");
    }

    @Test
    void pipe_recvBytesOfAnObjectGivesItsSerializationAndRecvLeavesBytesUnread() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        ChildProcess child = child(() -> {
            byte[] serialized = receiveBytes(theirs);
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized))) {
                theirs.send("read back: " + in.readObject());
            }
            try {
                theirs.send("recv accepted bytes: " + receive(theirs));
            } catch (IllegalStateException e) {
                theirs.send("recv: " + e.getMessage());
            }
            theirs.sendBytes(receiveBytes(theirs));
            theirs.send("after: " + receive(theirs));
        });
        mine.send(List.of("an", "object"));
        assertEquals("read back: [an, object]", recv(mine),
                "recvBytes() of an object gives its Java serialization, as CPython gives the pickle");
        mine.sendBytes(new byte[] {4, 5, 6});
        String refused = recv(mine);
        assertTrue(refused.startsWith("recv: ") && refused.contains("recvBytes"),
                "recv() of bytes fails with a message that names recvBytes: " + refused);
        assertArrayEquals(new byte[] {4, 5, 6}, recvBytes(mine), "the bytes stayed unread for recvBytes()");
        mine.send("still usable");
        assertEquals("after: still usable", recv(mine));
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void pipe_sendBytesOfARangeAndRecvBytesIntoABuffer() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        ChildProcess child = child(() -> {
            byte[] buffer = new byte[8];
            if (!theirs.poll(Targets.MAX_WAIT)) {
                throw new IllegalStateException("nothing arrived");
            }
            int size = theirs.recvBytesInto(buffer, 2);
            theirs.send(size + " " + Arrays.toString(buffer));
            try {
                theirs.recvBytesInto(new byte[4], 2);
                theirs.send("a message of 3 bytes fitted into 2");
            } catch (BufferTooShortException e) {
                theirs.send("too short: " + Arrays.toString(e.message()));
            }
        });
        byte[] data = {0, 1, 2, 3, 4, 5};
        mine.sendBytes(data, 1, 3);
        assertEquals("3 [0, 0, 1, 2, 3, 0, 0, 0]", recv(mine),
                "sendBytes(buf, 1, 3) sent bytes 1 to 3; recvBytesInto(buf, 2) put them at 2 and returned 3");
        mine.sendBytes(data, 3, 3);
        assertEquals("too short: [3, 4, 5]", recv(mine),
                "BufferTooShortException carries the whole message, as Python's BufferTooShort");
        assertThrows(IndexOutOfBoundsException.class, () -> mine.sendBytes(data, 4, 3), "a range beyond the array");
        assertThrows(IndexOutOfBoundsException.class, () -> mine.sendBytes(data, -1, 2), "a negative offset");
        assertThrows(IndexOutOfBoundsException.class, () -> mine.recvBytesInto(new byte[2], 3), "an offset too large");
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void pipe_aConnectionClosesAtTheEndOfTryWithResourcesAsPythonsWith() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        ChildProcess child = child(() -> {
            try (Connection end = theirs) {
                end.send("inside");
            }
            Targets.sleep(Targets.MAX_WAIT.toMillis());
        });
        assertEquals("inside", recv(mine));
        assertTrue(mine.poll(READY_TIMEOUT), "the child's end was closed at the end of its block");
        assertThrows(EOFException.class, mine::recv, "while the child still runs");
        child.kill();
        exitCodeAfterJoin(child);
    }

    // ---------------------------------------------------------------- barriers

    @Test
    void barrier_resetWhilePartiesWaitBreaksTheirRoundAndTheBarrierWorksAgain() throws Exception {
        Barrier barrier = new Barrier(3);
        Queue<Object> reports = new Queue<>();
        for (int c = 0; c < 2; c++) {
            child(() -> {
                try {
                    reports.put("released at " + barrier.await(Targets.MAX_WAIT));
                } catch (BrokenBarrierException e) {
                    reports.put("broken");
                }
                reports.put("second round: " + barrier.await(Targets.MAX_WAIT));
            });
        }
        assertTrue(Poll.until(() -> barrier.waiting() == 2, READY_TIMEOUT), "both children wait at the barrier");
        barrier.reset();
        assertEquals(List.of("broken", "broken"), List.of(next(reports), next(reports)),
                "the parties waiting at reset() get BrokenBarrierException");
        assertFalse(barrier.isBroken());
        assertTrue(Poll.until(() -> barrier.waiting() == 2, READY_TIMEOUT), "both children wait again");
        int mine = barrier.await(READY_TIMEOUT);
        List<String> indices = new ArrayList<>(List.of("second round: " + mine, next(reports), next(reports)));
        indices.sort(null);
        assertEquals(List.of("second round: 0", "second round: 1", "second round: 2"), indices,
                "after reset() the barrier releases its parties again (Python's test_reset)");
    }

    @Test
    void barrier_theLastPartyRunsTheActionInItsProcessBeforeAnyoneIsReleased() throws Exception {
        SimpleQueue<Long> actions = new SimpleQueue<>();
        Barrier barrier = new Barrier(3, () -> actions.put(Multiprocessing.currentProcess().pid()), null);
        Queue<Object> reports = new Queue<>();
        CheckedTarget party = () -> {
            int index = barrier.await(Targets.MAX_WAIT);
            reports.put(Arrays.asList(index, actions.isEmpty() ? "released before the action ran" : "after the action",
                    Multiprocessing.currentProcess().pid()));
        };
        child(party);
        assertTrue(Poll.until(() -> barrier.waiting() == 1, READY_TIMEOUT), "the first child waits");
        child(party);
        int mine = barrier.await(READY_TIMEOUT);
        assertFalse(actions.isEmpty(), "the action ran before the parent was released");
        List<List<Object>> parties = new ArrayList<>(List.of(
                Arrays.asList(mine, "after the action", Multiprocessing.currentProcess().pid()),
                next(reports), next(reports)));
        parties.sort((a, b) -> Integer.compare((Integer) a.get(0), (Integer) b.get(0)));
        for (int index = 0; index < 3; index++) {
            assertEquals(Arrays.asList(index, "after the action"), parties.get(index).subList(0, 2),
                    "every party was released after the action ran, each with its own index");
        }
        assertEquals(parties.get(2).get(2), actions.get(),
                "the last party to arrive (index 2) ran the action, in its own process");
        assertTrue(actions.isEmpty(), "the action ran once");

        Barrier failing = new Barrier(2, () -> {
            throw new IllegalStateException("the action failed");
        }, null);
        child(() -> {
            try {
                reports.put("released at " + failing.await(Targets.MAX_WAIT));
            } catch (BrokenBarrierException e) {
                reports.put("broken");
            }
        });
        assertTrue(Poll.until(() -> failing.waiting() == 1, READY_TIMEOUT), "the child waits");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> failing.await(READY_TIMEOUT),
                "the last party gets the action's exception");
        assertEquals("the action failed", thrown.getMessage());
        assertEquals("broken", next(reports), "the other party gets BrokenBarrierException");
        assertTrue(failing.isBroken());
    }

    @Test
    void barrier_aDefaultTimeoutBreaksTheBarrierInEveryProcess() throws Exception {
        Barrier barrier = new Barrier(2, null, SHORT);
        Queue<Object> reports = new Queue<>();
        ChildProcess child = child(() -> {
            try {
                reports.put("released at " + barrier.await());
            } catch (BrokenBarrierException e) {
                reports.put("broken: " + e.getMessage());
            }
        });
        String report = next(reports);
        assertTrue(report.startsWith("broken: ") && report.contains("timeout"),
                "await() in the child waited its default timeout, then broke the barrier: " + report);
        assertTrue(barrier.isBroken());
        assertThrows(BrokenBarrierException.class, barrier::await);
        assertEquals(0, exitCodeAfterJoin(child));
    }

    // ---------------------------------------------------------------- conditions and locks

    @Test
    void condition_waitForWaitsUntilAPredicateEvaluatedInTheCallersProcessHolds() throws Exception {
        Condition condition = new Condition();
        Event flag = new Event();
        Event evaluated = new Event();
        Queue<Object> reports = new Queue<>();
        ChildProcess child = child(() -> {
            AtomicInteger calls = new AtomicInteger(); // this process's own state: not serializable
            condition.acquire();
            boolean result = condition.waitFor(() -> {
                calls.incrementAndGet();
                evaluated.set();
                return flag.isSet();
            });
            boolean timedOut = !condition.waitFor(() -> false, SHORT);
            reports.put(Arrays.asList(result, calls.get() >= 2, timedOut, condition.isHeldByCurrentThread()));
            condition.release();
        });
        assertTrue(evaluated.await(READY_TIMEOUT), "the child evaluated its predicate");
        condition.acquire(); // the child waits now: it released the lock
        flag.set();
        condition.signalAll();
        condition.release();
        assertEquals(Arrays.asList(true, true, true, true), next(reports),
                "waitFor returned true after evaluating the predicate again, waitFor with a timeout returned false,"
                        + " and the lock is held");
        assertEquals(0, exitCodeAfterJoin(child));

        NotSerializable local = new NotSerializable();
        condition.acquire();
        long start = System.nanoTime();
        assertFalse(condition.waitFor(() -> local.toString().isEmpty(), SHORT), "false once the time ran out");
        assertTrue(System.nanoTime() - start >= SHORT.toNanos(), "it waited its timeout");
        assertTrue(condition.isHeldByCurrentThread(), "the lock is held again");
        assertTrue(condition.waitFor(() -> local.toString().equals("NotSerializable")), "true at once");
        condition.release();
    }

    @Test
    @SuppressWarnings("try") // the resources are held, not used: Python's with lock:
    void locks_holdAcquiresAndReleasesInTryWithResourcesAsPythonsWith() throws Exception {
        Lock lock = new Lock();
        RLock rlock = new RLock();
        Semaphore semaphore = new Semaphore(2);
        Condition condition = new Condition();
        Queue<Object> reports = new Queue<>();
        ChildProcess child = child(() -> {
            List<Object> seen = new ArrayList<>();
            try (Held held = lock.hold()) {
                seen.add(lock.value());
            }
            seen.add(lock.value());
            try (Held outer = rlock.hold(); Held inner = rlock.hold()) {
                seen.add(rlock.isHeldByCurrentThread());
            }
            seen.add(rlock.isHeldByCurrentThread());
            try (Held unit = semaphore.hold()) {
                seen.add(semaphore.value());
            }
            seen.add(semaphore.value());
            try (Held held = condition.hold()) {
                condition.signalAll(); // only the holder of the lock may
                seen.add(condition.isHeldByCurrentThread());
            }
            seen.add(condition.isHeldByCurrentThread());
            reports.put(seen);
        });
        assertEquals(Arrays.asList(0, 1, true, false, 1, 2, true, false), next(reports),
                "in a child: held inside the block, released after it");
        assertEquals(0, exitCodeAfterJoin(child));

        Held held = lock.hold();
        assertFalse(lock.tryAcquire(), "held by hold()");
        held.close();
        held.close(); // a second close() releases nothing more
        assertEquals(1, lock.value());
        assertThrows(IllegalStateException.class, () -> {
            try (Held inside = lock.hold()) {
                throw new IllegalStateException("the block failed");
            }
        });
        assertEquals(1, lock.value(), "released however the block ends");
    }

    // ---------------------------------------------------------------- queues

    @Test
    void queue_shutdownRefusesPutsAndEndsGetsOnceTheQueueIsEmpty() throws Exception {
        Queue<String> queue = new Queue<>(2);
        Queue<Object> reports = new Queue<>();
        queue.put("left");
        ChildProcess child = child(() -> {
            reports.put(queue.get(Targets.MAX_WAIT));
            try {
                reports.put("got " + queue.get(Targets.MAX_WAIT));
            } catch (QueueShutDownException e) {
                reports.put("get: QueueShutDownException");
            }
        });
        assertEquals("left", next(reports));
        queue.put("one");
        queue.put("two");
        queue.shutdown();
        assertEquals("got one", next(reports), "a get after shutdown() takes what is left");
        assertEquals("two", queue.get(NEGATIVE));
        assertThrows(QueueShutDownException.class, () -> queue.get(READY_TIMEOUT), "shut down and empty: no wait");
        assertThrows(QueueShutDownException.class, queue::get);
        assertThrows(QueueShutDownException.class, () -> queue.put("more"), "puts are refused");
        assertInstanceOf(IllegalStateException.class, assertThrows(QueueShutDownException.class, () -> queue.putNowait("x")));
        assertEquals(0, exitCodeAfterJoin(child));
        queue.shutdown(); // twice is fine
    }

    @Test
    void queue_shutdownImmediatelyWakesWaitersDropsWhatIsLeftAndCountsItAsDone() throws Exception {
        JoinableQueue<String> queue = new JoinableQueue<>(1);
        Queue<Object> reports = new Queue<>();
        queue.put("unread");
        ChildProcess putter = child(() -> {
            reports.put("waiting");
            try {
                queue.put("no room", Targets.MAX_WAIT);
                reports.put("put returned");
            } catch (QueueShutDownException e) {
                reports.put("put: QueueShutDownException");
            }
        });
        ChildProcess joiner = child(() -> reports.put("join: " + queue.join(Targets.MAX_WAIT)));
        assertEquals("waiting", next(reports));
        queue.shutdown(true);
        List<Object> woken = new ArrayList<>(List.of(next(reports), next(reports)));
        woken.sort(null);
        assertEquals(Arrays.asList("join: true", "put: QueueShutDownException"), woken,
                "the waiting put fails; the dropped message counts as done, so join() returns");
        assertEquals(0, queue.qsize(), "what was left is dropped");
        assertThrows(QueueShutDownException.class, () -> queue.get(READY_TIMEOUT));
        assertEquals(0, exitCodeAfterJoin(putter));
        assertEquals(0, exitCodeAfterJoin(joiner));
    }

    // ---------------------------------------------------------------- pools

    @Test
    void imap_anInputThatThrowsInTheMiddleOfAChunkRaisesAtTheStartOfThatChunk() throws Exception {
        Pool pool = pool(poolBuilder().processes(1));
        Iterator<Integer> broken = new Iterator<>() {
            private int next = 6;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (next == 9) {
                    throw new IllegalStateException("the input broke");
                }
                return next++;
            }
        };
        List<Object> outcomes = new ArrayList<>();
        ResultIterator<Integer> results = pool.imap(x -> x * x, () -> broken, 2);
        while (results.hasNext()) {
            try {
                outcomes.add(results.next(RESULT_TIMEOUT));
            } catch (IllegalStateException e) {
                outcomes.add(e.getMessage());
            }
        }
        assertEquals(List.of(36, 49, "the input broke"), outcomes,
                "Python: the chunk [8, error] yields nothing of 8 and raises at its start; then the end");
    }

    @Test
    void maxTasksPerChild_zeroIsRefusedAsInPythonAndUnsetMeansNoLimit() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> Pool.builder().maxTasksPerChild(0),
                "Python: ValueError, maxtasksperchild must be a positive int or None");
        assertThrows(IllegalArgumentException.class, () -> Pool.builder().maxTasksPerChild(-1));
        Pool pool = pool(poolBuilder().processes(1));
        List<Long> pids = pool.map(x -> Multiprocessing.currentProcess().pid(),
                IntStream.range(0, 6).boxed().toList(), 1);
        assertEquals(1, pids.stream().distinct().count(), "one worker ran every task: " + pids);
    }
}
