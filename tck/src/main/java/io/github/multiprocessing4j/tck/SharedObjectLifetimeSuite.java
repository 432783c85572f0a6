package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.Array;
import io.github.multiprocessing4j.Barrier;
import io.github.multiprocessing4j.BoundedSemaphore;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Condition;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.JoinableQueue;
import io.github.multiprocessing4j.Lock;
import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.Pool;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.RLock;
import io.github.multiprocessing4j.Semaphore;
import io.github.multiprocessing4j.SimpleQueue;
import io.github.multiprocessing4j.Value;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SPEC M9: shared objects are freed once no live process holds a reference. A process that
 * creates and drops queues, pipes, locks, values and pools, also ones it handed to children that
 * have ended, comes back to the hosted objects, {@code /dev/shm} files, threads and heap it
 * started from; a child's copy, or a copy in a message not yet received, keeps its object alive
 * meanwhile. Beyond Python, which frees a manager's objects this way but lets the kernel free
 * its own queues' pipes, the library frees every shared object by the same rule.
 *
 * <p>Objects are made and dropped in helper methods, so that no local variable of a test keeps a
 * handle reachable; the footprint is measured after full collections, polled with a deadline.
 */
public abstract class SharedObjectLifetimeSuite extends TckSuite {

    /** How long freeing may take after the last handle went: collections and the cleaner thread. */
    private static final Duration FREED = Duration.ofSeconds(30);
    /** How many objects of each kind the parent creates and drops. */
    private static final int MANY = 100;
    /** The message each dropped queue and pipe holds unread: a leak of them shows in the heap. */
    private static final int MESSAGE_BYTES = 64 * 1024;
    /** Heap growth that is noise (class metadata on the heap, the test framework's own objects). */
    private static final long HEAP_SLACK_MIB = 4;

    /** For subclasses. */
    protected SharedObjectLifetimeSuite() {
    }

    /** Creates, uses and drops {@code rounds} objects of each kind, all hosted here. */
    private static void churn(int rounds) throws Exception {
        for (int i = 0; i < rounds; i++) {
            Queue<Object> queue = new Queue<>();
            // a handle that travelled: serialized, in flight, received here
            queue.put(new Queue<String>(1));
            Queue<?> received = (Queue<?>) queue.get(READY_TIMEOUT);
            assertEquals(1, received.maxSize());
            queue.put(new byte[MESSAGE_BYTES]);
            Pipe pipe = Pipe.open();
            pipe.right().send(new byte[MESSAGE_BYTES]);
            Lock lock = new Lock();
            lock.acquire();
            lock.release();
            RLock rlock = new RLock();
            rlock.acquire();
            rlock.release();
            new Condition().acquire();
            new Event().set();
            new Semaphore(2).release();
            new BoundedSemaphore(1).acquire();
            new Barrier(1).await();
            new JoinableQueue<String>().put("x");
            new SimpleQueue<String>().put("x");
            Value.of('i', i).set(i + 1);
            Array.of('d', 1024).set(0, 1.5);
        }
    }

    @Test
    void m9_objectsThatTheParentCreatesAndDropsAreFreed() throws Exception {
        churn(2);
        Footprint before = Footprint.settled(FREED);
        churn(MANY);
        Footprint after = Footprint.awaitSettled(now -> now.isBackTo(before, HEAP_SLACK_MIB), FREED);
        assertTrue(after.isBackTo(before, HEAP_SLACK_MIB), "after creating and dropping " + MANY
                + " objects of each kind and " + FREED + " of collections: " + after + ", before: " + before);
    }

    /**
     * Starts a child that uses a queue, a lock, a pipe end, a value and a queue it receives in a
     * message; it frees what it hosts itself too. Joins it; drops everything.
     */
    private void useInAChildThatEnds() throws Exception {
        Queue<Object> reports = new Queue<>();
        Lock lock = new Lock();
        Pipe pipe = Pipe.open();
        Value value = Value.of('i', 0);
        Queue<Object> mailbox = new Queue<>();
        mailbox.put(new Queue<String>());
        ChildProcess child = builder(CheckedTarget.unchecked(() -> {
            lock.acquire();
            value.set(value.getInt() + 1);
            lock.release();
            pipe.right().send("sent");
            @SuppressWarnings("unchecked")
            Queue<String> received = (Queue<String>) mailbox.get(Targets.MAX_WAIT);
            received.put("through a received queue");
            reports.put(received.get(Targets.MAX_WAIT));
            // what a child hosts is freed there by the same rule
            int hosted = SharedObjects.hostedCount();
            for (int i = 0; i < 50; i++) {
                new Queue<String>().put("dropped");
            }
            long deadline = System.nanoTime() + Targets.MAX_WAIT.toNanos();
            while (SharedObjects.hostedCount() > hosted && System.nanoTime() - deadline < 0) {
                System.gc();
                Thread.sleep(20);
            }
            reports.put(List.of(hosted, SharedObjects.hostedCount()));
        })).build();
        child.start();
        try {
            assertEquals("through a received queue", next(reports));
            assertEquals("sent", recv(pipe.left()));
            List<?> hostedInChild = next(reports);
            assertEquals(hostedInChild.get(0), hostedInChild.get(1),
                    "the child's own queues, dropped, are freed there (before, after)");
            assertEquals(0, exitCodeAfterJoin(child));
            assertEquals(1, value.getInt());
        } finally {
            if (child.isAlive()) {
                child.kill();
                child.join(JOIN_TIMEOUT);
            }
        }
    }

