package io.github.multiprocessing4j.internal.shared;

import static io.github.multiprocessing4j.internal.shared.SharedObjects.LOCAL_CALLER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.QueueFullException;
import io.github.multiprocessing4j.internal.BackgroundCall;
import io.github.multiprocessing4j.internal.channel.CallRouter;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HostedQueue through its {@code invoke} protocol, as {@code Queue}, {@code SimpleQueue} and
 * {@code JoinableQueue} call it: FIFO, the bound, timeouts, close, the unfinished-task count, and
 * cancellation (interruption) that takes nothing.
 */
@Timeout(BackgroundCall.TEST_SECONDS)
class HostedQueueTest {

    private static final long FOREVER = Timeouts.FOREVER;
    private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(50);

    @RegisterExtension
    final BackgroundCall.Tracker calls = new BackgroundCall.Tracker();

    @Test
    void messagesComeOutInTheOrderTheyWentIn() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        for (String message : new String[] {"a", "b", "c"}) {
            put(queue, message, 0L);
        }
        assertEquals(3, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
        assertEquals("a", get(queue, 0L));
        assertEquals("b", get(queue, FOREVER));
        assertEquals("c", get(queue, SHORT));
        assertEquals(0, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
    }

    @Test
    void aGetTriedOnTheChannelsThreadTakesAMessageOnlyIfOneIsThere() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        Object[] getForever = {FOREVER};
        assertSame(CallRouter.WOULD_WAIT, queue.tryInvoke(HostedQueue.GET, getForever, LOCAL_CALLER));
        put(queue, "a", 0L);
        assertEquals("a", new String((byte[]) queue.tryInvoke(HostedQueue.GET, getForever, LOCAL_CALLER),
                StandardCharsets.UTF_8));
        assertSame(CallRouter.WOULD_WAIT, queue.tryInvoke(HostedQueue.GET, getForever, LOCAL_CALLER));
        assertSame(CallRouter.WOULD_WAIT, queue.tryInvoke(HostedQueue.PUT, new Object[] {new byte[1], FOREVER},
                LOCAL_CALLER), "only a get is tried");
        assertEquals(0, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
        queue.invoke(HostedQueue.CLOSE, new Object[0], LOCAL_CALLER);
        assertThrows(IllegalStateException.class, () -> queue.tryInvoke(HostedQueue.GET, getForever, LOCAL_CALLER),
                "a closed, empty queue fails at once");
    }

    @Test
    void theBytesAreHandedBackAsTheyWere() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        byte[] message = {0, -1, 127, -128, 42};
        queue.invoke(HostedQueue.PUT, new Object[] {message.clone(), 0L}, LOCAL_CALLER);
        assertArrayEquals(message, (byte[]) queue.invoke(HostedQueue.GET, new Object[] {0L}, LOCAL_CALLER));
    }

