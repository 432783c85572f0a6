package io.github.multiprocessing4j.internal.shared;

import static io.github.multiprocessing4j.internal.shared.SharedObjects.LOCAL_CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.BackgroundCall;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HostedSemaphore through its {@code invoke} protocol, as {@code Lock}, {@code Semaphore} and
 * {@code BoundedSemaphore} call it: the counter, the bound, timeouts, and what a caller that
 * ended held (given back if it was killed, kept if it ended by itself).
 */
@Timeout(BackgroundCall.TEST_SECONDS)
class HostedSemaphoreTest {

    private static final long FOREVER = Timeouts.FOREVER;
    private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(50);

    @RegisterExtension
    final BackgroundCall.Tracker calls = new BackgroundCall.Tracker();

    @Test
    void acquireTakesAUnitAndReleaseGivesItBack() throws Exception {
        HostedSemaphore semaphore = new HostedSemaphore(2, -1);
        assertEquals(true, acquire(semaphore, 0L, LOCAL_CALLER));
        assertEquals(1, value(semaphore));
        assertEquals(true, acquire(semaphore, FOREVER, LOCAL_CALLER));
        assertEquals(0, value(semaphore));
        assertEquals(false, acquire(semaphore, 0L, LOCAL_CALLER));
        release(semaphore, LOCAL_CALLER);
        assertEquals(1, value(semaphore));
    }

    @Test
    void anUnboundedSemaphoreCountsEveryRelease() throws Exception {
        HostedSemaphore semaphore = new HostedSemaphore(0, -1);
        for (int i = 0; i < 5; i++) {
            release(semaphore, LOCAL_CALLER);
        }
        assertEquals(5, value(semaphore));
    }

    @Test
    void aBoundedSemaphoreRefusesAReleaseBeyondItsBoundAndStaysAtIt() throws Exception {
        HostedSemaphore semaphore = new HostedSemaphore(1, 1);
        assertThrows(IllegalStateException.class, () -> release(semaphore, LOCAL_CALLER));
        assertEquals(1, value(semaphore));
        assertEquals(true, acquire(semaphore, 0L, LOCAL_CALLER));
        release(semaphore, LOCAL_CALLER);
        assertThrows(IllegalStateException.class, () -> release(semaphore, LOCAL_CALLER));
        assertEquals(1, value(semaphore));
    }

    @Test
    void aNegativeInitialValueIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new HostedSemaphore(-1, -1));
    }

    @Test
    void aTimedAcquireGivesUpOnceItsTimeHasPassed() throws Exception {
        HostedSemaphore semaphore = new HostedSemaphore(0, -1);
        long start = System.nanoTime();
        assertEquals(false, acquire(semaphore, SHORT, LOCAL_CALLER));
        assertTrue(System.nanoTime() - start >= SHORT, "gave up before its timeout");
        assertEquals(0, value(semaphore));
    }

    @Test
    void anAcquireWaitsForARelease() throws Exception {
        HostedSemaphore semaphore = new HostedSemaphore(0, -1);
        assertTrue(semaphore.mayBlock(HostedSemaphore.ACQUIRE, new Object[] {FOREVER}));
        assertFalse(semaphore.mayBlock(HostedSemaphore.ACQUIRE, new Object[] {0L}));
        assertFalse(semaphore.mayBlock(HostedSemaphore.RELEASE, new Object[0]));
        BackgroundCall<Object> first = calls.start("acquirer-1", () -> acquire(semaphore, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        BackgroundCall<Object> second = calls.start("acquirer-2", () -> acquire(semaphore, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        release(semaphore, LOCAL_CALLER);
        BackgroundCall<Object> served = BackgroundCall.firstEnded(first, second);
        BackgroundCall<Object> waiting = served == first ? second : first;
        assertEquals(true, served.value());
        waiting.assertStillBlocked();
        assertEquals(0, value(semaphore));
        release(semaphore, LOCAL_CALLER);
        assertEquals(true, waiting.value());
        assertEquals(0, value(semaphore));
    }

    @Test
    void anInterruptedAcquireTakesNothing() throws Exception {
        HostedSemaphore semaphore = new HostedSemaphore(0, -1);
        BackgroundCall<Object> acquirer = calls.start("acquirer", () -> acquire(semaphore, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        acquirer.interrupt();
        acquirer.failure(InterruptedException.class);
        release(semaphore, LOCAL_CALLER);
        assertEquals(1, value(semaphore));
    }

    @Test
    void theUnitsOfAKilledCallerAndItsDescendantsAreGivenBack() throws Exception {
        HostedSemaphore semaphore = new HostedSemaphore(5, 5);
        acquire(semaphore, 0L, "child-1");
        acquire(semaphore, 0L, "child-1");
        acquire(semaphore, 0L, "child-1/3");
        acquire(semaphore, 0L, "child-10");
        acquire(semaphore, 0L, LOCAL_CALLER);
        assertEquals(0, value(semaphore));
        semaphore.callerGone("child-1", true);
        assertEquals(3, value(semaphore), "child-1's two units and its child's one come back, no other");
        semaphore.callerGone("child-1", true);
        assertEquals(3, value(semaphore), "a second notice gives nothing back twice");
    }

    @Test
    void aKilledHolderReleasesAWaitingAcquirer() throws Exception {
        HostedSemaphore lock = new HostedSemaphore(1, 1);
        assertEquals(true, acquire(lock, 0L, "child-1"));
        BackgroundCall<Object> acquirer = calls.start("acquirer", () -> acquire(lock, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        lock.callerGone("child-2", true);
        acquirer.assertStillBlocked();
        lock.callerGone("child-1", true);
        assertEquals(true, acquirer.value());
        assertEquals(0, value(lock));
    }

    @Test
    void aCallerThatEndedByItselfKeepsItsUnits() throws Exception {
        HostedSemaphore lock = new HostedSemaphore(1, 1);
        assertEquals(true, acquire(lock, 0L, "child-1"));
        lock.callerGone("child-1", false);
        assertEquals(0, value(lock), "Python: a process that exits holding a lock leaves it held");
        release(lock, LOCAL_CALLER);
        assertEquals(1, value(lock), "another process may release it");
    }

    @Test
    void unitsReleasedByAnotherProcessAreNotGivenBackTwice() throws Exception {
        HostedSemaphore lock = new HostedSemaphore(1, 1);
        assertEquals(true, acquire(lock, 0L, "child-1"));
        release(lock, LOCAL_CALLER);
        assertEquals(1, value(lock));
        lock.callerGone("child-1", true);
        assertEquals(1, value(lock), "the unit child-1 took was released already");
        assertEquals(true, acquire(lock, 0L, LOCAL_CALLER));
        assertEquals(false, acquire(lock, 0L, LOCAL_CALLER));
    }

    @Test
    void anUnknownOperationIsRefused() {
        HostedSemaphore semaphore = new HostedSemaphore(1, -1);
        assertThrows(IllegalArgumentException.class, () -> semaphore.invoke(99, new Object[0], LOCAL_CALLER));
    }

    private static Object acquire(HostedSemaphore semaphore, long timeoutNanos, String caller) throws Exception {
        return semaphore.invoke(HostedSemaphore.ACQUIRE, new Object[] {timeoutNanos}, caller);
    }

    private static void release(HostedSemaphore semaphore, String caller) throws Exception {
        semaphore.invoke(HostedSemaphore.RELEASE, new Object[0], caller);
    }

    private static Object value(HostedSemaphore semaphore) throws Exception {
        return semaphore.invoke(HostedSemaphore.VALUE, new Object[0], LOCAL_CALLER);
    }
}