    @Test
    void m9_objectsHandedToAChildThatEndedAreFreed() throws Exception {
        churn(1);
        Footprint before = Footprint.settled(FREED);
        useInAChildThatEnds();
        // threads of the control channel's pools idle out on their own time: not counted here
        Footprint after = Footprint.awaitSettled(now -> now.hosted() <= before.hosted()
                && now.shmFiles() <= before.shmFiles(), FREED);
        assertTrue(after.hosted() <= before.hosted() && after.shmFiles() <= before.shmFiles(),
                "after a child that used a queue, a lock, a pipe, a value and a received queue ended: " + after
                        + ", before: " + before);
    }

    /**
     * Starts a child holding two queues that this process drops at once: one captured in its
     * target, one in a message not received yet. The child waits for {@code go}, then uses both.
     */
    private ChildProcess startHolding(Queue<Object> mailbox, Queue<Object> reports, Event go) {
        Queue<String> captured = new Queue<>();
        try {
            mailbox.put(new Queue<String>());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return started(CheckedTarget.unchecked(() -> {
            if (!go.await(Targets.MAX_WAIT)) {
                throw new IllegalStateException("no go within " + Targets.MAX_WAIT);
            }
            @SuppressWarnings("unchecked")
            Queue<String> received = (Queue<String>) mailbox.get(Targets.MAX_WAIT);
            captured.put("captured");
            received.put("received");
            reports.put(captured.get(Targets.MAX_WAIT) + " " + received.get(Targets.MAX_WAIT));
        }));
    }

    private static void dropOne() {
        new Queue<String>();
    }

    @Test
    void m9_aCopyInALiveChildOrInAMessageKeepsTheObjectAlive() throws Exception {
        Queue<Object> mailbox = new Queue<>();
        Queue<Object> reports = new Queue<>();
        Event go = new Event();
        churn(1);
        int before = Footprint.settled(FREED).hosted();
        ChildProcess child = startHolding(mailbox, reports, go);
        // a dropped queue, freed, shows that collections and the cleaner have run past the two
        dropOne();
        Footprint held = Footprint.awaitSettled(now -> now.hosted() <= before + 2, FREED);
        assertEquals(before + 2, held.hosted(), "the queue in the child's target and the one in the unread message"
                + " stay hosted while the child lives, though this process dropped them");
        go.set();
        assertEquals("captured received", next(reports), "the child uses both after this process dropped them");
        assertEquals(0, exitCodeAfterJoin(child));
        Footprint after = Footprint.awaitSettled(now -> now.hosted() <= before, FREED);
        assertEquals(before, after.hosted(), "freed once the child that held them ended");
    }

    @Test
    void m9_aPoolFreesItsBoardWhenItHasEnded() throws Exception {
        int before = Footprint.settled(FREED).hosted();
        Pool.Builder builder = Pool.builder().processes(1).launcher(launcher().name())
                .environment(NoLeakedProcesses.RUN_TAG_VARIABLE, NoLeakedProcesses.RUN_TAG);
        launcher().options().forEach(builder::launcherOption);
        Pool pool = builder.build();
        try {
            assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3)));
            assertEquals(before + 1, SharedObjects.hostedCount(), "a running pool hosts its board");
            pool.close();
            assertTrue(pool.join(JOIN_TIMEOUT), "the pool did not end within " + JOIN_TIMEOUT);
            // at once, without a collection: the pool object is still referenced here
            assertEquals(before, SharedObjects.hostedCount(), "a pool that has ended frees its board");
        } finally {
            pool.terminate();
        }
    }
}
