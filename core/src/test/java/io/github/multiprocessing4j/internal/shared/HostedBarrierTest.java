package io.github.multiprocessing4j.internal.shared;

import static io.github.multiprocessing4j.internal.shared.SharedObjects.LOCAL_CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.BackgroundCall;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HostedBarrier through its {@code invoke} protocol, as {@code Barrier} calls it: parties meet
 * and learn their arrival index; a timeout, an interruption, an abort or the death of a
 * waiter's process breaks it for every waiter; reset makes it usable again.
 */
@Timeout(BackgroundCall.TEST_SECONDS)
class HostedBarrierTest {

    private static final long FOREVER = Timeouts.FOREVER;
    private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(50);

    @RegisterExtension
    final BackgroundCall.Tracker calls = new BackgroundCall.Tracker();

    @Test
    void thePartiesWaitForEachOtherAndEachLearnsItsArrivalIndex() throws Exception {
        HostedBarrier barrier = new HostedBarrier(3, false);
        assertTrue(barrier.mayBlock(HostedBarrier.AWAIT, new Object[] {FOREVER}));
        assertFalse(barrier.mayBlock(HostedBarrier.WAITING, new Object[0]));
        BackgroundCall<Object> first = calls.start("first", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        assertEquals(1, waiting(barrier));
        BackgroundCall<Object> second = calls.start("second", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        assertEquals(2, waiting(barrier));
        first.assertStillBlocked();
        assertEquals(2, await(barrier, FOREVER, LOCAL_CALLER), "the last to arrive");
        assertEquals(0, first.value());
        assertEquals(1, second.value());
        assertEquals(0, waiting(barrier));
        assertEquals(false, broken(barrier));
    }

    @Test
    void theBarrierServesOneRoundAfterAnother() throws Exception {
        HostedBarrier barrier = new HostedBarrier(2, false);
        for (int round = 0; round < 3; round++) {
            BackgroundCall<Object> other = calls.start("other-" + round, () -> await(barrier, FOREVER, LOCAL_CALLER))
                    .assertBlocked();
            assertEquals(1, await(barrier, SHORT, LOCAL_CALLER), "round " + round);
            assertEquals(0, other.value(), "round " + round);
        }
    }

    @Test
    void aBarrierOfOnePartyLetsEveryWaiterThrough() throws Exception {
        HostedBarrier barrier = new HostedBarrier(1, false);
        assertEquals(0, await(barrier, FOREVER, LOCAL_CALLER));
        assertEquals(0, await(barrier, 0L, LOCAL_CALLER));
    }

    @Test
    void aBarrierNeedsAParty() {
        assertThrows(IllegalArgumentException.class, () -> new HostedBarrier(0, false));
    }

    @Test
    void aTimeoutBreaksTheBarrierForEveryWaiter() throws Exception {
        HostedBarrier barrier = new HostedBarrier(3, false);
        BackgroundCall<Object> patient = calls.start("patient", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        long start = System.nanoTime();
        assertThrows(TimeoutException.class, () -> await(barrier, SHORT, LOCAL_CALLER));
        assertTrue(System.nanoTime() - start >= SHORT, "gave up before its timeout");
        patient.failure(BrokenBarrierException.class);
        assertEquals(true, broken(barrier));
        assertEquals(0, waiting(barrier));
        assertThrows(BrokenBarrierException.class, () -> await(barrier, FOREVER, LOCAL_CALLER),
                "a broken barrier fails new waiters at once");
    }

    @Test
    void anInterruptedWaiterBreaksTheBarrier() throws Exception {
        HostedBarrier barrier = new HostedBarrier(3, false);
        BackgroundCall<Object> first = calls.start("first", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        BackgroundCall<Object> second = calls.start("second", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        second.interrupt();
        second.failure(InterruptedException.class);
        first.failure(BrokenBarrierException.class);
        assertEquals(true, broken(barrier));
    }

    @Test
    void abortBreaksTheBarrierUntilItIsReset() throws Exception {
        HostedBarrier barrier = new HostedBarrier(2, false);
        BackgroundCall<Object> waiter = calls.start("waiter", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        barrier.invoke(HostedBarrier.ABORT, new Object[0], LOCAL_CALLER);
        waiter.failure(BrokenBarrierException.class);
        assertEquals(true, broken(barrier));
        assertThrows(BrokenBarrierException.class, () -> await(barrier, FOREVER, LOCAL_CALLER));
        barrier.invoke(HostedBarrier.RESET, new Object[0], LOCAL_CALLER);
        assertEquals(false, broken(barrier));
        BackgroundCall<Object> again = calls.start("again", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        assertEquals(1, await(barrier, FOREVER, LOCAL_CALLER));
        assertEquals(0, again.value());
    }

    @Test
    void resetWithoutWaitersLeavesTheBarrierUsable() throws Exception {
        HostedBarrier barrier = new HostedBarrier(2, false);
        barrier.invoke(HostedBarrier.RESET, new Object[0], LOCAL_CALLER);
        assertEquals(false, broken(barrier));
        BackgroundCall<Object> waiter = calls.start("waiter", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        assertEquals(1, await(barrier, FOREVER, LOCAL_CALLER));
        assertEquals(0, waiter.value());
    }

    @Test
    void resetFailsTheCurrentWaitersAndLeavesTheBarrierUsable() throws Exception {
        HostedBarrier barrier = new HostedBarrier(3, false);
        BackgroundCall<Object> waiter = calls.start("waiter", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        barrier.invoke(HostedBarrier.RESET, new Object[0], LOCAL_CALLER);
        waiter.failure(BrokenBarrierException.class);
        assertEquals(false, broken(barrier));
        assertEquals(0, waiting(barrier));
        BackgroundCall<Object> first = calls.start("first", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        BackgroundCall<Object> second = calls.start("second", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        assertEquals(2, await(barrier, FOREVER, LOCAL_CALLER));
        assertEquals(Set.of(0, 1), Set.of(first.value(), second.value()));
    }

    @Test
    void theDeathOfAWaitersProcessBreaksTheBarrier() throws Exception {
        HostedBarrier barrier = new HostedBarrier(3, false);
        BackgroundCall<Object> local = calls.start("local", () -> await(barrier, FOREVER, LOCAL_CALLER))
                .assertBlocked();
        BackgroundCall<Object> child = calls.start("grandchild", () -> await(barrier, FOREVER, "child-1/4"))
                .assertBlocked();
        barrier.callerGone("child-10", true);
        barrier.callerGone("child-2", false);
        assertEquals(false, broken(barrier), "a process that did not wait here breaks nothing");
        local.assertStillBlocked();
        barrier.callerGone("child-1", false);
        local.failure(BrokenBarrierException.class);
        // the grandchild's own call is cancelled by its channel; here it sees the barrier broken
        child.failure(BrokenBarrierException.class);
        assertEquals(true, broken(barrier));
    }

    @Test
    void anUnknownOperationIsRefused() {
        HostedBarrier barrier = new HostedBarrier(2, false);
        assertThrows(IllegalArgumentException.class, () -> barrier.invoke(99, new Object[0], LOCAL_CALLER));
    }

    /** The arrival index a party gets (a barrier without an action answers it as a long). */
    private static Object await(HostedBarrier barrier, long timeoutNanos, String caller) throws Exception {
        return Math.toIntExact((Long) barrier.invoke(HostedBarrier.AWAIT, new Object[] {timeoutNanos}, caller));
    }

    private static Object waiting(HostedBarrier barrier) throws Exception {
        return barrier.invoke(HostedBarrier.WAITING, new Object[0], LOCAL_CALLER);
    }

    private static Object broken(HostedBarrier barrier) throws Exception {
        return barrier.invoke(HostedBarrier.BROKEN, new Object[0], LOCAL_CALLER);
    }
}
