package io.github.multiprocessing4j.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.BackgroundCall;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ParentLink, a child's calls on its parent's objects, as the parent sees them on the channel:
 * an interrupt ends the wait of a call that may block, which is then cancelled; it neither ends
 * nor is lost from the wait of a call that never blocks (the first use of a queue in a child,
 * its size, an event's set), which gets its answer and leaves the interrupt pending.
 */
@Timeout(value = BackgroundCall.TEST_SECONDS, unit = TimeUnit.SECONDS)
class ParentLinkTest {

    private static final int OP = 7;

    @RegisterExtension
    final BackgroundCall.Tracker calls = new BackgroundCall.Tracker();

    @TempDir
    Path directory;

    private Path socket;
    private SocketChannel childEnd;
    private SocketChannel parentEnd;
    private ParentLink link;

    @BeforeEach
    void connect() throws IOException {
        socket = directory.resolve("link.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            childEnd = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            parentEnd = server.accept();
        }
        // as after the handshake: the channel's frames are written by the link's writer
        childEnd.configureBlocking(false);
        link = new ParentLink(childEnd);
    }

    @AfterEach
    void close() throws IOException {
        link.writer().close();
        childEnd.close();
        parentEnd.close();
        Files.deleteIfExists(socket);
    }

    @Test
    void aCallThatNeverBlocksGetsItsAnswerWhenInterruptedWhileWaitingForItAndKeepsTheInterrupt() throws Exception {
        BackgroundCall<String> quick = calls.start("quick", () -> {
            Object answer = link.callUninterruptibly("queue-1", OP, new Object[] {"size"}, "");
            return answer + ", interrupted " + Thread.currentThread().isInterrupted();
        });
        Calls.Call call = Calls.decodeCall(Frames.expect(parentEnd, Frames.CALL, 1024));
        assertEquals("queue-1", call.objectId());
        quick.assertBlocked();
        quick.interrupt();
        // it waits on for the answer: still blocked, and no cancel goes out
        quick.assertBlocked();
        link.replied(Calls.encodeReply(call.id(), 3, null));
        assertEquals("3, interrupted true", quick.value());
        assertNextFrameIsTheCallOf(link);
    }

    @Test
    void aCallThatMayBlockEndsWhenInterruptedAndIsCancelled() throws Exception {
        BackgroundCall<Object> waiting = calls.start("waiting", () ->
                link.call("queue-1", OP, new Object[] {"get"}, ""));
        Calls.Call call = Calls.decodeCall(Frames.expect(parentEnd, Frames.CALL, 1024));
        waiting.assertBlocked();
        waiting.interrupt();
        waiting.failure(InterruptedException.class);
        assertEquals(call.id(), Calls.decodeCancel(Frames.expect(parentEnd, Frames.CANCEL, 1024)),
                "the parent is told to stop waiting for the interrupted call");
        // an answer that comes after all is dropped: the next call gets its own
        link.replied(Calls.encodeReply(call.id(), "late", null));
        assertNextFrameIsTheCallOf(link);
    }

    /** A new call's frame is the next the parent reads (nothing else was sent), and it gets its own answer. */
    private void assertNextFrameIsTheCallOf(ParentLink parentLink) throws Exception {
        BackgroundCall<Object> next = calls.start("next", () ->
                parentLink.callUninterruptibly("event-1", OP, new Object[0], ""));
        Calls.Call call = Calls.decodeCall(Frames.expect(parentEnd, Frames.CALL, 1024));
        assertEquals("event-1", call.objectId(), "the frame after the first call's is the next call");
        parentLink.replied(Calls.encodeReply(call.id(), true, null));
        assertTrue((Boolean) next.value());
    }
}
