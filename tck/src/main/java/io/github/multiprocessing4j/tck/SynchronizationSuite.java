package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.Barrier;
import io.github.multiprocessing4j.BoundedSemaphore;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Condition;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.Lock;
import io.github.multiprocessing4j.ProcessStartException;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.RLock;
import io.github.multiprocessing4j.Semaphore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Synchronization between processes: Python's {@code multiprocessing.Lock}, {@code RLock},
 * {@code Semaphore}, {@code BoundedSemaphore}, {@code Event}, {@code Condition} and
 * {@code Barrier}. The tests sequence parent and children with events and queues, never with
 * sleeps; what a child observes comes back on a queue of reports. Beyond Python: what a child
 * held when it was killed (a lock, a semaphore's units) is released, and a barrier that a killed
 * process waited at breaks.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class SynchronizationSuite extends TckSuite {

    /** A timeout short enough to wait for in a test. */
    private static final Duration SHORT = Duration.ofMillis(200);
    /** How soon a lock must be free that nobody alive holds: at once, with slack for a busy host. */
    private static final Duration RELEASE = Duration.ofSeconds(5);

    /** For subclasses. */
    protected SynchronizationSuite() {
    }

    private ChildProcess child(CheckedTarget target) {
        return started(CheckedTarget.unchecked(target));
    }

    @Test
    void lock_givesMutualExclusionAcrossProcessesAndKeepsACounterExact() throws Exception {
        int children = 3;
        int increments = 40;
        Lock lock = new Lock();
        Barrier start = new Barrier(children);
        String counter = file("counter");
        String inside = file("inside");
        Targets.write(counter, "0");
        // the children write it: some launchers run them as another user (a pod's non-root user)
        Files.setPosixFilePermissions(Path.of(counter), PosixFilePermissions.fromString("rw-rw-rw-"));
        List<ChildProcess> incrementing = new ArrayList<>();
        for (int c = 0; c < children; c++) {
            incrementing.add(child(() -> {
                start.await(Targets.MAX_WAIT);
                for (int i = 0; i < increments; i++) {
                    if (!lock.acquire(Targets.MAX_WAIT)) {
                        throw new IllegalStateException("the lock was not acquired within " + Targets.MAX_WAIT);
                    }
                    try {
                        // fails if another process is inside too: the lock did not exclude it
                        Files.createFile(Path.of(inside));
                        // read, then write: two steps that only the lock makes one
                        Path file = Path.of(counter);
                        Files.writeString(file, Integer.toString(Integer.parseInt(Files.readString(file).trim()) + 1));
                        Files.delete(Path.of(inside));
                    } finally {
                        lock.release();
                    }
                }
            }));
        }
        for (ChildProcess child : incrementing) {
            assertEquals(0, exitCodeAfterJoin(child), "a child found the critical section free each time");
        }
        assertEquals(Integer.toString(children * increments), read(counter), "no increment was lost");
        assertEquals(1, lock.value(), "the lock is free again");
    }

    @Test
    void lock_aChildWaitsForTheLockTheParentHolds() throws Exception {
        Lock lock = new Lock();
        Queue<Object> reports = new Queue<>();
        assertTrue(lock.acquire(Duration.ZERO));
        ChildProcess child = child(() -> {
            reports.put("acquire(200 ms): " + lock.acquire(SHORT));
            reports.put("waiting");
            reports.put("acquire(30 s): " + lock.acquire(Targets.MAX_WAIT));
            lock.release();
        });
        assertEquals("acquire(200 ms): false", next(reports), "the parent holds the lock");
        assertEquals("waiting", next(reports));
        lock.release();
        assertEquals("acquire(30 s): true", next(reports), "the child got the lock once the parent released it");
        assertEquals(0, exitCodeAfterJoin(child));
        assertEquals(1, lock.value());
    }

    @Test
    void lock_aChildKilledWhileItWaitsForTheLockReleasesNothing() throws Exception {
        Lock lock = new Lock();
        Queue<Object> reports = new Queue<>();
        assertTrue(lock.acquire(Duration.ZERO));
        ChildProcess child = child(() -> {
            reports.put("waiting");
            reports.put("acquired: " + lock.acquire(Targets.MAX_WAIT)); // killed while it waits
        });
        assertEquals("waiting", next(reports));
        child.kill();
        assertEquals(-9, exitCodeAfterJoin(child));
        assertEquals(0, lock.value(), "the parent still holds the lock: the killed waiter held nothing");
        lock.release();
        assertEquals(1, lock.value(), "and the killed waiter's acquire() did not take it afterwards");
        assertTrue(reports.isEmpty(), "the killed child's acquire() returned nothing");
    }

    @Test
    void rlock_isReentrantAndOnlyTheThreadThatHoldsItMayReleaseIt() throws Exception {
        RLock rlock = new RLock();
        Queue<Object> reports = new Queue<>();
        Queue<String> commands = new Queue<>();
        ChildProcess child = child(() -> {
            boolean first = rlock.acquire(Targets.MAX_WAIT);
            boolean again = rlock.acquire(Duration.ZERO); // reentrant: no wait
            boolean held = rlock.isHeldByCurrentThread();
            // another thread of the same process does not hold it
            List<Object> otherThread = new ArrayList<>();
            Thread other = new Thread(() -> {
                otherThread.add(rlock.isHeldByCurrentThread());
                try {
                    rlock.release();
                    otherThread.add("released");
                } catch (IllegalStateException e) {
                    otherThread.add(e.getMessage());
                }
                try {
                    otherThread.add(rlock.acquire(Duration.ZERO));
                } catch (InterruptedException e) {
                    otherThread.add("interrupted");
                }
            });
            other.start();
            other.join(Targets.MAX_WAIT.toMillis());
            reports.put(Arrays.asList(first, again, held, otherThread));
            expect(commands, "release");
            rlock.release();
            reports.put("released once");
            expect(commands, "release");
            rlock.release();
            reports.put("released twice");
            expect(commands, "release the parent's");
            try {
                rlock.release();
                reports.put("released the parent's hold");
            } catch (IllegalStateException e) {
                reports.put(e.getMessage());
            }
        });
        assertEquals(Arrays.asList(true, true, true, Arrays.asList(false, "cannot release un-acquired lock", false)),
                next(reports), "[acquired, acquired again, held, [another thread: held, release, acquire(0)]]");
        assertFalse(rlock.isHeldByCurrentThread());
        assertFalse(rlock.acquire(Duration.ZERO), "the child holds it");
        IllegalStateException e = assertThrows(IllegalStateException.class, rlock::release);
        assertEquals("cannot release un-acquired lock", e.getMessage());
        commands.put("release");
        assertEquals("released once", next(reports));
        assertFalse(rlock.acquire(Duration.ZERO), "acquired twice and released once: still held");
        commands.put("release");
        assertEquals("released twice", next(reports));
        assertTrue(rlock.acquire(READY_TIMEOUT), "acquired twice, released twice: free");
        assertTrue(rlock.isHeldByCurrentThread());
        commands.put("release the parent's");
        assertEquals("cannot release un-acquired lock", next(reports), "the child cannot release the parent's hold");
        rlock.release();
        assertFalse(rlock.isHeldByCurrentThread());
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void semaphore_countsUnitsTakenAndGivenBackByAnyProcess() throws Exception {
        Semaphore semaphore = new Semaphore(2);
        Queue<Object> reports = new Queue<>();
        Event releaseOne = new Event();
        Event releaseOther = new Event();
        ChildProcess child = child(() -> {
            reports.put(semaphore.acquire(Targets.MAX_WAIT) && semaphore.acquire(Targets.MAX_WAIT)
                    ? "took 2" : "did not get 2 units within " + Targets.MAX_WAIT);
            releaseOne.await(Targets.MAX_WAIT);
            semaphore.release();
            reports.put("gave 1 back");
            releaseOther.await(Targets.MAX_WAIT);
            semaphore.release();
            reports.put("gave 2 back");
        });
        assertEquals("took 2", next(reports));
        assertEquals(0, semaphore.value());
        assertFalse(semaphore.tryAcquire(), "no unit is free");
        assertFalse(semaphore.acquire(SHORT), "no unit is free within 200 ms");
        releaseOne.set();
        assertEquals("gave 1 back", next(reports));
        assertEquals(1, semaphore.value());
        assertTrue(semaphore.tryAcquire());
        assertEquals(0, semaphore.value());
        semaphore.release();
        releaseOther.set();
        assertEquals("gave 2 back", next(reports));
        assertEquals(2, semaphore.value());
        semaphore.release(); // Python: an unbounded semaphore may be released above its initial value
        assertEquals(3, semaphore.value());
        assertEquals(0, exitCodeAfterJoin(child));
        assertEquals(3, semaphore.value(), "the child's end changed nothing: it held no unit");
    }

    @Test
    void semaphore_aUnitTakenByAChildThatReturnsNormallyIsNotGivenBack() throws Exception {
        // Python's producer/consumer with a counting semaphore: each unit is an item made available
        Semaphore items = new Semaphore(0);
        items.release();
        items.release();
        ChildProcess consumer = child(() -> {
            if (!items.acquire(Targets.MAX_WAIT)) {
                throw new IllegalStateException("no item within " + Targets.MAX_WAIT);
            }
        });
        assertEquals(0, exitCodeAfterJoin(consumer), "the consumer took one item and returned");
        assertEquals(1, items.value(), "two items were made available and one was taken");
    }

    @Test
    void boundedSemaphoreAndLock_refuseAReleaseAboveTheirBound() throws Exception {
        BoundedSemaphore bounded = new BoundedSemaphore(2);
        Lock lock = new Lock();
        Queue<Object> reports = new Queue<>();
        assertTrue(bounded.acquire(Duration.ZERO));
        assertTrue(lock.acquire(Duration.ZERO));
        ChildProcess child = child(() -> {
            List<Object> seen = new ArrayList<>();
            bounded.release(); // the parent's unit: any process may release (Python)
            seen.add(bounded.value());
            try {
                bounded.release();
                seen.add("released above the bound");
            } catch (IllegalStateException e) {
                seen.add(e.getMessage());
            }
            lock.release(); // the parent's lock: any process may release a Lock (Python)
            seen.add(lock.value());
            try {
                lock.release();
                seen.add("released an unlocked lock");
            } catch (IllegalStateException e) {
                seen.add(e.getMessage());
            }
            reports.put(seen);
        });
        assertEquals(Arrays.asList(2, "semaphore or lock released too many times",
                1, "semaphore or lock released too many times"), next(reports));
        assertEquals(2, bounded.value());
        assertEquals(1, lock.value());
        IllegalStateException e = assertThrows(IllegalStateException.class, bounded::release);
        assertEquals("semaphore or lock released too many times", e.getMessage());
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void event_setInOneProcessWakesEveryWaiterInOthers() throws Exception {
        Event event = new Event();
        Event never = new Event();
        Queue<Object> reports = new Queue<>();
        List<ChildProcess> waiters = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            waiters.add(child(() -> {
                reports.put("await(200 ms) of an unset event: " + never.await(SHORT));
                reports.put("waiting");
                boolean set = event.await(Targets.MAX_WAIT);
                reports.put("woken: " + set + ", isSet: " + event.isSet());
            }));
        }
        assertEquals(List.of("await(200 ms) of an unset event: false", "await(200 ms) of an unset event: false",
                "waiting", "waiting"), sorted(reports, 4));
        assertFalse(event.isSet());
        event.set();
        assertEquals("woken: true, isSet: true", next(reports));
        assertEquals("woken: true, isSet: true", next(reports));
        for (ChildProcess waiter : waiters) {
            assertEquals(0, exitCodeAfterJoin(waiter));
        }
        assertTrue(event.await(Duration.ZERO), "a set event is returned at once");
        event.clear();
        assertFalse(event.isSet());
        assertFalse(event.await(Duration.ZERO));
    }

    @Test
    void condition_waitersInChildrenWakeOnSignalWithTheLockHeldAgain() throws Exception {
        Condition condition = new Condition();
        Queue<Object> reports = new Queue<>();
        List<ChildProcess> waiters = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            waiters.add(child(() -> {
                if (!condition.acquire(Targets.MAX_WAIT)) {
                    throw new IllegalStateException("the condition's lock was not acquired in time");
                }
                boolean notified = condition.await(SHORT);
                reports.put("await(200 ms) without a signal: " + notified + ", held: "
                        + condition.isHeldByCurrentThread());
                reports.put("waiting"); // sent while this child holds the lock
                notified = condition.await(Targets.MAX_WAIT);
                reports.put("woken: " + notified + ", held: " + condition.isHeldByCurrentThread());
                condition.release();
            }));
        }
        IllegalStateException signal = assertThrows(IllegalStateException.class, condition::signal);
        assertEquals("cannot notify on un-acquired lock", signal.getMessage());
        IllegalStateException await = assertThrows(IllegalStateException.class, () -> condition.await(SHORT));
        assertEquals("cannot wait on un-acquired lock", await.getMessage());
        assertEquals(List.of("await(200 ms) without a signal: false, held: true",
                "await(200 ms) without a signal: false, held: true", "waiting", "waiting"), sorted(reports, 4));
        // each child said "waiting" holding the lock: once the parent has it, both wait in await()
        assertTrue(condition.acquire(READY_TIMEOUT));
        condition.signal();
        condition.release();
        assertEquals("woken: true, held: true", next(reports), "signal() woke one waiter, which holds the lock");
        assertTrue(condition.acquire(READY_TIMEOUT));
        condition.signalAll();
        condition.release();
        assertEquals("woken: true, held: true", next(reports), "signalAll() woke the other");
        for (ChildProcess waiter : waiters) {
            assertEquals(0, exitCodeAfterJoin(waiter));
        }
    }

    @Test
    void condition_aChildKilledWhileItAwaitsLeavesTheLockFree() throws Exception {
        Condition condition = new Condition();
        Queue<Object> reports = new Queue<>();
        ChildProcess child = child(() -> {
            if (condition.acquire(Targets.MAX_WAIT)) {
                reports.put("waiting"); // sent while this child holds the lock
                condition.await(Targets.MAX_WAIT); // killed while it waits
            }
        });
        assertEquals("waiting", next(reports));
        assertTrue(condition.acquire(READY_TIMEOUT), "the child waits in await(), which released the lock");
        child.kill();
        assertEquals(-9, exitCodeAfterJoin(child));
        condition.release();
        // another process, which needs a while to start, asks for the lock: the killed waiter's
        // await() must not have taken it back in the meantime
        ChildProcess next = child(() -> {
            if (!condition.acquire(RELEASE)) {
                System.exit(4);
            }
            condition.release();
        });
        assertEquals(0, exitCodeAfterJoin(next), "a new process got the lock (exit code 4: it did not within "
                + RELEASE + ")");
    }

    @Test
    void barrier_releasesPartiesInSeveralProcessesWithDistinctArrivalIndices() throws Exception {
        Barrier barrier = new Barrier(3);
        Queue<Object> reports = new Queue<>();
        List<ChildProcess> parties = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            parties.add(child(() -> {
                int first = barrier.await(Targets.MAX_WAIT);
                int second = barrier.await(Targets.MAX_WAIT);
                reports.put(Arrays.asList(first, second));
            }));
        }
        assertEquals(3, barrier.parties());
        int parentFirst = barrier.await(READY_TIMEOUT);
        int parentSecond = barrier.await(READY_TIMEOUT);
        List<Integer> one = next(reports);
        List<Integer> other = next(reports);
        assertEquals(List.of(0, 1, 2), sortedInts(parentFirst, one.get(0), other.get(0)), "the first round's indices");
        assertEquals(List.of(0, 1, 2), sortedInts(parentSecond, one.get(1), other.get(1)),
                "the second round's indices");
        assertFalse(barrier.isBroken());
        assertEquals(0, barrier.waiting());
        for (ChildProcess party : parties) {
            assertEquals(0, exitCodeAfterJoin(party));
        }
    }

    /**
     * SPEC M4, a barrier: of three parties, two children wait at the barrier and one of them is
     * killed (SIGKILL). Observed: the other child's {@code await} ends with
     * {@link BrokenBarrierException} instead of waiting for ever, the barrier says it is broken,
     * the parent's {@code await} fails at once the same way, and {@code reset()} repairs it.
     */
    @Test
    void m4_aBarrierBreaksWhenTheProcessOfAWaiterIsKilled() throws Exception {
        Barrier barrier = new Barrier(3);
        Queue<Object> reports = new Queue<>();
        ChildProcess victim = child(() -> barrier.await(Targets.MAX_WAIT));
        ChildProcess survivor = child(() -> {
            try {
                reports.put("await returned " + barrier.await(Targets.MAX_WAIT));
            } catch (BrokenBarrierException e) {
                reports.put("BrokenBarrierException");
            } catch (TimeoutException e) {
                reports.put("TimeoutException: the barrier did not break when the victim was killed");
            }
        });
        assertTrue(Poll.until(() -> barrier.waiting() == 2, READY_TIMEOUT), "both children wait at the barrier");
        victim.kill();
        assertEquals(-9, exitCodeAfterJoin(victim));
        assertEquals("BrokenBarrierException", next(reports), "the other waiter's await()");
        assertTrue(barrier.isBroken());
        assertThrows(BrokenBarrierException.class, () -> barrier.await(READY_TIMEOUT), "await() on a broken barrier");
        assertEquals(0, exitCodeAfterJoin(survivor));
        barrier.reset();
        assertFalse(barrier.isBroken(), "reset() makes the barrier usable again");
    }

    /**
     * SPEC M4, locks: a child holds a {@link Lock}, an {@link RLock}, the one unit of a
     * {@link Semaphore} and a {@link Condition}'s lock, and is killed (SIGKILL). Observed: the
     * parent cannot take any of them while the child runs, and takes each one after the kill.
     */
    @Test
    void m4_locksHeldByAKilledChildAreReleased() throws Exception {
        Lock lock = new Lock();
        RLock rlock = new RLock();
        Semaphore semaphore = new Semaphore(1);
        Condition condition = new Condition();
        Event held = new Event();
        ChildProcess child = child(() -> {
            for (boolean acquired : new boolean[] {lock.acquire(Targets.MAX_WAIT), rlock.acquire(Targets.MAX_WAIT),
                semaphore.acquire(Targets.MAX_WAIT), condition.acquire(Targets.MAX_WAIT)}) {
                if (!acquired) {
                    throw new IllegalStateException("not acquired within " + Targets.MAX_WAIT);
                }
            }
            held.set();
            Targets.sleep(Targets.MAX_WAIT.toMillis()); // killed while it holds them all
        });
        assertTrue(held.await(READY_TIMEOUT), "the child holds the locks");
        assertFalse(lock.acquire(Duration.ZERO));
        assertFalse(rlock.acquire(Duration.ZERO));
        assertFalse(semaphore.tryAcquire());
        assertFalse(condition.acquire(Duration.ZERO));
        child.kill();
        assertEquals(-9, exitCodeAfterJoin(child));
        assertTrue(lock.acquire(READY_TIMEOUT), "the Lock a killed child held is released");
        assertTrue(rlock.acquire(READY_TIMEOUT), "the RLock a killed child held is released");
        assertTrue(semaphore.acquire(READY_TIMEOUT), "the unit of a Semaphore a killed child held is given back");
        assertTrue(condition.acquire(READY_TIMEOUT), "the lock of a Condition a killed child held is released");
        assertEquals(0, semaphore.value());
        lock.release();
        rlock.release();
        semaphore.release();
        condition.release();
    }

    /**
     * SPEC M4 one level down: a grandchild holds a {@link Lock} and is killed by its parent, the
     * child, which keeps running. Observed: the test's process takes the lock within
     * {@link #RELEASE}, without waiting for the child to end.
     */
    @Test
    void m4_locksHeldByAKilledGrandchildAreReleasedWhileItsParentRuns() throws Exception {
        Lock lock = new Lock();
        Event held = new Event();
        Event done = new Event();
        Queue<Object> reports = new Queue<>();
        // the child starts its own child with the launcher it can use (SPEC S3: declared, e.g. local in a container)
        TckLauncher launcher = launcher().nested();
        ChildProcess child = child(() -> {
            ChildProcess grandchild = launcher.builder(CheckedTarget.unchecked(() -> {
                if (lock.acquire(Targets.MAX_WAIT)) {
                    held.set();
                    Targets.sleep(Targets.MAX_WAIT.toMillis()); // killed while it holds the lock
                }
            })).daemon(true).build();
            try {
                grandchild.start();
            } catch (ProcessStartException e) {
                reports.put("no grandchild: " + e.getMessage());
                return;
            }
            if (!held.await(Targets.MAX_WAIT)) {
                grandchild.kill();
                throw new IllegalStateException("the grandchild did not get the lock within " + Targets.MAX_WAIT);
            }
            grandchild.kill();
            grandchild.join(Targets.MAX_WAIT);
            reports.put("grandchild ended: " + grandchild.exitCode());
            done.await(Targets.MAX_WAIT);
        });
        String grandchild = next(reports);
        assertEquals("grandchild ended: OptionalInt[-9]", grandchild);
        assertTrue(lock.acquire(RELEASE), "the Lock a killed grandchild held is released within "
                + RELEASE + ", while the child between us still runs");
        lock.release();
        done.set();
        assertEquals(0, exitCodeAfterJoin(child));
    }

    // ---------------------------------------------------------------- waiting with deadlines

    /** In the test: the next {@code count} reports, sorted. */
    private static List<String> sorted(Queue<Object> reports, int count) throws InterruptedException {
        List<String> received = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Object report = next(reports);
            received.add(String.valueOf(report));
        }
        received.sort(null);
        return received;
    }

    private static List<Integer> sortedInts(Integer... values) {
        List<Integer> sorted = new ArrayList<>(Arrays.asList(values));
        sorted.sort(null);
        return sorted;
    }

    /** In a child: the test's next command, within {@link Targets#MAX_WAIT}; it must be {@code expected}. */
    private static void expect(Queue<String> commands, String expected) throws Exception {
        String command = commands.get(Targets.MAX_WAIT);
        if (!expected.equals(command)) {
            throw new IllegalStateException("expected the command '" + expected + "', got '" + command + "'");
        }
    }
}
