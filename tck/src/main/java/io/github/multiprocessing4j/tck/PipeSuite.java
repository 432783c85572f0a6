package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Pipe;
import java.io.EOFException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pipes between processes: Python's {@code multiprocessing.Pipe}. Each test keeps one end of a
 * pipe and hands the other to a child; what the child observes comes back on the pipe itself or
 * on a second, one-way pipe. Beyond Python, an end is closed for every process by
 * {@code close()}; and once every child that held an end has ended, and the creator never used
 * it itself, a reader of the other end gets end of stream ({@link EOFException}) instead of
 * waiting for ever.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class PipeSuite extends TckSuite {

    /** The largest message a pipe carries, in bytes: 64 MiB ({@code Connection}'s contract). */
    private static final int LIMIT = 64 * 1024 * 1024;

    /** For subclasses. */
    protected PipeSuite() {
    }

    /**
     * A value of the tests' own class: it reaches the child through the class path.
     *
     * @param x one coordinate
     * @param y the other
     */
    record Point(int x, int y) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    private ChildProcess child(CheckedTarget target) {
        return started(CheckedTarget.unchecked(target));
    }

    @Test
    void pipe_objectsTravelBothWaysBetweenParentAndChildInOrder() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        ChildProcess child = child(() -> {
            // an echo: each object comes back with the pid of the process that received it
            long pid = Multiprocessing.currentProcess().pid();
            for (Object message = receive(theirs); !"stop".equals(message); message = receive(theirs)) {
                theirs.send(Arrays.asList(pid, message));
            }
        });
        long pid = child.pid().getAsLong();
        List<Object> messages = Arrays.asList(Arrays.asList(42, null, "hello"), null, "测试多进程",
                new Point(3, 4), Map.of("key", List.of(1, 2, 3)), Long.MAX_VALUE);
        for (Object message : messages) {
            mine.send(message);
            assertEquals(Arrays.asList(pid, message), recv(mine), "the echo of " + message);
        }
        int many = 200;
        for (int i = 0; i < many; i++) {
            mine.send(i);
        }
        for (int i = 0; i < many; i++) {
            assertEquals(Arrays.asList(pid, i), recv(mine), "messages arrive in the order they were sent");
        }
        mine.send("stop");
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void pipe_bytesTravelExactlyAndAreNotMistakenForObjects() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        ChildProcess child = child(() -> {
            theirs.sendBytes(receiveBytes(theirs));
            try {
                theirs.send("recv accepted bytes: " + receive(theirs));
            } catch (IllegalStateException e) {
                theirs.send(e.getMessage());
            }
            theirs.sendBytes(receiveBytes(theirs));
            theirs.sendBytes(receiveBytes(theirs));
        });
        byte[] data = new byte[1024 * 1024];
        new Random(42).nextBytes(data);
        byte[] expected = data.clone();
        mine.sendBytes(data);
        data[0]++; // sendBytes copied the array: changing it now changes nothing that was sent
        assertArrayEquals(expected, recvBytes(mine), "1 MiB of random bytes, there and back");

        mine.sendBytes(new byte[] {1, 2, 3});
        String bytesAsObject = recv(mine);
        assertTrue(bytesAsObject.contains("recvBytes") && !bytesAsObject.startsWith("recv accepted"),
                "recv() of bytes sent with sendBytes() fails with a message that names recvBytes: " + bytesAsObject);
        assertArrayEquals(new byte[] {1, 2, 3}, recvBytes(mine), "and leaves them unread, for recvBytes()");

        mine.sendBytes(new byte[0]);
        assertArrayEquals(new byte[0], recvBytes(mine), "an empty message");
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void pipe_pollSaysWhetherAMessageIsThereAndWaitsAtMostItsTimeout() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        Event go = new Event();
        ChildProcess child = child(() -> {
            long start = System.nanoTime();
            boolean early = theirs.poll(Duration.ofMillis(300));
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            theirs.send(Arrays.asList(early, waitedMillis));
            go.await(Targets.MAX_WAIT);
            theirs.send("late");
            receive(theirs);
        });
        List<Object> childPoll = recv(mine);
        assertEquals(false, childPoll.get(0), "poll(300 ms) in the child with nothing sent");
        assertTrue((Long) childPoll.get(1) >= 250, "poll(300 ms) in the child waited " + childPoll.get(1) + " ms");

        assertFalse(mine.poll(), "poll() with nothing sent");
        long start = System.nanoTime();
        assertFalse(mine.poll(Duration.ofMillis(300)), "poll(300 ms) with nothing sent");
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMillis >= 250, "poll(300 ms) waited " + waitedMillis + " ms");
        assertFalse(mine.poll(Duration.ofMillis(-1)), "a negative timeout means zero (SPEC L17)");

        go.set();
        assertTrue(mine.poll(READY_TIMEOUT), "poll(timeout) returns once the child has sent");
        assertTrue(mine.poll(), "poll() does not consume the message");
        assertEquals("late", mine.recv());
        assertFalse(mine.poll(), "poll() after the only message was received");
        mine.send("bye");
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void pipe_recvGetsWhatWasSentThenEndOfStreamOnceTheChildClosedItsEnd() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        Pipe reports = Pipe.open(false);
        Connection report = reports.right();
        ChildProcess child = child(() -> {
            theirs.send(1);
            theirs.send(2);
            theirs.send(3);
            theirs.close();
            theirs.close(); // twice is fine
            try {
                theirs.send(4);
                report.send("send on a closed end succeeded");
            } catch (IllegalStateException e) {
                report.send("send: " + e.getMessage());
            }
            try {
                report.send("recv on a closed end returned " + theirs.recv());
            } catch (EOFException e) {
                report.send("recv: EOFException");
            }
        });
        assertEquals(1, (Integer) recv(mine));
        assertEquals(2, (Integer) recv(mine));
        assertEquals(3, (Integer) recv(mine));
        assertTrue(mine.poll(READY_TIMEOUT), "poll() is true at the end of the stream: recv() would not wait");
        assertThrows(EOFException.class, mine::recv, "recv() once everything sent before close() was received");
        assertThrows(EOFException.class, mine::recv, "recv() again");
        IllegalStateException broken = assertThrows(IllegalStateException.class, () -> mine.send("anyone?"));
        assertTrue(broken.getMessage().contains("closed"), "send() towards a closed end: " + broken.getMessage());

        String send = recv(reports.left());
        assertTrue(send.startsWith("send: ") && send.contains("closed"), "send() on the child's closed end: " + send);
        assertEquals("recv: EOFException", recv(reports.left()), "recv() on the child's own closed end");
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void pipe_aChildsRecvGetsEndOfStreamWhenTheParentClosesItsEnd() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        ChildProcess child = child(() -> {
            theirs.send("waiting");
            List<Object> received = new ArrayList<>();
            try {
                while (true) {
                    received.add(receive(theirs));
                }
            } catch (EOFException e) {
                // the parent closed its end: exit with how many messages came before
                System.exit(received.equals(List.of("last", "words")) ? 7 : 3);
            }
        });
        assertEquals("waiting", recv(mine));
        mine.send("last");
        mine.send("words");
        mine.close();
        mine.close(); // twice is fine
        assertEquals(7, exitCodeAfterJoin(child),
                "the child received both messages sent before close(), then EOFException (exit 7)");
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> mine.send("more"));
        assertTrue(closed.getMessage().contains("closed"), "send() on a closed end: " + closed.getMessage());
        assertThrows(EOFException.class, mine::recv, "recv() on a closed end");
    }

    @Test
    void pipe_recvGetsEndOfStreamWhenThePeerChildIsKilled() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        ChildProcess child = child(() -> {
            theirs.send("alive");
            receive(theirs); // never comes: the child is killed while it waits
        });
        assertEquals("alive", recv(mine));
        child.kill();
        assertEquals(-9, exitCodeAfterJoin(child));
        assertTrue(mine.poll(READY_TIMEOUT), "the peer's death ends the stream: poll() is true");
        assertThrows(EOFException.class, mine::recv, "recv() after the peer child was killed");
        // the end is not closed: the creator may hand it to another child, which gets what was sent
        mine.send("anyone?");
        ChildProcess next = child(() -> theirs.send("got " + receive(theirs)));
        assertEquals("got anyone?", recv(mine), "the next child that holds the end receives what was sent to it");
        assertEquals(0, exitCodeAfterJoin(next));
    }

    @Test
    void pipe_anEndIsClosedOnlyWhenEveryChildThatUsedItHasEnded() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        Event firstGo = new Event();
        Event secondGo = new Event();
        ChildProcess first = child(() -> {
            theirs.send("first");
            firstGo.await(Targets.MAX_WAIT);
        });
        ChildProcess second = child(() -> {
            theirs.send("second");
            secondGo.await(Targets.MAX_WAIT);
        });
        assertEquals(List.of("first", "second"), sorted(recv(mine), recv(mine)), "both children used the end");
        firstGo.set();
        assertEquals(0, exitCodeAfterJoin(first));
        assertFalse(mine.poll(), "the end is still open: the second child that used it still runs");
        secondGo.set();
        assertEquals(0, exitCodeAfterJoin(second));
        assertTrue(mine.poll(READY_TIMEOUT), "every child that used the end has ended: end of stream");
        assertThrows(EOFException.class, mine::recv);
    }

    @Test
    void pipe_anEndStaysOpenForAChildThatHasItButHasNotUsedItYetWhenAnotherChildEnds() throws Exception {
        // Python: an end is open while any process holds it, whether or not it has used it yet
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        Event go = new Event();
        Event running = new Event();
        ChildProcess late = child(() -> {
            running.set();
            go.await(Targets.MAX_WAIT);
            theirs.send("late");
        });
        assertTrue(running.await(READY_TIMEOUT), "the late child runs, holding the end");
        ChildProcess early = child(() -> theirs.send("early"));
        assertEquals("early", recv(mine));
        assertEquals(0, exitCodeAfterJoin(early));
        go.set();
        assertEquals(0, exitCodeAfterJoin(late), "the late child could send on the end it was given");
        assertEquals("late", recv(mine));
        assertTrue(mine.poll(READY_TIMEOUT), "both children have ended: end of stream");
        assertThrows(EOFException.class, mine::recv);
    }

    @Test
    void pipe_aOneWayPipeCarriesMessagesFromRightToLeftOnly() throws Exception {
        Pipe pipe = Pipe.open(false);
        Connection left = pipe.left();
        Connection right = pipe.right();
        assertTrue(left.isReadable() && !left.isWritable(), "left of a one-way pipe: " + left);
        assertTrue(right.isWritable() && !right.isReadable(), "right of a one-way pipe: " + right);
        ChildProcess child = child(() -> {
            right.send("from the child");
            try {
                right.send("recv on the send-only end returned " + right.recv());
            } catch (IllegalStateException e) {
                right.send("recv: " + e.getMessage());
            }
            try {
                right.send("poll on the send-only end returned " + right.poll());
            } catch (IllegalStateException e) {
                right.send("poll: " + e.getMessage());
            }
        });
        assertEquals("from the child", recv(left));
        String recv = recv(left);
        assertTrue(recv.startsWith("recv: ") && recv.contains("write-only"),
                "recv() on the send-only end, in the child: " + recv);
        String poll = recv(left);
        assertTrue(poll.startsWith("poll: ") && poll.contains("write-only"),
                "poll() on the send-only end, in the child (Python: OSError 'connection is write-only'): " + poll);
        IllegalStateException send = assertThrows(IllegalStateException.class, () -> left.send("back"));
        assertTrue(send.getMessage().contains("read-only"), "send() on the receive-only end: " + send.getMessage());
        assertThrows(IllegalStateException.class, () -> left.sendBytes(new byte[1]));
        assertEquals(0, exitCodeAfterJoin(child));
        assertTrue(Pipe.open(true).left().isWritable() && Pipe.open().right().isReadable(), "Pipe.open() is duplex");
    }

    /**
     * SPEC M2 on a pipe, sender parent or child: an object that is not serializable
     * ({@code send}) and 64 MiB + 1 bytes ({@code sendBytes}, and {@code send} of a
     * {@code byte[]} that large). Observed: each fails in its sender with an
     * {@link IllegalArgumentException} that names the class, or gives the limit; nothing of them
     * arrives: the first message the other side receives is the sender's next one.
     */
    @Test
    void m2_aMessageThatCannotBeSentFailsInTheSenderParentOrChildAndThePipeKeepsWorking() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        Pipe reports = Pipe.open(false);
        Connection report = reports.right();
        IllegalArgumentException parentNotSerializable = assertThrows(IllegalArgumentException.class,
                () -> mine.send(new NotSerializable()), "send() of a NotSerializable in the parent");
        assertTrue(parentNotSerializable.getMessage().contains(NotSerializable.class.getName()),
                "the parent's exception names the class: " + parentNotSerializable.getMessage());
        IllegalArgumentException parentTooLarge = assertThrows(IllegalArgumentException.class,
                () -> mine.sendBytes(new byte[LIMIT + 1]), "sendBytes() of 64 MiB + 1 bytes in the parent");
        assertTrue(parentTooLarge.getMessage().contains(Integer.toString(LIMIT + 1))
                        && parentTooLarge.getMessage().contains(Integer.toString(LIMIT)),
                "the parent's exception gives the size and the limit: " + parentTooLarge.getMessage());
        IllegalArgumentException parentTooLargeObject = assertThrows(IllegalArgumentException.class,
                () -> mine.send(new byte[LIMIT + 1]), "send() of a byte[] of 64 MiB + 1 in the parent");
        assertTrue(parentTooLargeObject.getMessage().contains(Integer.toString(LIMIT)),
                "the parent's exception gives the limit: " + parentTooLargeObject.getMessage());
        mine.send("the parent's, still working");
        ChildProcess child = child(() -> {
            report.send("received " + receive(theirs));
            try {
                theirs.send(new NotSerializable());
                report.send("a NotSerializable was sent");
            } catch (IllegalArgumentException e) {
                report.send(e.getMessage());
            }
            try {
                theirs.sendBytes(new byte[LIMIT + 1]);
                report.send("64 MiB + 1 bytes were sent");
            } catch (IllegalArgumentException e) {
                report.send(e.getMessage());
            }
            theirs.send("still working");
        });
        assertEquals("received the parent's, still working", recv(reports.left()),
                "nothing of the parent's refused messages arrived, and the pipe works");
        String notSerializable = recv(reports.left());
        assertTrue(notSerializable.contains(NotSerializable.class.getName()),
                "the sender's exception names the class that cannot be serialized: " + notSerializable);
        String tooLarge = recv(reports.left());
        assertTrue(tooLarge.contains(Integer.toString(LIMIT + 1)) && tooLarge.contains(Integer.toString(LIMIT)),
                "the sender's exception gives the size and the limit of " + LIMIT + " bytes: " + tooLarge);
        assertEquals("still working", recv(mine), "nothing of the refused messages arrived, and the pipe works");
        assertEquals(0, exitCodeAfterJoin(child));
        // once the child has ended, its end is held by nobody: the next recv is end of stream, not a late message
        assertThrows(EOFException.class, mine::recv, "nothing followed 'still working'");
    }

    /**
     * SPEC M1 between two children: one child sends 20 000 numbers (and a few messages of bytes
     * and of 300 KiB among them) on an end, another child receives them on the other end; the
     * parent created the pipe and never touches it. On one host the messages go from child to
     * child directly.
     *
     * <p>Observed: the receiver got every message once, in order, whole, then end of stream once
     * the sender had ended.
     */
    @Test
    void m1_aPipeBetweenTwoChildrenCarriesEveryMessageOnceAndInOrder() throws Exception {
        Pipe pipe = Pipe.open();
        Pipe reports = Pipe.open(false);
        Connection report = reports.right();
        Connection out = pipe.left();
        Connection in = pipe.right();
        int count = 20_000;
        int large = 300 * 1024;
        ChildProcess receiver = child(() -> {
            int expected = 0;
            String verdict = null;
            try {
                while (true) {
                    if (expected % 5000 == 1) {
                        byte[] bytes = in.recvBytes();
                        if (bytes.length != large || bytes[0] != (byte) expected || bytes[large - 1] != 7) {
                            verdict = "message of bytes " + expected + " is not whole";
                            break;
                        }
                    }
                    Integer value = in.recv();
                    if (value != expected) {
                        verdict = "expected " + expected + ", received " + value;
                        break;
                    }
                    expected++;
                }
            } catch (EOFException e) {
                verdict = "received " + expected + ", then end of stream";
            }
            report.send(verdict);
        });
        ChildProcess sender = child(() -> {
            for (int i = 0; i < count; i++) {
                if (i % 5000 == 1) {
                    byte[] bytes = new byte[large];
                    bytes[0] = (byte) i;
                    bytes[large - 1] = 7;
                    out.sendBytes(bytes);
                }
                out.send(i);
            }
        });
        // 20 000 messages, each through the parent where the pipe's ring cannot be mapped
        assertEquals(0, exitCodeAfterJoin(sender, SERIAL_WORK_JOIN_TIMEOUT));
        assertEquals("received " + count + ", then end of stream", recv(reports.left()),
                "every message once, in order, then end of stream when the sender (the only holder of its end) ended");
        assertEquals(0, exitCodeAfterJoin(receiver));
    }

    /**
     * SPEC M3 on a pipe: a child sends 64 messages of 1 MiB on an end whose other end nobody
     * reads. The sends cannot all return: once the pipe holds its bound, the next send waits
     * until the reader takes messages, instead of filling a heap or a file. A watchdog thread of
     * the child writes a file once a send has waited a second.
     *
     * <p>Observed: the child says its send waits before it has sent 32 of the messages; once the
     * parent receives, all 64 arrive, whole and in order, and the child ends normally.
     */
    @Test
    void m3_aChildsSendsOnAPipeThatNobodyReadsWaitInsteadOfFillingTheHeap() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        int count = 64;
        int size = 1024 * 1024;
        int atMost = 32;
        String waiting = file("waiting");
        String done = file("done");
        ChildProcess child = child(() -> WaitWatchdog.callWatched(count, waiting, done,
                i -> theirs.sendBytes(WholeMessages.of(i, size))));
        assertTrue(Poll.until(() -> Files.exists(Path.of(waiting))
                        || Files.exists(Path.of(done)), READY_TIMEOUT),
                "the child neither finished its sends nor said that one waits within " + READY_TIMEOUT);
        assertFalse(Files.exists(Path.of(done)),
                "the child sent all " + count + " MiB while nobody read");
        int waitingAt = Integer.parseInt(read(waiting));
        assertTrue(waitingAt < atMost, "the child's send of message " + waitingAt + " waits: it waits no later than "
                + "for message " + atMost);
        for (int i = 0; i < count; i++) {
            WholeMessages.assertWhole(recvBytes(mine), i, size);
        }
        assertEquals(0, exitCodeAfterJoin(child));
        assertThrows(EOFException.class, mine::recv, "nothing more: the child, the only holder of its end, ended");
    }

    @Test
    void pipe_aMessageOfExactly64MiBTravelsFromAChild() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        ChildProcess child = child(() -> {
            byte[] limit = new byte[LIMIT];
            limit[0] = 1;
            limit[LIMIT - 1] = 2;
            theirs.sendBytes(limit);
            theirs.send("after");
        });
        // received while the child sends: a pipe holds a bounded part of what is sent (SPEC M3), as
        // an OS pipe does in Python, so a sender of 64 MiB waits for its reader
        byte[] received = recvBytes(mine);
        assertEquals(LIMIT, received.length, "a message of exactly the limit is not refused");
        assertEquals(1, received[0]);
        assertEquals(2, received[LIMIT - 1]);
        assertEquals("after", recv(mine));
        assertEquals(0, exitCodeAfterJoin(child), "the child sent a message of exactly 64 MiB, then another");
    }

    /**
     * SPEC M4 on a pipe: a child sends messages of about 1 MiB with {@code sendBytes}, each a
     * pattern of its own number that makes any torn, mixed or shortened copy show, as fast as it
     * can, and is killed (SIGKILL) after the parent has received a random number of them (1 to
     * 4), while it still sends.
     *
     * <p>Observed: the parent receives whole messages, those of the child's first sends in
     * order with none missing between, then end of stream (the only child that held the other
     * end has ended); that end then carries the send of another child.
     */
    @Test
    void m4_aChildKilledWhileSendingLargeMessagesLeavesNoTornMessageAndThePipeKeepsWorking() throws Exception {
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        int size = 1024 * 1024;
        int most = 2000;
        long seed = System.nanoTime();
        int before = 1 + new Random(seed).nextInt(4);
        ChildProcess sender = child(() -> {
            // bounded, and far more than are sent before the kill
            for (int i = 0; i < most; i++) {
                theirs.sendBytes(WholeMessages.of(i, size + i % 4096));
            }
            Targets.sleep(Targets.MAX_WAIT.toMillis());
        });
        String context = " (random seed " + seed + ": killed after " + before + " messages were received)";
        int received = 0;
        for (; received < before; received++) {
            WholeMessages.assertWhole(recvBytes(mine), received, size + received % 4096);
        }
        sender.kill();
        assertEquals(-9, exitCodeAfterJoin(sender), context);
        while (true) {
            byte[] message;
            try {
                message = recvBytes(mine);
            } catch (EOFException e) {
                break;
            }
            WholeMessages.assertWhole(message, received, size + received % 4096);
            received++;
        }
        assertTrue(received < most, "the child was killed while it was still sending" + context);
        ChildProcess next = child(() -> theirs.send("from another child"));
        assertEquals("from another child", recv(mine), "the end carries another child's send" + context);
        assertEquals(0, exitCodeAfterJoin(next));
    }

    private static List<String> sorted(String... values) {
        List<String> sorted = new ArrayList<>(Arrays.asList(values));
        sorted.sort(null);
        return sorted;
    }
}
