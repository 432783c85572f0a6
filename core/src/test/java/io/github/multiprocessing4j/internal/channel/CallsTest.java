package io.github.multiprocessing4j.internal.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.QueueFullException;
import io.github.multiprocessing4j.internal.BackgroundCall;
import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.shared.HostedEvent;
import io.github.multiprocessing4j.internal.shared.HostedPipe;
import io.github.multiprocessing4j.internal.shared.HostedQueue;
import io.github.multiprocessing4j.internal.shared.Timeouts;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls: the envelopes of calls on shared objects (call, reply, cancel, gone) survive the round
 * trip; a reply's exception comes back as the same type only for the exceptions a shared
 * object's contract names; bytes that are not a whole envelope fail with an IOException.
 */
@Timeout(BackgroundCall.TEST_SECONDS)
class CallsTest {

    @Test
    void aCallSurvivesTheRoundTrip() throws IOException {
        byte[] message = {1, 2, 3, -1};
        Object[] args = {"token:17", Timeouts.FOREVER, 3, true, null, message};
        Calls.Call call = Calls.decodeCall(Calls.encodeCall(42L, "token#5", HostedQueue.PUT, args, "7/3"));
        assertEquals(42L, call.id());
        assertEquals("token#5", call.objectId());
        assertEquals(HostedQueue.PUT, call.op());
        assertEquals("7/3", call.onBehalfOf());
        assertEquals(args.length, call.args().length);
        assertEquals(List.of("token:17", Timeouts.FOREVER, 3, true), Arrays.asList(call.args()).subList(0, 4));
        assertNull(call.args()[4]);
        assertArrayEquals(message, (byte[]) call.args()[5]);
    }

    @Test
    void aCallOfTheSendersOwnHasNoOneOnWhoseBehalfItIs() throws IOException {
        Calls.Call call = Calls.decodeCall(Calls.encodeCall(Long.MAX_VALUE, "x#1", HostedEvent.SET, new Object[0], ""));
        assertEquals("", call.onBehalfOf());
        assertEquals(0, call.args().length);
        assertEquals(Long.MAX_VALUE, call.id());
    }

    @Test
    void aCallWithMoreThanSixteenArgumentsOrANegativeCountIsAProtocolError() throws IOException {
        assertEquals(16, Calls.decodeCall(Calls.encodeCall(1, "x#1", 1, new Object[16], "")).args().length);
        assertThrows(ProtocolException.class, () -> Calls.decodeCall(Calls.encodeCall(1, "x#1", 1, new Object[17], "")));
        byte[] call = Calls.encodeCall(1, "x#1", 1, new Object[0], "");
        ByteBuffer.wrap(call).putInt(call.length - 4, -1);
        assertThrows(ProtocolException.class, () -> Calls.decodeCall(call));
    }

    @Test
    void aCallArgumentAnnouncingMoreThanTheLargestMessageIsAProtocolError() {
        byte[] call = Calls.encodeCall(1, "x#1", HostedQueue.PUT, new Object[] {new byte[0]}, "");
        // the byte array's length is the call's last four bytes
        ByteBuffer.wrap(call).putInt(call.length - 4, Payloads.MAX_BYTES + 17);
        assertThrows(ProtocolException.class, () -> Calls.decodeCall(call));
    }

    @Test
    void aCallOfAValueOutsideTheProtocolIsRefusedWhenEncoded() {
        assertThrows(IllegalArgumentException.class,
                () -> Calls.encodeCall(1, "x#1", 1, new Object[] {new StringBuilder("not a value")}, ""));
    }

    @Test
    void everyTruncatedCallFailsWithAnIOException() {
        byte[] call = Calls.encodeCall(9, "token#5", HostedPipe.SEND, new Object[] {1, new byte[] {5, 6}}, "2");
        for (int length = 0; length < call.length; length++) {
            byte[] truncated = Arrays.copyOf(call, length);
            assertThrows(IOException.class, () -> Calls.decodeCall(truncated), "cut at " + length);
        }
    }

    @Test
    void aReplysValueSurvivesTheRoundTrip() throws IOException {
        for (Object value : Arrays.asList(null, true, 3, 4L, "s")) {
            Calls.Reply reply = Calls.decodeReply(Calls.encodeReply(77, value, null));
            assertEquals(77, reply.id());
            assertEquals(value, reply.value());
            assertNull(reply.failure());
        }
        byte[] bytes = {9, 8, 7};
        assertArrayEquals(bytes, (byte[]) Calls.decodeReply(Calls.encodeReply(1, bytes, null)).value());
    }

    @Test
    void theExceptionsOfTheSharedObjectsContractsComeBackAsThemselves() throws IOException {
        List<Exception> contract = List.of(new QueueEmptyException("empty"), new QueueFullException("full"),
                new IllegalStateException("state"), new IllegalArgumentException("argument"),
                new BrokenBarrierException("broken"), new TimeoutException("late"), new EOFException("ended"));
        for (Exception sent : contract) {
            Calls.Reply reply = Calls.decodeReply(Calls.encodeReply(5, null, sent));
            assertEquals(5, reply.id());
            assertNull(reply.value());
            assertSame(sent.getClass(), reply.failure().getClass(), sent.toString());
            assertEquals(sent.getMessage(), reply.failure().getMessage());
        }
    }

    @Test
    void anyOtherExceptionComesBackAsAnIllegalStateExceptionNamingIt() throws IOException {
        Calls.Reply reply = Calls.decodeReply(Calls.encodeReply(5, null, new UnsupportedOperationException("nope")));
        IllegalStateException failure = assertInstanceOf(IllegalStateException.class, reply.failure());
        assertSame(IllegalStateException.class, failure.getClass());
        assertEquals("java.lang.UnsupportedOperationException: nope", failure.getMessage());
        // a subclass of a known exception is not that exception's contract: it is named, not recreated
        Calls.Reply subclass = Calls.decodeReply(Calls.encodeReply(6, null, new CancellationException("cancelled")));
        assertSame(IllegalStateException.class, subclass.failure().getClass());
        assertEquals("java.util.concurrent.CancellationException: cancelled", subclass.failure().getMessage());
    }

    @Test
    void everyTruncatedReplyFailsWithAnIOException() {
        for (byte[] reply : List.of(Calls.encodeReply(3, "value", null),
                Calls.encodeReply(3, null, new QueueEmptyException("empty")))) {
            for (int length = 0; length < reply.length; length++) {
                byte[] truncated = Arrays.copyOf(reply, length);
                assertThrows(IOException.class, () -> Calls.decodeReply(truncated), "cut at " + length);
            }
        }
    }

    @Test
    void aGoneNoticeSurvivesTheRoundTrip() throws IOException {
        assertEquals(new Calls.Gone("3/1/4", true), Calls.decodeGone(Calls.encodeGone("3/1/4", true)));
        assertEquals(new Calls.Gone("7", false), Calls.decodeGone(Calls.encodeGone("7", false)));
        byte[] gone = Calls.encodeGone("7", false);
        assertThrows(IOException.class, () -> Calls.decodeGone(Arrays.copyOf(gone, gone.length - 1)));
    }

    @Test
    void aCancelIsItsCallsIdAndNothingElse() throws IOException {
        for (long id : new long[] {0, 1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals(8, Calls.encodeCancel(id).length);
            assertEquals(id, Calls.decodeCancel(Calls.encodeCancel(id)));
        }
        for (int length : new int[] {0, 7, 9}) {
            assertThrows(ProtocolException.class, () -> Calls.decodeCancel(new byte[length]), length + " bytes");
        }
    }
}
