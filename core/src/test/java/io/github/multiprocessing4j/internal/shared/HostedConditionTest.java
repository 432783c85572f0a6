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
 * HostedCondition through its {@code invoke} protocol, as {@code RLock} and {@code Condition}
 * call it: ownership by a thread of a process (an owner key), recursion, wait and notify with the
 * lock re-taken on return, timeouts, and a killed owner's lock released.
 */
@Timeout(BackgroundCall.TEST_SECONDS)
class HostedConditionTest {

    private static final long FOREVER = Timeouts.FOREVER;
    private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(50);
    private static final String A = "token-a:1";
    private static final String B = "token-b:1";
    private static final String C = "token-c:1";

    @RegisterExtension
    final BackgroundCall.Tracker calls = new BackgroundCall.Tracker();

    private final HostedCondition lock = new HostedCondition();

    @Test
    void theOwnerMayTakeTheLockAgainAndMustReleaseItAsOften() throws Exception {
        assertEquals(true, acquire(A, 0L));
        assertEquals(true, acquire(A, 0L));
        assertEquals(true, acquire(A, FOREVER));
        assertEquals(true, heldBy(A));
        assertEquals(false, heldBy(B));
        release(A);
        release(A);
        assertEquals(true, heldBy(A));
        assertEquals(false, acquire(B, 0L));
        release(A);
        assertEquals(false, heldBy(A));
        assertEquals(true, acquire(B, 0L));
        assertEquals(true, heldBy(B));
    }

    @Test
    void onlyTheOwnerMayReleaseNotifyOrWait() throws Exception {
        IllegalStateException free = assertThrows(IllegalStateException.class, () -> release(A));
        assertEquals("cannot release un-acquired lock", free.getMessage());
        acquire(A, 0L);
        assertThrows(IllegalStateException.class, () -> release(B));
        assertEquals("cannot notify on un-acquired lock",
                assertThrows(IllegalStateException.class, () -> notify(B, 1)).getMessage());
        assertEquals("cannot wait on un-acquired lock",
                assertThrows(IllegalStateException.class, () -> await(B, FOREVER)).getMessage());
        assertEquals(true, heldBy(A), "the refused calls left the owner as it was");
        release(A);
        assertThrows(IllegalStateException.class, () -> release(A));
    }

    @Test
    void anAcquireWaitsUntilTheOwnerHasReleasedEveryLevel() throws Exception {
        assertTrue(lock.mayBlock(HostedCondition.ACQUIRE, new Object[] {B, FOREVER}));
        assertFalse(lock.mayBlock(HostedCondition.ACQUIRE, new Object[] {B, 0L}));
        assertFalse(lock.mayBlock(HostedCondition.RELEASE, new Object[] {B}));
        acquire(A, 0L);
        acquire(A, 0L);
        BackgroundCall<Object> acquirer = calls.start("acquirer", () -> acquire(B, FOREVER)).assertBlocked();
        release(A);
        acquirer.assertStillBlocked();
        release(A);
        assertEquals(true, acquirer.value());
        assertEquals(true, heldBy(B));
    }

    @Test
    void aTimedAcquireGivesUpOnceItsTimeHasPassed() throws Exception {
        acquire(A, 0L);
        long start = System.nanoTime();
        assertEquals(false, acquire(B, SHORT));
        assertTrue(System.nanoTime() - start >= SHORT, "gave up before its timeout");
        assertEquals(true, heldBy(A));
    }

    @Test
    void waitingReleasesTheLockAndANotifyAfterTheNotifierReleasesGivesItBack() throws Exception {
        acquire(A, 0L);
        acquire(A, 0L);
        BackgroundCall<Object> waiter = calls.start("waiter", () -> await(A, FOREVER)).assertBlocked();
        assertEquals(false, heldBy(A), "a waiter holds nothing");
        assertEquals(true, acquire(B, 0L));
        notify(B, 1);
        waiter.assertStillBlocked();
        release(B);
        assertEquals(true, waiter.value());
        assertEquals(true, heldBy(A), "the lock is held again on return");
        release(A);
        assertEquals(true, heldBy(A), "at the recursion level it had before waiting");
        release(A);
        assertEquals(false, heldBy(A));
    }

    @Test
    void notifyWakesAsManyWaitersAsAskedInTheOrderTheyCame() throws Exception {
        BackgroundCall<Object> first = startWaiter("first", A);
        BackgroundCall<Object> second = startWaiter("second", B);
        BackgroundCall<Object> third = startWaiter("third", C);
        acquire("notifier:1", 0L);
        notify("notifier:1", 1);
        release("notifier:1");
        assertEquals(true, first.value(), "the first waiter is woken first");
        assertEquals(true, heldBy(A));
        second.assertStillBlocked();
        third.assertStillBlocked();
        notify(A, 2);
        release(A);
        // both are woken; they take the lock one after the other
        BackgroundCall<Object> early = BackgroundCall.firstEnded(second, third);
        BackgroundCall<Object> late = early == second ? third : second;
        assertEquals(true, early.value());
        late.assertStillBlocked();
        release(early == second ? B : C);
        assertEquals(true, late.value());
        assertEquals(true, heldBy(late == second ? B : C));
    }

