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

/** HostedEvent through its {@code invoke} protocol, as {@code Event} calls it. */
@Timeout(BackgroundCall.TEST_SECONDS)
class HostedEventTest {

    private static final long FOREVER = Timeouts.FOREVER;
    private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(50);

    @RegisterExtension
    final BackgroundCall.Tracker calls = new BackgroundCall.Tracker();

    private final HostedEvent event = new HostedEvent();

    @Test
    void theFlagIsClearUntilSetAndClearAgainOnceCleared() throws Exception {
        assertEquals(false, call(HostedEvent.IS_SET));
        call(HostedEvent.SET);
        call(HostedEvent.SET);
        assertEquals(true, call(HostedEvent.IS_SET));
        call(HostedEvent.CLEAR);
        assertEquals(false, call(HostedEvent.IS_SET));
    }

    @Test
    void aWaitForASetFlagReturnsAtOnce() throws Exception {
        call(HostedEvent.SET);
        assertEquals(true, call(HostedEvent.AWAIT, FOREVER));
        assertEquals(true, call(HostedEvent.AWAIT, 0L));
    }

    @Test
    void aTimedWaitReturnsTheClearFlagOnceItsTimeHasPassed() throws Exception {
        assertTrue(event.mayBlock(HostedEvent.AWAIT, new Object[] {SHORT}));
        assertFalse(event.mayBlock(HostedEvent.AWAIT, new Object[] {0L}));
        assertFalse(event.mayBlock(HostedEvent.SET, new Object[0]));
        assertEquals(false, call(HostedEvent.AWAIT, 0L));
        long start = System.nanoTime();
        assertEquals(false, call(HostedEvent.AWAIT, SHORT));
        assertTrue(System.nanoTime() - start >= SHORT, "gave up before its timeout");
    }

    @Test
    void settingTheFlagReleasesEveryWaiterAndClearingDoesNot() throws Exception {
        BackgroundCall<Object> first = calls.start("first", () -> call(HostedEvent.AWAIT, FOREVER)).assertBlocked();
        BackgroundCall<Object> second = calls.start("second", () -> call(HostedEvent.AWAIT, FOREVER)).assertBlocked();
        call(HostedEvent.CLEAR);
        first.assertStillBlocked();
        second.assertStillBlocked();
        call(HostedEvent.SET);
        assertEquals(true, first.value());
        assertEquals(true, second.value());
    }

    @Test
    void anInterruptedWaitThrows() throws Exception {
        BackgroundCall<Object> waiter = calls.start("waiter", () -> call(HostedEvent.AWAIT, FOREVER)).assertBlocked();
        waiter.interrupt();
        waiter.failure(InterruptedException.class);
        assertEquals(false, call(HostedEvent.IS_SET));
    }

    @Test
    void anUnknownOperationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> call(99));
    }

    private Object call(int op, Object... args) throws Exception {
        return event.invoke(op, args, LOCAL_CALLER);
    }
}
