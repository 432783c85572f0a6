package io.github.multiprocessing4j.internal.shared;

import static io.github.multiprocessing4j.internal.shared.SharedObjects.LOCAL_CALLER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.BackgroundCall;
import io.github.multiprocessing4j.internal.channel.CallRouter;
import io.github.multiprocessing4j.internal.ring.MappedRing;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HostedPipe through its {@code invoke} protocol, as {@code Connection} calls it: messages cross
 * from one end to the other in order, and an end closes by {@code close()} or when every child
 * that used it has ended, so that the reader at the other end sees end of stream.
 */
@Timeout(BackgroundCall.TEST_SECONDS)
class HostedPipeTest {

    private static final long FOREVER = Timeouts.FOREVER;
    private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(50);

    @RegisterExtension
    final BackgroundCall.Tracker calls = new BackgroundCall.Tracker();

    private final HostedPipe pipe = new HostedPipe();

    @Test
    void messagesCrossToTheOtherEndInOrderInBothDirections() throws Exception {
        send(0, "a", LOCAL_CALLER);
        send(0, "b", LOCAL_CALLER);
        send(1, "back", LOCAL_CALLER);
        assertEquals("a", recv(1, FOREVER, LOCAL_CALLER));
        assertEquals("b", recv(1, 0L, LOCAL_CALLER));
        assertEquals("back", recv(0, 0L, LOCAL_CALLER));
        assertEquals(false, poll(0, 0L));
        assertEquals(false, poll(1, 0L));
    }

    @Test
    void aRecvTriedOnTheChannelsThreadTakesAMessageOnlyIfOneIsThereOrNoneCanCome() throws Exception {
        Object[] recvForever = {1, FOREVER};
        assertSame(CallRouter.WOULD_WAIT, pipe.tryInvoke(HostedPipe.RECV, recvForever, "child-1"));
        send(0, "a", LOCAL_CALLER);
        byte[] message = (byte[]) pipe.tryInvoke(HostedPipe.RECV, recvForever, "child-1");
        assertEquals("a", new String(message, StandardCharsets.UTF_8));
        assertSame(CallRouter.WOULD_WAIT, pipe.tryInvoke(HostedPipe.RECV, recvForever, "child-1"));
        assertSame(CallRouter.WOULD_WAIT, pipe.tryInvoke(HostedPipe.SEND, new Object[] {0, new byte[1]}, "child-1"),
                "only a call that may wait is tried");
        pipe.invoke(HostedPipe.CLOSE, new Object[] {0}, LOCAL_CALLER);
        assertThrows(EOFException.class, () -> pipe.tryInvoke(HostedPipe.RECV, recvForever, "child-1"),
                "the other end is closed: end of stream at once");
    }

    @Test
    void aRecvWithNothingThereFailsOnceItsTimeHasPassed() throws Exception {
        assertFalse(pipe.mayBlock(HostedPipe.RECV, new Object[] {1, 0L}));
        assertTrue(pipe.mayBlock(HostedPipe.RECV, new Object[] {1, SHORT}));
        assertFalse(pipe.mayBlock(HostedPipe.SEND, new Object[] {0, new byte[0]}));
        assertThrows(IllegalStateException.class, () -> recv(1, 0L, LOCAL_CALLER));
        long start = System.nanoTime();
        assertEquals(false, poll(1, SHORT));
        assertTrue(System.nanoTime() - start >= SHORT, "gave up before its timeout");
    }

    @Test
    void aRecvWaitsForTheMessageAndPollSeesIt() throws Exception {
        BackgroundCall<String> reader = calls.start("reader", () -> recv(1, FOREVER, LOCAL_CALLER)).assertBlocked();
        send(1, "wrong way", LOCAL_CALLER);
        reader.assertStillBlocked();
        send(0, "hello", LOCAL_CALLER);
        assertEquals("hello", reader.value());
        assertEquals(true, poll(0, 0L), "the message sent from end 1 waits at end 0");
    }

    @Test
    void theReaderGetsWhatWasSentBeforeThePeerClosedThenEndOfStream() throws Exception {
        send(0, "last words", LOCAL_CALLER);
        close(0);
        assertEquals(true, poll(1, 0L));
        assertEquals("last words", recv(1, FOREVER, LOCAL_CALLER));
        assertEquals(true, poll(1, FOREVER), "end of stream does not wait");
        assertThrows(EOFException.class, () -> recv(1, FOREVER, LOCAL_CALLER));
        IllegalStateException broken = assertThrows(IllegalStateException.class,
                () -> send(1, "nobody", LOCAL_CALLER));
        assertTrue(broken.getMessage().contains("broken pipe"), broken.getMessage());
        assertThrows(IllegalStateException.class, () -> send(0, "closed", LOCAL_CALLER));
    }

    @Test
    void closingAnEndDropsWhatWaitedThereAndEndsItsReads() throws Exception {
        send(0, "unread", LOCAL_CALLER);
        close(1);
        assertThrows(EOFException.class, () -> recv(1, FOREVER, LOCAL_CALLER));
    }