    @Test
    void notifyAllWakesEveryWaiter() throws Exception {
        BackgroundCall<Object> first = startWaiter("first", A);
        BackgroundCall<Object> second = startWaiter("second", B);
        acquire(C, 0L);
        notify(C, Integer.MAX_VALUE);
        release(C);
        release(BackgroundCall.firstEnded(first, second) == first ? A : B);
        assertEquals(true, first.value());
        assertEquals(true, second.value());
    }

    @Test
    void aNotifyWithoutWaitersIsNotRemembered() throws Exception {
        acquire(A, 0L);
        notify(A, 1);
        long start = System.nanoTime();
        assertEquals(false, await(A, SHORT));
        assertTrue(System.nanoTime() - start >= SHORT, "gave up before its timeout");
    }

    @Test
    void aTimedWaitReturnsFalseWithTheLockHeldAgain() throws Exception {
        assertTrue(lock.mayBlock(HostedCondition.AWAIT, new Object[] {A, SHORT}));
        assertFalse(lock.mayBlock(HostedCondition.NOTIFY, new Object[] {A, 1}));
        acquire(A, 0L);
        assertEquals(false, await(A, SHORT));
        assertEquals(true, heldBy(A));
        release(A);
        assertEquals(false, heldBy(A));
    }

    @Test
    void anInterruptedWaitThrowsWithTheLockHeldAgain() throws Exception {
        BackgroundCall<Object> waiter = startWaiter("waiter", A);
        waiter.interrupt();
        waiter.failure(InterruptedException.class);
        assertEquals(true, heldBy(A));
        release(A);
        assertEquals(true, acquire(B, 0L));
        notify(B, 1);
        release(B);
        assertEquals(true, acquire(B, 0L), "the interrupted waiter is no longer one");
    }

    @Test
    void aKilledOwnersLockIsReleasedForTheNextAcquirer() throws Exception {
        assertEquals(true, lock.invoke(HostedCondition.ACQUIRE, new Object[] {A, 0L}, "child-1/2"));
        lock.invoke(HostedCondition.ACQUIRE, new Object[] {A, 0L}, "child-1/2");
        BackgroundCall<Object> acquirer = calls.start("acquirer", () -> acquire(B, FOREVER)).assertBlocked();
        lock.callerGone("child-10", true);
        acquirer.assertStillBlocked();
        lock.callerGone("child-1", true);
        assertEquals(true, acquirer.value());
        assertEquals(true, heldBy(B));
        assertEquals(false, heldBy(A));
    }

    @Test
    void anOwnerThatEndedByItselfKeepsTheLock() throws Exception {
        lock.invoke(HostedCondition.ACQUIRE, new Object[] {A, 0L}, "child-1");
        lock.callerGone("child-1", false);
        assertEquals(true, heldBy(A));
        assertEquals(false, acquire(B, 0L));
    }

    @Test
    void theCancelledWaitOfAGoneCallerDoesNotTakeTheLockBack() throws Exception {
        lock.invoke(HostedCondition.ACQUIRE, new Object[] {A, 0L}, "child-1");
        BackgroundCall<Object> waiter = calls.start("waiter",
                () -> lock.invoke(HostedCondition.AWAIT, new Object[] {A, FOREVER}, "child-1")).assertBlocked();
        acquire(B, 0L);
        lock.callerGone("child-1", true);
        waiter.interrupt();
        waiter.failure(InterruptedException.class);
        release(B);
        assertEquals(false, heldBy(A), "the dead caller's owner must not hold the lock");
        assertEquals(true, acquire(C, 0L));
    }

    @Test
    void anUnknownOperationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> lock.invoke(99, new Object[] {A}, LOCAL_CALLER));
    }

    /** Starts a wait of {@code owner}, which takes the lock first, and returns once it waits. */
    private BackgroundCall<Object> startWaiter(String name, String owner) {
        return calls.start(name, () -> {
            acquire(owner, FOREVER);
            return await(owner, FOREVER);
        }).assertBlocked();
    }

    private Object acquire(String owner, long timeoutNanos) throws Exception {
        return lock.invoke(HostedCondition.ACQUIRE, new Object[] {owner, timeoutNanos}, LOCAL_CALLER);
    }

    private void release(String owner) throws Exception {
        lock.invoke(HostedCondition.RELEASE, new Object[] {owner}, LOCAL_CALLER);
    }

    private Object await(String owner, long timeoutNanos) throws Exception {
        return lock.invoke(HostedCondition.AWAIT, new Object[] {owner, timeoutNanos}, LOCAL_CALLER);
    }

    private void notify(String owner, int n) throws Exception {
        lock.invoke(HostedCondition.NOTIFY, new Object[] {owner, n}, LOCAL_CALLER);
    }

    private Object heldBy(String owner) throws Exception {
        return lock.invoke(HostedCondition.HELD_BY, new Object[] {owner}, LOCAL_CALLER);
    }
}
