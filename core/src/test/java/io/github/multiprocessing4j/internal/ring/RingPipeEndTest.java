package io.github.multiprocessing4j.internal.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pipe over two rings, each end with its own mappings as two processes would have: whole and
 * fragmented messages, a receive for objects that leaves a byte message unread, fragments of an
 * abandoned message that no reader sees, the flags that end a stream or refuse a send, and a
 * lock left by a process that ended.
 */
class RingPipeEndTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final byte OBJECT = 1;
    private static final byte BYTES = 0;
    private SharedMemoryDirectory session;
    private MappedRing towardsLeft;
    private MappedRing towardsRight;

    @BeforeEach
    void createRings() throws IOException {
        session = SharedMemoryTesting.session();
        towardsLeft = session.createRing(4096);
        towardsRight = session.createRing(4096);
    }

    @AfterEach
    void removeSession() {
        session.close();
    }

    /** End 0 (left) or 1 (right) as a process of its own maps it, with its token. */
    private RingPipeEnd end(int end, int token) throws IOException {
        MappedRing in = MappedRing.open((end == 0 ? towardsLeft : towardsRight).path());
        MappedRing out = MappedRing.open((end == 0 ? towardsRight : towardsLeft).path());
        return new RingPipeEnd(in, out, token, () -> true);
    }

    private static byte[] pattern(int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    private static byte[] framed(byte type, byte[] body) {
        return ByteBuffer.allocate(body.length + 1).put(type).put(body).array();
    }

    @Test
    void messagesOfEverySizeArriveWholeAndInOrderWhileTheRingIsSmallerThanThem() throws Exception {
        RingPipeEnd left = end(0, 1);
        RingPipeEnd right = end(1, 2);
        int[] sizes = {0, 1, 1000, 1023, 1024, 1025, 4096, 10_000, 100_000};
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < sizes.length; i++) {
                    right.send(i % 2 == 0 ? OBJECT : BYTES, pattern(sizes[i], i), 0, sizes[i]);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < sizes.length; i++) {
            byte[] message = left.receive(false, OBJECT, LONG);
            assertArrayEquals(framed(i % 2 == 0 ? OBJECT : BYTES, pattern(sizes[i], i)), message,
                    "message " + i + " of " + sizes[i] + " bytes, in a ring of 4096");
        }
        sender.get(30, TimeUnit.SECONDS);
        assertNull(left.receive(false, OBJECT, Duration.ZERO), "nothing more");
        assertFalse(left.poll(Duration.ZERO));
    }

    @Test
    void aReceiveForObjectsLeavesAByteMessageUnread() throws Exception {
        RingPipeEnd left = end(0, 1);
        RingPipeEnd right = end(1, 2);
        right.send(BYTES, new byte[] {7, 8}, 0, 2);
        // larger than the ring: its sender waits for the reader between fragments
        CompletableFuture<Void> large = CompletableFuture.runAsync(() -> {
            try {
                right.send(BYTES, pattern(9000, 3), 0, 9000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(left.poll(Duration.ZERO));
        IllegalStateException small = assertThrows(IllegalStateException.class,
                () -> left.receive(true, OBJECT, LONG));
        assertTrue(small.getMessage().contains("recvBytes"), small.getMessage());
        assertArrayEquals(new byte[] {BYTES, 7, 8}, left.receive(false, OBJECT, LONG), "still there, for recvBytes");
        assertThrows(IllegalStateException.class, () -> left.receive(true, OBJECT, LONG), "a fragmented one too");
        assertArrayEquals(framed(BYTES, pattern(9000, 3)), left.receive(false, OBJECT, LONG));
        large.get(30, TimeUnit.SECONDS);
    }

    @Test
    void theFragmentsOfAMessageWhoseSenderDiedAreNeverSeen() throws Exception {
        RingPipeEnd left = end(0, 1);
        // a sender that died after two fragments of a message: written here record by record
        RingWriter dying = MappedRing.open(towardsLeft.path()).writer(() -> true);
        byte[] first = ByteBuffer.allocate(6).put(RingPipeEnd.FIRST).putInt(5000).put(OBJECT).array();
        dying.write(first, new byte[900], 0, 900, LONG);
        dying.write(new byte[] {RingPipeEnd.MORE}, new byte[900], 0, 900, LONG);
        // a lone middle fragment (a reader died after taking the first one) before the next message
        RingPipeEnd right = end(1, 2);
        right.send(OBJECT, new byte[] {42}, 0, 1);
        assertArrayEquals(new byte[] {OBJECT, 42}, left.receive(false, OBJECT, LONG),
                "the torn message is dropped, the next one arrives whole");
        dying.write(new byte[] {RingPipeEnd.LAST}, new byte[10], 0, 10, LONG);
        right.send(OBJECT, new byte[] {43}, 0, 1);
        assertArrayEquals(new byte[] {OBJECT, 43}, left.receive(false, OBJECT, LONG), "an orphan fragment is dropped");
    }

    @Test
    void theFlagsEndTheStreamAndRefuseSendsWithTheirReasons() throws Exception {
        RingPipeEnd left = end(0, 1);
        RingPipeEnd right = end(1, 2);
        right.send(OBJECT, new byte[] {1}, 0, 1);
        towardsLeft.setWriterClosed(RingPipeEnd.RELEASED);
        assertArrayEquals(new byte[] {OBJECT, 1}, left.receive(false, OBJECT, LONG), "what was sent is read first");
        EOFException released = assertThrows(EOFException.class, () -> left.receive(false, OBJECT, LONG));
        assertTrue(released.getMessage().contains("held by no process"), released.getMessage());
        assertTrue(left.poll(Duration.ZERO), "a receive would not wait");
        towardsLeft.setWriterClosed(RingPipeEnd.CLOSED);
        EOFException closed = assertThrows(EOFException.class, () -> left.receive(false, OBJECT, LONG));
        assertTrue(closed.getMessage().contains("other end of the pipe is closed"), closed.getMessage());
        IllegalStateException ownEndClosed = assertThrows(IllegalStateException.class,
                () -> right.send(OBJECT, new byte[1], 0, 1));
        assertEquals("this end of the pipe is closed", ownEndClosed.getMessage());

        towardsRight.closeReader();
        IllegalStateException broken = assertThrows(IllegalStateException.class,
                () -> left.send(OBJECT, new byte[1], 0, 1));
        assertTrue(broken.getMessage().contains("broken pipe"), broken.getMessage());
        EOFException mine = assertThrows(EOFException.class, () -> right.receive(false, OBJECT, LONG));
        assertEquals("this end of the pipe is closed", mine.getMessage());
    }

    @Test
    void aReceiverWaitingWhenItsEndIsClosedGetsEndOfStream() throws Exception {
        RingPipeEnd left = end(0, 1);
        CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return left.receive(false, OBJECT, LONG);
            } catch (Exception e) {
                return e;
            }
        });
        towardsLeft.closeReader();
        Object outcome = waiting.get(30, TimeUnit.SECONDS);
        assertTrue(outcome instanceof EOFException, "end of stream, not a hang: " + outcome);
    }

    @Test
    void aLockLeftByAnEndedProcessIsFreedByTheManagerAndTheEndWorksAgain() throws Exception {
        RingPipeEnd left = end(0, 1);
        // a process with token 5 died while it received: it held the readers' lock of the left end
        long dead = LockWord.owner(5, 1);
        assertTrue(towardsLeft.readerLock().tryAcquire(dead));
        assertNull(left.receive(false, OBJECT, Duration.ofMillis(50)), "the lock is held: nothing in time");
        assertTrue(towardsLeft.readerLock().releaseOwnersWhere(token -> token == 5));
        RingPipeEnd right = end(1, 2);
        right.send(OBJECT, new byte[] {9}, 0, 1);
        assertArrayEquals(new byte[] {OBJECT, 9}, left.receive(false, OBJECT, LONG));
    }

    @Test
    void aFullRingBlocksItsSenderUntilTheReaderTakes() throws Exception {
        RingPipeEnd left = end(0, 1);
        RingPipeEnd right = end(1, 2);
        byte[] body = new byte[500];
        int sent = 0;
        CompletableFuture<Void> blocked = null;
        // fill the 4096-byte ring: then the next send waits
        while (blocked == null) {
            CompletableFuture<Void> send = CompletableFuture.runAsync(() -> {
                try {
                    right.send(OBJECT, body, 0, body.length);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                send.get(2, TimeUnit.SECONDS);
                sent++;
            } catch (java.util.concurrent.TimeoutException e) {
                blocked = send;
            }
            assertTrue(sent < 20, "a ring of 4096 bytes took " + sent + " messages of 500");
        }
        assertFalse(blocked.isDone(), "the sender waits at the bound (SPEC M3)");
        assertEquals(body.length + 1, left.receive(false, OBJECT, LONG).length);
        blocked.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < sent; i++) {
            assertTrue(Arrays.equals(framed(OBJECT, body), left.receive(false, OBJECT, LONG)));
        }
        assertNull(left.receive(false, OBJECT, Duration.ZERO));
    }
}