    @Test
    void aPacedPutWaitsWhileTheQueueHoldsTooManyUnreadBytesAndPutsOnceAGetMakesRoom() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        byte[] mebibyte = new byte[1024 * 1024];
        Object[] paced = {mebibyte, FOREVER};
        long limit = SharedObjects.MAX_UNREAD_BYTES / mebibyte.length;
        for (int i = 0; i <= limit; i++) {
            // a posted put never waits, whatever the queue holds
            queue.invoke(HostedQueue.PUT, new Object[] {mebibyte, FOREVER}, LOCAL_CALLER);
        }
        assertSame(CallRouter.WOULD_WAIT, queue.tryInvoke(HostedQueue.PACED_PUT, paced, "child"),
                "over the bound, a paced put is not done on the channel's thread");
        BackgroundCall<Object> producer = calls.start("paced put", () -> queue.invoke(HostedQueue.PACED_PUT, paced,
                "child"));
        producer.assertBlocked();
        assertEquals((int) limit + 1, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
        get(queue, 0L);
        get(queue, 0L);
        producer.value();
        assertEquals((int) limit, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER),
                "two taken, the paced one put");
        assertEquals(null, queue.tryInvoke(HostedQueue.PACED_PUT, new Object[] {new byte[1], FOREVER}, "child"),
                "under the bound, a paced put is done at once");
    }

    @Test
    void aPacedPutThatWaitsFailsOnceTheQueueIsClosed() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        byte[] large = new byte[(int) SharedObjects.MAX_UNREAD_BYTES + 1];
        queue.invoke(HostedQueue.PUT, new Object[] {large, FOREVER}, LOCAL_CALLER);
        BackgroundCall<Object> producer = calls.start("paced put", () -> queue.invoke(HostedQueue.PACED_PUT,
                new Object[] {new byte[1], FOREVER}, "child"));
        producer.assertBlocked();
        queue.invoke(HostedQueue.CLOSE, new Object[0], LOCAL_CALLER);
        producer.failure(IllegalStateException.class);
    }

    @Test
    void anUnboundedQueueTakesEveryPutWithoutWaiting() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        assertFalse(queue.mayBlock(HostedQueue.PUT, new Object[] {new byte[0], FOREVER}));
        for (int i = 0; i < 10_000; i++) {
            put(queue, "m" + i, 0L);
        }
        assertEquals(10_000, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
    }

    @Test
    void aFullQueueRefusesAPutThatDoesNotWait() throws Exception {
        HostedQueue queue = new HostedQueue(2);
        put(queue, "a", 0L);
        put(queue, "b", 0L);
        assertThrows(QueueFullException.class, () -> put(queue, "c", 0L));
        assertEquals(2, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
    }

    @Test
    void aFullQueueRefusesATimedPutOnceItsTimeHasPassed() throws Exception {
        HostedQueue queue = new HostedQueue(1);
        put(queue, "a", 0L);
        long start = System.nanoTime();
        assertThrows(QueueFullException.class, () -> put(queue, "b", SHORT));
        assertTrue(System.nanoTime() - start >= SHORT, "gave up before its timeout");
        assertEquals("a", get(queue, 0L));
        assertEquals(0, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
    }

    @Test
    void aPutOnAFullQueueWaitsUntilAGetMakesRoom() throws Exception {
        HostedQueue queue = new HostedQueue(1);
        assertTrue(queue.mayBlock(HostedQueue.PUT, new Object[] {new byte[0], FOREVER}));
        assertFalse(queue.mayBlock(HostedQueue.PUT, new Object[] {new byte[0], 0L}));
        put(queue, "a", 0L);
        BackgroundCall<Object> putter = calls.start("putter", () -> put(queue, "b", FOREVER)).assertBlocked();
        assertEquals(1, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
        assertEquals("a", get(queue, 0L));
        putter.value();
        assertEquals("b", get(queue, 0L));
    }

    @Test
    void anEmptyQueueRefusesAGetThatDoesNotWaitAndOneWhoseTimeHasPassed() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        assertFalse(queue.mayBlock(HostedQueue.GET, new Object[] {0L}));
        assertThrows(QueueEmptyException.class, () -> get(queue, 0L));
        long start = System.nanoTime();
        assertThrows(QueueEmptyException.class, () -> get(queue, SHORT));
        assertTrue(System.nanoTime() - start >= SHORT, "gave up before its timeout");
    }

    @Test
    void aGetWaitsForThePutThatFeedsIt() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        assertTrue(queue.mayBlock(HostedQueue.GET, new Object[] {FOREVER}));
        BackgroundCall<String> getter = calls.start("getter", () -> get(queue, FOREVER)).assertBlocked();
        assertEquals(0, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
        getter.assertStillBlocked();
        put(queue, "fed", 0L);
        assertEquals("fed", getter.value());
        assertEquals(0, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
    }

    @Test
    void eachMessageGoesToOneGetterOnly() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        BackgroundCall<String> first = calls.start("getter-1", () -> get(queue, FOREVER)).assertBlocked();
        BackgroundCall<String> second = calls.start("getter-2", () -> get(queue, FOREVER)).assertBlocked();
        put(queue, "x", 0L);
        put(queue, "y", 0L);
        assertEquals(Set.of("x", "y"), Set.of(first.value(), second.value()));
    }

    @Test
    void aClosedQueueRefusesPutsAndHandsOutWhatIsLeftThenFails() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        put(queue, "left", 0L);
        queue.invoke(HostedQueue.CLOSE, new Object[0], LOCAL_CALLER);
        queue.invoke(HostedQueue.CLOSE, new Object[0], LOCAL_CALLER);
        assertThrows(IllegalStateException.class, () -> put(queue, "late", 0L));
        assertEquals("left", get(queue, FOREVER));
        assertThrows(IllegalStateException.class, () -> get(queue, FOREVER));
        assertThrows(IllegalStateException.class, () -> get(queue, 0L));
    }

    @Test
    void closingWakesAWaitingGetterWithAFailure() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        BackgroundCall<String> getter = calls.start("getter", () -> get(queue, FOREVER)).assertBlocked();
        queue.invoke(HostedQueue.CLOSE, new Object[0], LOCAL_CALLER);
        getter.failure(IllegalStateException.class);
    }

    @Test
    void closingWakesAWaitingPutterWithAFailureAndDropsItsMessage() throws Exception {
        HostedQueue queue = new HostedQueue(1);
        put(queue, "a", 0L);
        BackgroundCall<Object> putter = calls.start("putter", () -> put(queue, "b", FOREVER)).assertBlocked();
        queue.invoke(HostedQueue.CLOSE, new Object[0], LOCAL_CALLER);
        putter.failure(IllegalStateException.class);
        assertEquals(1, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
        assertEquals("a", get(queue, 0L));
    }

    @Test
    void joinWaitsUntilEveryPutHasItsTaskDone() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        assertEquals(true, join(queue, 0L), "nothing put: nothing to wait for");
        put(queue, "a", 0L);
        put(queue, "b", 0L);
        get(queue, 0L);
        get(queue, 0L);
        assertEquals(false, join(queue, 0L), "getting a message does not finish its task");
        BackgroundCall<Object> joiner = calls.start("joiner", () -> join(queue, FOREVER)).assertBlocked();
        queue.invoke(HostedQueue.TASK_DONE, new Object[0], LOCAL_CALLER);
        joiner.assertStillBlocked();
        assertEquals(false, join(queue, 0L));
        queue.invoke(HostedQueue.TASK_DONE, new Object[0], LOCAL_CALLER);
        assertEquals(true, joiner.value());
        assertEquals(true, join(queue, 0L));
    }

    @Test
    void aTimedJoinReturnsFalseOnceItsTimeHasPassed() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        put(queue, "a", 0L);
        assertTrue(queue.mayBlock(HostedQueue.JOIN, new Object[] {SHORT}));
        assertFalse(queue.mayBlock(HostedQueue.JOIN, new Object[] {0L}));
        long start = System.nanoTime();
        assertEquals(false, join(queue, SHORT));
        assertTrue(System.nanoTime() - start >= SHORT, "gave up before its timeout");
    }

    @Test
    void taskDoneOnceTooOftenFailsAndCountsNothing() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        assertThrows(IllegalStateException.class,
                () -> queue.invoke(HostedQueue.TASK_DONE, new Object[0], LOCAL_CALLER));
        put(queue, "a", 0L);
        queue.invoke(HostedQueue.TASK_DONE, new Object[0], LOCAL_CALLER);
        assertThrows(IllegalStateException.class,
                () -> queue.invoke(HostedQueue.TASK_DONE, new Object[0], LOCAL_CALLER));
        put(queue, "b", 0L);
        assertEquals(false, join(queue, 0L), "the failed taskDone must not have counted");
    }

    @Test
    void anInterruptedGetFailsAndTakesNothing() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        BackgroundCall<String> getter = calls.start("getter", () -> get(queue, FOREVER)).assertBlocked();
        getter.interrupt();
        getter.failure(InterruptedException.class);
        put(queue, "kept", 0L);
        assertEquals(1, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
        assertEquals("kept", get(queue, 0L));
    }

    @Test
    void anInterruptedPutFailsAndAddsNothing() throws Exception {
        HostedQueue queue = new HostedQueue(1);
        put(queue, "a", 0L);
        BackgroundCall<Object> putter = calls.start("putter", () -> put(queue, "b", FOREVER)).assertBlocked();
        putter.interrupt();
        putter.failure(InterruptedException.class);
        assertEquals("a", get(queue, 0L));
        assertThrows(QueueEmptyException.class, () -> get(queue, 0L));
        queue.invoke(HostedQueue.TASK_DONE, new Object[0], LOCAL_CALLER);
        assertEquals(true, join(queue, 0L), "the aborted put must not count as a task");
    }

    @Test
    void aCallerThatEndsLeavesWhatItPutOnTheQueue() throws Exception {
        HostedQueue queue = new HostedQueue(0);
        queue.invoke(HostedQueue.PUT, new Object[] {bytes("from child"), 0L}, "child-1");
        queue.invoke(HostedQueue.PUT, new Object[] {bytes("from grandchild"), 0L}, "child-1/1");
        queue.callerGone("child-1", true);
        assertEquals(2, queue.invoke(HostedQueue.SIZE, new Object[0], LOCAL_CALLER));
        assertEquals("from child", get(queue, 0L));
        assertEquals("from grandchild", get(queue, 0L));
        assertEquals(false, join(queue, 0L), "their tasks are still to be done");
    }

    @Test
    void anUnknownOperationIsRefused() {
        HostedQueue queue = new HostedQueue(0);
        assertThrows(IllegalArgumentException.class, () -> queue.invoke(99, new Object[0], LOCAL_CALLER));
        assertFalse(queue.mayBlock(HostedQueue.SIZE, new Object[0]));
        assertFalse(queue.mayBlock(HostedQueue.CLOSE, new Object[0]));
        assertFalse(queue.mayBlock(HostedQueue.TASK_DONE, new Object[0]));
    }

    private static Object put(HostedQueue queue, String message, long timeoutNanos) throws Exception {
        return queue.invoke(HostedQueue.PUT, new Object[] {bytes(message), timeoutNanos}, LOCAL_CALLER);
    }

    private static String get(HostedQueue queue, long timeoutNanos) throws Exception {
        byte[] message = (byte[]) queue.invoke(HostedQueue.GET, new Object[] {timeoutNanos}, LOCAL_CALLER);
        return new String(message, StandardCharsets.UTF_8);
    }

    private static Object join(HostedQueue queue, long timeoutNanos) throws Exception {
        return queue.invoke(HostedQueue.JOIN, new Object[] {timeoutNanos}, LOCAL_CALLER);
    }

    private static byte[] bytes(String message) {
        return message.getBytes(StandardCharsets.UTF_8);
    }
}
