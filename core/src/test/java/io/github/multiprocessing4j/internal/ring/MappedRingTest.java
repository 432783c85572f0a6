package io.github.multiprocessing4j.internal.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MappedRing within one JVM: a writer thread and a reader thread, each with its own mapping of
 * the same file in /dev/shm, as two processes would have. Order, no loss, no duplication, records
 * that wrap around the end, a full ring that blocks its writer (SPEC M3), oversized messages,
 * timeouts, and a peer that closes or dies.
 */
class MappedRingTest {

    private static final Duration LONG = Duration.ofSeconds(60);
    private SharedMemoryDirectory session;

    @BeforeEach
    void createSession() {
        session = SharedMemoryTesting.session();
    }

    @AfterEach
    void removeSession() {
        session.close();
        assertFalse(Files.exists(session.path()), "the session's directory is removed");
    }

    /** The writing and the reading side of a new ring, through two mappings of its file. */
    private record Ends(MappedRing created, MappedRing opened) {
    }

    private Ends ends(int capacity) throws IOException {
        MappedRing created = session.createRing(capacity);
        return new Ends(created, MappedRing.open(created.path()));
    }

    @Test
    void aThreadWhoseInterruptIsPendingCreatesAndMapsARingAndKeepsItsInterrupt() throws Exception {
        // as a child's thread interrupted while its queue's first use asked the parent for the ring (CB9)
        Thread.currentThread().interrupt();
        try {
            MappedRing created = session.createRing(4096);
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is pending after the creation");
            MappedRing opened = MappedRing.open(created.path());
            assertTrue(Thread.interrupted(), "the interrupt is pending after the mapping");
            RingWriter writer = created.writer(() -> true);
            writer.write(new byte[] {42}, LONG);
            assertArrayEquals(new byte[] {42}, opened.reader(() -> true).read(LONG), "both mappings are of one ring");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aMillionMessagesArriveInOrderWithoutLossOrDuplication() throws Exception {
        Ends ends = ends(4096);
        TestMessages messages = new TestMessages(100);
        int count = 1_000_000;
        RingWriter writer = ends.created().writer(() -> true);
        RingReader reader = ends.opened().reader(() -> true);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        assertTrue(messages.write(writer, i, LONG), "message " + i + " not written within a minute");
                    }
                    writer.close();
                } catch (PeerGoneException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < count; i++) {
                byte[] message = reader.read(LONG);
                assertTrue(message != null && messages.is(message, i), "message " + i);
            }
            assertThrows(EOFException.class, () -> reader.read(LONG), "nothing after the last message");
            writing.get(10, TimeUnit.SECONDS);
        });
    }

    @Test
    void messagesThatWrapAroundTheEndComeBackWhole() throws Exception {
        Ends ends = ends(64);
        RingWriter writer = ends.created().writer(() -> true);
        RingReader reader = ends.opened().reader(() -> true);
        assertEquals(60, ends.created().maxMessageBytes());
        long written = 0;
        // every length from 0 to the largest, at every start position of an 8-aligned record
        for (int round = 0; round < 8; round++) {
            for (int length = 0; length <= 60; length++) {
                byte[] message = new byte[length];
                for (int j = 0; j < length; j++) {
                    message[j] = (byte) (round * 61 + length + j);
                }
                assertTrue(writer.write(message, Duration.ZERO), "an empty ring has room for " + length + " bytes");
                written += MappedRing.recordBytes(length);
                assertArrayEquals(message, reader.read(Duration.ZERO));
            }
        }
        assertTrue(written > 100 * 64L, "the ring went round many times");
    }

    @Test
    void aFullRingBlocksItsWriterUntilTheReaderMakesRoom() throws Exception {
        Ends ends = ends(1024);
        RingWriter writer = ends.created().writer(() -> true);
        RingReader reader = ends.opened().reader(() -> true);
        byte[] message = new byte[100];   // 104 bytes a record: 9 fit in 1024
        int fitted = 0;
        while (writer.write(message, Duration.ZERO)) {
            message[0] = (byte) ++fitted;
        }
        assertEquals(9, fitted);
        byte[] last = new byte[100];
        last[0] = 42;
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return writer.write(last, LONG);
            } catch (PeerGoneException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> blocked.get(300, TimeUnit.MILLISECONDS),
                "a write into a full ring waits");
        assertEquals(0, reader.read(Duration.ZERO)[0]);
        assertTrue(blocked.get(30, TimeUnit.SECONDS), "room made: the blocked write completes");
        for (int i = 1; i < 9; i++) {
            assertEquals(i, reader.read(Duration.ZERO)[0]);
        }
        assertArrayEquals(last, reader.read(Duration.ZERO));
        assertNull(reader.read(Duration.ZERO));
    }

    @Test
    void aWriteIntoAFullRingAndAReadOfAnEmptyOneTimeOut() throws Exception {
        Ends ends = ends(64);
        RingWriter writer = ends.created().writer(() -> true);
        RingReader reader = ends.opened().reader(() -> true);
        long start = System.nanoTime();
        assertNull(reader.read(Duration.ofMillis(200)));
        long readWaited = System.nanoTime() - start;
        assertTrue(writer.write(new byte[60], Duration.ZERO));
        start = System.nanoTime();
        assertFalse(writer.write(new byte[1], Duration.ofMillis(200)));
        long writeWaited = System.nanoTime() - start;
        for (long waited : new long[] {readWaited, writeWaited}) {
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(200) && waited < TimeUnit.SECONDS.toNanos(10),
                    waited + " ns");
        }
        assertFalse(writer.write(new byte[1], Duration.ZERO), "zero: no wait");
        assertEquals(60, reader.read(Duration.ZERO).length, "the timed-out write left the ring as it was");
        assertNull(reader.read(Duration.ZERO));
    }

    @Test
    void aMessageLargerThanTheRingIsRefusedAndTheRingStaysUsable() throws Exception {
        Ends ends = ends(256);
        RingWriter writer = ends.created().writer(() -> true);
        RingReader reader = ends.opened().reader(() -> true);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> writer.write(new byte[253], LONG));
        assertTrue(refused.getMessage().contains("253 bytes") && refused.getMessage().contains("252 bytes"),
                refused.getMessage());
        assertTrue(writer.write(new byte[252], Duration.ZERO), "the largest message fits an empty ring");
        assertEquals(252, reader.read(Duration.ZERO).length);
    }

    @Test
    void aClosedWriterEndsTheReaderOnceEveryMessageIsRead() throws Exception {
        Ends ends = ends(256);
        RingWriter writer = ends.created().writer(() -> true);
        RingReader reader = ends.opened().reader(() -> true);
        writer.write(new byte[] {1}, Duration.ZERO);
        writer.write(new byte[] {2}, Duration.ZERO);
        writer.close();
        assertArrayEquals(new byte[] {1}, reader.read(LONG));
        assertArrayEquals(new byte[] {2}, reader.read(LONG));
        assertThrows(EOFException.class, () -> reader.read(LONG));
        assertThrows(IllegalStateException.class, () -> writer.write(new byte[1], Duration.ZERO));
    }

    @Test
    void aDeadWriterEndsAWaitingReaderOnceEveryCommittedMessageIsRead() throws Exception {
        Ends ends = ends(256);
        AtomicBoolean writerAlive = new AtomicBoolean(true);
        RingWriter writer = ends.created().writer(() -> true);
        RingReader reader = ends.opened().reader(writerAlive::get);
        writer.write(new byte[] {7}, Duration.ZERO);
        writerAlive.set(false);
        assertArrayEquals(new byte[] {7}, reader.read(LONG), "what a dead writer committed is still read");
        long start = System.nanoTime();
        PeerGoneException gone = assertThrows(PeerGoneException.class, () -> reader.read(LONG));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "not the minute of the timeout");
        assertTrue(gone.getMessage().contains("died"), gone.getMessage());
    }

    @Test
    void aDeadOrClosedReaderEndsTheWriter() throws Exception {
        Ends ends = ends(64);
        AtomicBoolean readerAlive = new AtomicBoolean(true);
        RingWriter writer = ends.created().writer(readerAlive::get);
        RingReader reader = ends.opened().reader(() -> true);
        assertTrue(writer.write(new byte[60], Duration.ZERO));
        readerAlive.set(false);
        long start = System.nanoTime();
        assertThrows(PeerGoneException.class, () -> writer.write(new byte[1], LONG), "full, and the reader is dead");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "not the minute of the timeout");
        readerAlive.set(true);
        reader.close();
        PeerGoneException closed = assertThrows(PeerGoneException.class, () -> writer.write(new byte[0], LONG));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void anInterruptedWaitThrowsAndLeavesTheRingAsItWas() throws Exception {
        Ends ends = ends(64);
        RingWriter writer = ends.created().writer(() -> true);
        RingReader reader = ends.opened().reader(() -> true);
        CompletableFuture<Thread> waiting = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            waiting.complete(Thread.currentThread());
            try {
                reader.read(LONG);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        waiting.get(30, TimeUnit.SECONDS).interrupt();
        assertTrue(outcome.get(30, TimeUnit.SECONDS) instanceof InterruptedException);
        assertTrue(writer.write(new byte[] {3}, Duration.ZERO));
        assertArrayEquals(new byte[] {3}, reader.read(LONG));
    }

    @Test
    void aCorruptedRecordBreaksTheRingWithIllegalStateException() throws Exception {
        Ends ends = ends(256);
        RingWriter writer = ends.created().writer(() -> true);
        RingReader reader = ends.opened().reader(() -> true);
        writer.write(new byte[16], Duration.ZERO);
        try (FileChannel channel = FileChannel.open(ends.created().path(), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(0, 1000),
                    MappedRing.DATA_AT);
        }
        IllegalStateException broken = assertThrows(IllegalStateException.class, () -> reader.read(LONG));
        assertTrue(broken.getMessage().contains("corrupted"), broken.getMessage());
    }

    @Test
    void theFileIsTheOwnersOnlyAndOnlyRingsOfThisFormatOpen() throws Exception {
        MappedRing ring = session.createRing(4096);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ring.path())));
        assertEquals(MappedRing.DATA_AT + 4096L, Files.size(ring.path()));
        assertThrows(IOException.class, () -> MappedRing.create(ring.path(), 4096), "never over an existing file");
        assertTrue(Files.exists(ring.path()), "and the existing file stays");
        assertThrows(IllegalStateException.class, () -> {
            ring.writer(() -> true);
            ring.writer(() -> true);
        });

        Path notARing = session.newFile("junk");
        Files.write(notARing, new byte[MappedRing.DATA_AT + 4096]);
        assertThrows(IOException.class, () -> MappedRing.open(notARing));
        Path otherVersion = session.newFile("other");
        Files.copy(ring.path(), otherVersion);
        try (FileChannel channel = FileChannel.open(otherVersion, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(0, 2),
                    MappedRing.VERSION_AT);
        }
        IOException refused = assertThrows(IOException.class, () -> MappedRing.open(otherVersion));
        assertTrue(refused.getMessage().contains("version 2"), refused.getMessage());
        Path truncated = session.newFile("short");
        Files.write(truncated, new byte[100]);
        assertThrows(IOException.class, () -> MappedRing.open(truncated));

        for (int capacity : new int[] {0, 32, 100, 3000, -4096}) {
            assertThrows(IllegalArgumentException.class, () -> session.createRing(capacity), "capacity " + capacity);
        }
    }

    @Test
    void aDurationTooLongForNanosecondsWaitsWithoutOverflowing() throws Exception {
        Ends ends = ends(64);
        RingWriter writer = ends.created().writer(() -> true);
        RingReader reader = ends.opened().reader(() -> true);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.read(Duration.ofSeconds(Long.MAX_VALUE));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.write(new byte[] {9}, Duration.ZERO);
        try {
            assertArrayEquals(new byte[] {9}, read.get(30, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }
}