    @Test
    void aWaitingReaderSeesEndOfStreamWhenThePeerCloses() throws Exception {
        BackgroundCall<String> reader = calls.start("reader", () -> recv(1, FOREVER, LOCAL_CALLER)).assertBlocked();
        close(0);
        reader.failure(EOFException.class);
    }

    @Test
    void anEndClosesWhenTheLastChildThatUsedItHasEnded() throws Exception {
        send(0, "from child-1", "child-1");
        pipe.invoke(HostedPipe.ATTACH, new Object[] {0}, "child-2/7");
        BackgroundCall<String> reader = calls.start("reader", () -> {
            recv(1, FOREVER, LOCAL_CALLER);
            return recv(1, FOREVER, LOCAL_CALLER);
        }).assertBlocked();
        pipe.callerGone("child-1", false);
        pipe.callerGone("child-20", true);
        reader.assertStillBlocked();
        pipe.callerGone("child-2", false);
        reader.failure(EOFException.class);
    }

    @Test
    void theHostingProcessIsNotAUserThatEnds() throws Exception {
        send(0, "local", LOCAL_CALLER);
        pipe.callerGone(LOCAL_CALLER, true);
        assertEquals("local", recv(1, 0L, LOCAL_CALLER));
        assertEquals(false, poll(1, 0L), "end 0 is still open");
    }

    @Test
    void anInterruptedRecvTakesNothing() throws Exception {
        BackgroundCall<String> reader = calls.start("reader", () -> recv(1, FOREVER, LOCAL_CALLER)).assertBlocked();
        reader.interrupt();
        reader.failure(InterruptedException.class);
        send(0, "kept", LOCAL_CALLER);
        assertEquals("kept", recv(1, 0L, LOCAL_CALLER));
    }

    /**
     * A process that cannot map a pipe's rings (a remote child) has its receive performed in the
     * hosting process. Its wait for ever ({@link Timeouts#FOREVER}, -1 on the wire) used to reach
     * the rings as a negative timeout: with nothing there yet, every blocking {@code recv()} of a
     * pod failed at once with "nothing arrived in time".
     */
    @Test
    void aRecvForEverOfAProcessThatCannotMapTheRingsWaitsForTheMessage(@TempDir Path directory) throws Exception {
        MappedRing towardsLeft = MappedRing.create(directory.resolve("left.ring"), 1 << 16);
        MappedRing towardsRight = MappedRing.create(directory.resolve("right.ring"), 1 << 16);
        HostedPipe ringed = new HostedPipe(towardsLeft, towardsRight, () -> { });
        BackgroundCall<Object> reader = calls.start("remote reader",
                () -> ringed.invoke(HostedPipe.RECV, new Object[] {1, FOREVER}, "child-1")).assertBlocked();
        BackgroundCall<Object> poller = calls.start("remote poller",
                () -> ringed.invoke(HostedPipe.POLL, new Object[] {0, FOREVER}, "child-2")).assertBlocked();
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[hello.length + 1];
        framed[0] = HostedPipe.OBJECT;
        System.arraycopy(hello, 0, framed, 1, hello.length);
        ringed.invoke(HostedPipe.SEND, new Object[] {0, framed}, "child-2");
        assertArrayEquals(framed, (byte[]) reader.value(), "the message, with its kind, as a receive here gets it");
        poller.assertStillBlocked();
        ringed.invoke(HostedPipe.SEND, new Object[] {1, framed}, "child-1");
        assertEquals(true, poller.value(), "a poll for ever sees the message sent towards its end");
    }

    @Test
    void aPipeHasTwoEndsAndKnownOperationsOnly() {
        assertThrows(IllegalArgumentException.class, () -> pipe.invoke(HostedPipe.SEND, new Object[] {2, new byte[0]},
                LOCAL_CALLER));
        assertThrows(IllegalArgumentException.class, () -> pipe.invoke(HostedPipe.POLL, new Object[] {-1, 0L},
                LOCAL_CALLER));
        assertThrows(IllegalArgumentException.class, () -> pipe.invoke(99, new Object[] {0}, LOCAL_CALLER));
    }

    private void send(int end, String message, String caller) throws Exception {
        pipe.invoke(HostedPipe.SEND, new Object[] {end, message.getBytes(StandardCharsets.UTF_8)}, caller);
    }

    private String recv(int end, long timeoutNanos, String caller) throws Exception {
        byte[] message = (byte[]) pipe.invoke(HostedPipe.RECV, new Object[] {end, timeoutNanos}, caller);
        return new String(message, StandardCharsets.UTF_8);
    }

    private Object poll(int end, long timeoutNanos) throws Exception {
        return pipe.invoke(HostedPipe.POLL, new Object[] {end, timeoutNanos}, LOCAL_CALLER);
    }

    private void close(int end) throws Exception {
        pipe.invoke(HostedPipe.CLOSE, new Object[] {end}, LOCAL_CALLER);
    }
}
